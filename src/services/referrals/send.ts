/**
 * The sender's moves of a referral (DOMAIN.md "Referral"; SECURITY.md C4): sending it behind the
 * consent gate, sending an updated snapshot while it is open, revoking it, and, for an organisation
 * without Haven accounts, recording how the PDF form was delivered and the answers that came back.
 *
 * An offline referral is sent like any other (consent checked, snapshot taken, status `sent`) when the
 * caseworker sends it: the PDF form is printed from that snapshot, and the delivery is recorded after.
 */
import { Types } from 'mongoose';
import { Conflict, Invalid } from '../../domain/errors.js';
import { can, type Caller } from '../../domain/permissions.js';
import { OPEN_STATUSES, mayMove, movesForOffline, type ReferralMove, type ReferralStatus } from '../../domain/referrals.js';
import { clock } from '../../lib/clock.js';
import { CaseModel } from '../../models/case.js';
import { ReferralModel } from '../../models/referral.js';
import { audit } from '../audit/audit.js';
import { trusted } from '../auth/trusted.js';
import { seal, type LeanCase } from '../cases/records.js';
import { copyFiles, removeCopies } from './file-copies.js';
import { isOffline } from './partners.js';
import { MoveRefused, applyMove, referralForSender, sealSnapshot, type LeanReferral } from './referrals.js';
import { buildSnapshot, idList } from './snapshot.js';

const today = () => clock.now().toISOString().slice(0, 10);

/**
 * The consent the referral may rely on (C4, P1): purpose `referral`, naming the organisation it goes
 * to, dated today or earlier, and not withdrawn. A withdrawal blocks at once: it is read at each send.
 */
export function consentFor(c: Pick<LeanCase, 'consents'>, organisationId: Types.ObjectId): { _id: Types.ObjectId } | undefined {
  const end = new Date(`${today()}T23:59:59.999Z`);
  return (c.consents ?? []).find((x) => x.purpose === 'referral' && x.organisationId && String(x.organisationId) === String(organisationId) && !x.withdrawnAt && x.date <= end) as { _id: Types.ObjectId } | undefined;
}

async function caseOf(r: LeanReferral): Promise<LeanCase> {
  const c = (await CaseModel.findOne(trusted({ _id: r.caseId })).lean()) as LeanCase | null;
  if (!c) throw new Conflict();
  return c;
}

async function refuseMove(caller: Caller, r: LeanReferral): Promise<never> {
  await audit(caller, { action: 'referral_step', outcome: 'failure', reason: 'transition_refused', recordType: 'referral', recordId: String(r._id) });
  throw new MoveRefused(r.status as ReferralStatus);
}

/**
 * What the consent gate lets through: the consent found, or an override by a user allowed to give one,
 * with a reason. Anything else is refused (422) and audited; nothing is written.
 */
async function passConsentGate(caller: Caller, r: LeanReferral, c: LeanCase, overrideReason: string): Promise<Record<string, unknown>> {
  const consent = consentFor(c, r.toOrganisationId);
  const id = String(r._id);
  if (consent) return { consent: { consentId: consent._id, override: false } };
  if (overrideReason && !can(caller.roles, 'referral.override')) {
    await audit(caller, { action: 'consent_override', outcome: 'denied', reason: 'no_permission', recordType: 'referral', recordId: id });
    throw new Invalid({ overrideReason: 'referrals:errors.overrideNotAllowed' }, 'referrals:errors.overrideNotAllowed');
  }
  if (!overrideReason) {
    await audit(caller, { action: 'referral_step', outcome: 'failure', reason: 'consent_missing', recordType: 'referral', recordId: id });
    const fields: Record<string, string> = { _form: 'referrals:errors.noConsent' };
    if (can(caller.roles, 'referral.override')) fields.overrideReason = 'referrals:errors.overrideReason';
    throw new Invalid(fields, 'referrals:errors.noConsent');
  }
  return { consent: { override: true, overrideSecret: seal({ text: overrideReason }), by: new Types.ObjectId(caller.userId), at: clock.now() } };
}

/** A new snapshot of the referral's choices, with its own file copies, as the fields of the update. */
async function takeSnapshot(caller: Caller, r: LeanReferral, c: LeanCase, version: number) {
  const copies = await copyFiles(r._id, c._id, idList(r.attachmentIds), version);
  const snapshot = await buildSnapshot(c, r, copies);
  const fields = { 'snapshot.secret': sealSnapshot(snapshot), 'snapshot.version': version, 'snapshot.takenAt': clock.now(), 'snapshot.takenBy': new Types.ObjectId(caller.userId) };
  return { fields, copyIds: copies.map((f) => new Types.ObjectId(f.fileId)) };
}

/**
 * Sends a draft: the consent gate, then the snapshot and the file copies, then the `send` move, which
 * sets the snapshot in the same conditional update (of two sends at once, one wins; the loser's
 * copies are removed). An override is audited as such once the referral went out.
 */
export async function sendReferral(caller: Caller, id: string, input: { overrideReason?: string | undefined } = {}): Promise<void> {
  const r = await referralForSender(caller, id, 'referral.send');
  if (!mayMove(r.status as ReferralStatus, 'send')) await refuseMove(caller, r);
  const c = await caseOf(r);
  const consent = await passConsentGate(caller, r, c, input.overrideReason ?? '');
  const version = (r.snapshot?.version ?? 0) + 1;
  const { fields, copyIds } = await takeSnapshot(caller, r, c, version);
  try {
    const offline = await isOffline(r.toOrganisationId);
    await applyMove(caller, r, 'send', 'sender', {}, { ...fields, ...consent, offline });
  } catch (err) {
    await removeCopies(copyIds);
    throw err;
  }
  if ((consent.consent as { override: boolean }).override) {
    await audit(caller, { action: 'consent_override', outcome: 'success', recordType: 'referral', recordId: id });
  }
}

/**
 * Sends an updated snapshot of an open referral: the same choices read from the case again, under a
 * new version with new file copies. The consent it relied on must still hold (a withdrawal stops any
 * more sharing); one sent under an override keeps that override.
 */
export async function updateSnapshot(caller: Caller, id: string): Promise<void> {
  const r = await referralForSender(caller, id, 'referral.send');
  if (!OPEN_STATUSES.includes(r.status as ReferralStatus)) await refuseMove(caller, r);
  const c = await caseOf(r);
  if (!r.consent?.override && !consentFor(c, r.toOrganisationId)) {
    await audit(caller, { action: 'referral_change', outcome: 'failure', reason: 'consent_missing', recordType: 'referral', recordId: id });
    throw new Invalid({ _form: 'referrals:errors.noConsent' }, 'referrals:errors.noConsent');
  }
  const previous = r.snapshot?.version ?? 0;
  const { fields, copyIds } = await takeSnapshot(caller, r, c, previous + 1);
  const res = await ReferralModel.updateOne(trusted({ _id: r._id, status: { $in: [...OPEN_STATUSES] }, 'snapshot.version': previous }), { $set: fields, $inc: { __v: 1 } });
  if (res.modifiedCount !== 1) {
    await removeCopies(copyIds);
    const now = await ReferralModel.findOne(trusted({ _id: r._id })).select({ status: 1 }).lean();
    await audit(caller, { action: 'referral_change', outcome: 'failure', reason: 'transition_refused', recordType: 'referral', recordId: id });
    if (now && !OPEN_STATUSES.includes(now.status as ReferralStatus)) throw new MoveRefused(now.status as ReferralStatus);
    throw new Conflict();
  }
  await audit(caller, { action: 'referral_change', outcome: 'success', recordType: 'referral', recordId: id });
}

/** Revokes an open referral, with an optional note to the partner: the partner loses sight of it at once (C3). */
export async function revokeReferral(caller: Caller, id: string, input: { note: string; language: string }): Promise<void> {
  const r = await referralForSender(caller, id, 'referral.send');
  await applyMove(caller, r, 'revoke', 'sender', { note: input.note || undefined, language: input.note ? input.language : undefined });
}

/** An offline referral, still open: the only kind whose delivery and answers the sender records. */
async function offlineReferral(caller: Caller, id: string): Promise<LeanReferral> {
  const r = await referralForSender(caller, id, 'referral.send');
  if (!r.offline) throw new Invalid({ _form: 'referrals:errors.notOffline' }, 'referrals:errors.notOffline');
  return r;
}

/** A day typed on a form: not in the future, and not before the referral was sent. */
function pastDay(r: LeanReferral, day: string, field: string): Date {
  if (day > today()) throw new Invalid({ [field]: 'referrals:errors.dateFuture' });
  if (r.sentAt && day < r.sentAt.toISOString().slice(0, 10)) throw new Invalid({ [field]: 'referrals:errors.dateBeforeSent' });
  return new Date(`${day}T00:00:00Z`);
}

/** Records when and how the PDF form reached an offline partner (it may be corrected while the referral is open). */
export async function recordDelivery(caller: Caller, id: string, input: { method: string; date: string }): Promise<void> {
  const r = await offlineReferral(caller, id);
  if (!OPEN_STATUSES.includes(r.status as ReferralStatus)) await refuseMove(caller, r);
  const sentAt = pastDay(r, input.date, 'date');
  const res = await ReferralModel.updateOne(trusted({ _id: r._id, status: { $in: [...OPEN_STATUSES] } }), { $set: { delivery: { method: input.method, sentAt, recordedBy: new Types.ObjectId(caller.userId) } }, $inc: { __v: 1 } });
  if (res.modifiedCount !== 1) await refuseMove(caller, (await ReferralModel.findOne(trusted({ _id: r._id })).lean()) as LeanReferral);
  await audit(caller, { action: 'referral_change', outcome: 'success', recordType: 'referral', recordId: id });
}

/** The field each recorded answer dates: the day the answer came, not the day it was typed in. */
const ANSWER_STAMP: Partial<Record<ReferralMove, string>> = { acknowledge: 'acknowledgedAt', accept: 'acceptedAt', decline: 'declinedAt', start: 'startedAt', complete: 'completedAt' };

/** The partner's answers the sender may record for an offline referral in this state (revoking has its own form). */
export function answersFor(status: ReferralStatus): ReferralMove[] {
  return movesForOffline(status).filter((m) => m !== 'revoke');
}

/** Records an offline partner's answer (acknowledged, accepted, declined with a reason, started, completed) and the day it came. */
export async function recordAnswer(caller: Caller, id: string, input: { move: ReferralMove; date: string; reason: string; note: string; language: string }): Promise<void> {
  const r = await offlineReferral(caller, id);
  if (!answersFor(r.status as ReferralStatus).includes(input.move)) await refuseMove(caller, r);
  const day = pastDay(r, input.date, 'date');
  await applyMove(caller, r, input.move, 'partner', { reason: input.reason || undefined, note: input.note || undefined, language: input.note ? input.language : undefined }, { [ANSWER_STAMP[input.move]!]: day });
}
