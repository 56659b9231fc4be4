/**
 * What every referral service shares (DOMAIN.md "Referral"; SECURITY.md C3): the snapshot a partner
 * reads, loading a referral from either side inside the caller's filter, and moving it through the
 * status machine of domain/referrals.ts with one conditional write, so that two partner users
 * accepting at once cannot both win.
 *
 * The partner side never touches the case, its notes or its attachments: a partner's referral is
 * found by `toOrganisationId` and an open state (domain/permissions.ts referralFilter), and everything
 * it shows comes from the referral document.
 */
import { Types } from 'mongoose';
import { Conflict, Invalid, NotFound } from '../../domain/errors.js';
import { caseFilter, referralFilter, type Caller } from '../../domain/permissions.js';
import { DECLINE_REASONS, REFERRAL_MOVES, isFinal, mayMove, type ReferralMove, type ReferralSide, type ReferralStatus } from '../../domain/referrals.js';
import { clock } from '../../lib/clock.js';
import { inTransaction } from '../../lib/db/index.js';
import { CaseModel } from '../../models/case.js';
import { ReferralModel, type Referral } from '../../models/referral.js';
import { outOfScope, parseId, requireAction } from '../access.js';
import { audit } from '../audit/audit.js';
import { trusted } from '../auth/trusted.js';
import { seal, unseal } from '../cases/records.js';
import { refreshReferralFacts } from './facts.js';
import { deliverReferralMails, notifyReferral } from '../notifications/notifications.js';

export type LeanReferral = Referral;

/** A free text with the language it was written in (I18N.md): pages mark it with `lang=`. */
export interface Text {
  text: string;
  language: string;
}

/**
 * The sections shared with the partner, as they were when the snapshot was taken. Only the sections
 * the caseworker chose are present; an absent key was not shared, and nothing of it is stored here.
 * Codes stay codes, so each reader sees them in their own language.
 */
export interface ReferralSnapshot {
  identification?: {
    givenName: string;
    familyName: string;
    givenNameLocal: string;
    familyNameLocal: string;
    nickname: string;
    sex: string;
    /** ISO date, or empty with `estimatedAge` instead. */
    dateOfBirth: string;
    estimatedAge: string;
    nationality: string;
    languages: string[];
    disability: string;
  };
  contact?: {
    placement: string;
    location: string;
    school: string;
  };
  family?: {
    members: { relationship: string; livesWithChild: boolean; guardian: boolean; exploitationRole: string }[];
  };
  assessment?: {
    type: string;
    /** ISO date. */
    date: string;
    scores: { domain: string; score: number }[];
    summary?: Text | undefined;
  };
  goals?: { domain: string; text: Text; targetDate: string }[];
  notes?: { date: string; type: string; text: Text }[];
  attachments?: { fileId: string; kind: string; type: string; size: number; name: string }[];
}

export function sealSnapshot(snapshot: ReferralSnapshot): string {
  return seal(snapshot);
}

export function openSnapshot(r: Pick<Referral, 'snapshot'>): ReferralSnapshot {
  return unseal<ReferralSnapshot>(r.snapshot?.secret, {});
}

/** The caseworker's note to the partner (what is asked, what to watch for), opened. */
export function noteOf(r: Pick<Referral, 'secret' | 'language'>): Text | undefined {
  const note = unseal<{ text?: string }>(r.secret, {});
  return note.text ? { text: note.text, language: r.language ?? 'und' } : undefined;
}

/**
 * A referral of the caller's organisation, for a case the caller may see (the sending side). A
 * referral of another organisation, or of a case out of the caller's reach, answers 404 and is audited.
 */
export async function referralForSender(caller: Caller, id: string, action: 'case.read' | 'referral.send' = 'case.read'): Promise<LeanReferral> {
  await requireAction(caller, action);
  const _id = parseId(id);
  const found = (await ReferralModel.findOne(trusted({ _id, fromOrganisationId: new Types.ObjectId(caller.organisationId) })).lean()) as LeanReferral | null;
  if (!found) return outOfScope(caller, 'referral', id);
  const visible = await CaseModel.exists(trusted({ $and: [caseFilter(caller), { _id: found.caseId }] }));
  return visible ? found : outOfScope(caller, 'referral', id);
}

/**
 * A referral addressed to the caller's organisation and still open (C3): the only way partner pages
 * load one. Revoked, declined and completed referrals are outside the filter, so the next request
 * after any of them answers 404 and is audited.
 */
export async function referralForPartner(caller: Caller, id: string): Promise<LeanReferral> {
  await requireAction(caller, 'referral.respond');
  const _id = parseId(id);
  // One flat filter with `_id` first: the embedded engine's planner then goes straight to the `_id`
  // index; given an `$and`, or `_id` last, it reads the inbox's index too (30 ms at 10,000 referrals).
  const found = (await ReferralModel.findOne(trusted({ _id, ...partnerFilter(caller) })).lean()) as LeanReferral | null;
  return found ?? outOfScope(caller, 'referral', id);
}

/** The partner part of the referral filter alone (a partner who also holds NGO roles sees both sides apart). */
export function partnerFilter(caller: Caller): Record<string, unknown> {
  return referralFilter({ ...caller, roles: ['partner'] });
}

/** A move refused because the referral is not in a state that allows it (422); it carries the state it is in. */
export class MoveRefused extends Invalid {
  override name = 'MoveRefused';
  constructor(readonly status: ReferralStatus) {
    super({ move: isFinal(status) ? 'referrals:errors.final' : 'referrals:errors.moveRefused' }, 'referrals:errors.moveRefused');
  }
}

export interface MoveInput {
  /** For a decline: the reason code. */
  reason?: string | undefined;
  /** A note typed with the move, and its language. */
  note?: string | undefined;
  language?: string | undefined;
}

const STAMP: Record<ReferralStatus, keyof Referral | undefined> = {
  draft: undefined,
  sent: 'sentAt',
  acknowledged: 'acknowledgedAt',
  accepted: 'acceptedAt',
  declined: 'declinedAt',
  in_progress: 'startedAt',
  completed: 'completedAt',
  revoked: 'revokedAt',
};

/**
 * Moves a referral (already loaded in the caller's scope) with one conditional update: the write
 * matches only while the referral is still in a state the move leaves from, so of two users moving it
 * at once one wins and the other gets MoveRefused with the state the winner left. The step, the
 * reporting facts and the notifications are written in one transaction. `extra` sets fields the move
 * carries (the snapshot at sending). Sending goes through services/referrals/send.ts, which checks
 * consent first; this function does not.
 */
export async function applyMove(caller: Caller, r: LeanReferral, move: ReferralMove, side: ReferralSide, input: MoveInput = {}, extra: Record<string, unknown> = {}): Promise<LeanReferral> {
  const rule = REFERRAL_MOVES[move];
  const current = r.status as ReferralStatus;
  if (move === 'decline' && !(DECLINE_REASONS as readonly string[]).includes(input.reason ?? '')) throw new Invalid({ reason: 'referrals:errors.declineReason' });
  if (!mayMove(current, move)) {
    await audit(caller, { action: 'referral_step', outcome: 'failure', reason: 'transition_refused', recordType: 'referral', recordId: String(r._id) });
    throw new MoveRefused(current);
  }
  const now = clock.now();
  const stamp = STAMP[rule.to];
  const step = {
    from: current,
    to: rule.to,
    at: now,
    by: new Types.ObjectId(caller.userId),
    byOrganisationId: new Types.ObjectId(caller.organisationId),
    reason: move === 'decline' ? input.reason : undefined,
    secret: input.note ? seal({ text: input.note }) : undefined,
    language: input.note ? input.language : undefined,
  };
  const moved = await inTransaction(async () => {
    const updated = (await ReferralModel.findOneAndUpdate(
      trusted({ _id: r._id, status: { $in: [...rule.from] } }),
      {
        $set: { status: rule.to, statusAt: now, ...(stamp ? { [stamp]: now } : {}), ...(move === 'decline' ? { declineReason: input.reason } : {}), ...extra },
        $push: { steps: step },
        $inc: { __v: 1 },
      },
      { returnDocument: 'after' },
    ).lean()) as LeanReferral | null;
    if (!updated) return null;
    await refreshReferralFacts(updated.caseId);
    await notifyReferral(updated, { kind: 'state', by: caller, side });
    return updated;
  });
  if (!moved) {
    const now = (await ReferralModel.findOne(trusted({ _id: r._id })).select({ status: 1 }).lean()) as { status: ReferralStatus } | null;
    await audit(caller, { action: 'referral_step', outcome: 'failure', reason: 'transition_refused', recordType: 'referral', recordId: String(r._id) });
    if (!now) throw new NotFound();
    throw new MoveRefused(now.status);
  }
  await audit(caller, { action: 'referral_step', outcome: 'success', recordType: 'referral', recordId: String(r._id) });
  // The emails of the notifications, now that they are committed (never from inside the transaction).
  await deliverReferralMails(moved._id);
  return moved;
}

/** The version check of a form that edits a referral (V3): a save from an old page is refused. */
export function checkVersion(r: LeanReferral, version: number | undefined): void {
  if (version !== undefined && (r.__v ?? 0) !== version) throw new Conflict();
}
