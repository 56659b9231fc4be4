/**
 * Closing a case with a supervisor's approval, and reopening it (DOMAIN.md "States"). A caseworker (or
 * a supervisor) proposes a reason, a date and a sealed note; another supervisor of the team approves it,
 * which closes the case and schedules the follow-up visits of a reintegration, or returns it with a
 * sealed comment. Nobody decides their own proposal. A supervisor reopens a closed case, with a reason,
 * to the state it was closed from; the visits not yet recorded are then cancelled. The steps follow
 * domain/closure.ts; any other step is refused (422), audited and changes nothing.
 */
import { Types } from 'mongoose';
import type { AuditAction, AuditReason } from '../../domain/audit.js';
import { closureReasonsFrom, isIsoDate, mayMove, reopenedStatus, type CaseStatus, type ClosableStatus } from '../../domain/cases.js';
import { closureMove, closureState, followUpsFor, isOwnSubmission, type ClosureState, type ProposalStatus } from '../../domain/closure.js';
import { Invalid, NotFound } from '../../domain/errors.js';
import { LOOKUPS } from '../../domain/lookups.js';
import { can, type Caller } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { inTransaction } from '../../lib/db/index.js';
import { CaseModel } from '../../models/case.js';
import { ClosureProposalModel } from '../../models/closure-proposal.js';
import { FollowUpModel } from '../../models/follow-up.js';
import { ReferralModel } from '../../models/referral.js';
import { OPEN_STATUSES } from '../../domain/referrals.js';
import { audit } from '../audit/audit.js';
import { trusted } from '../auth/trusted.js';
import { deliverReferralMails, notifyReferral } from '../notifications/notifications.js';
import { refreshCaseFacts } from '../facts/facts.js';
import { followUpsOf, type FollowUpRow } from './follow-ups.js';
import { StaleVersion, caseInScope, changesSince, recordChange, seal, unseal, userNames, versionOf, type LeanCase } from './records.js';

export interface ProposalInput {
  reason: string;
  /** The date of closure, `YYYY-MM-DD`. */
  date: string;
  note: string;
  /** The language the note is written in. */
  language: string;
}

export interface ReturnInput {
  comment: string;
  language: string;
}

export interface ReopenInput {
  reason: string;
  date: string;
  /** The case's version the form was read at (V3). */
  version: number;
}

/** A step that found the records changed between its checks and its writes: the transaction is undone. */
class Overtaken extends Error {
  override name = 'Overtaken';
}

function today(): string {
  return clock.now().toISOString().slice(0, 10);
}

function day(value: string): Date {
  return new Date(`${value}T00:00:00Z`);
}

/** Refuses a step: the attempt is audited with its reason, and the form shows what is wrong (422). */
async function refuse(caller: Caller, action: AuditAction, id: string, reason: AuditReason, fields: Record<string, string>): Promise<never> {
  await audit(caller, { action, outcome: 'denied', reason, recordType: 'case', recordId: id });
  throw new Invalid(fields);
}

type LeanProposal = NonNullable<Awaited<ReturnType<typeof latestProposal>>>;

/** The case's latest proposal (its status is the closure's state while the case is not closed). */
async function latestProposal(caseId: Types.ObjectId) {
  return ClosureProposalModel.findOne({ caseId }).sort({ proposedAt: -1, _id: -1 }).lean();
}

/** A proposal named by a form, which must belong to the case the caller may work on (C2: else 404). */
async function proposalOf(c: LeanCase, proposalId: string): Promise<LeanProposal> {
  if (!/^[0-9a-f]{24}$/i.test(proposalId)) throw new NotFound();
  const p = await ClosureProposalModel.findOne({ _id: new Types.ObjectId(proposalId), caseId: c._id }).lean();
  if (!p) throw new NotFound();
  return p;
}

function stateOf(c: LeanCase, latest: ProposalStatus | undefined): ClosureState {
  return closureState(c.status as CaseStatus, latest);
}

/** What is wrong with a proposal's reason and date for a case in this state (message keys by field). */
export function proposalProblems(from: CaseStatus, input: Pick<ProposalInput, 'reason' | 'date'>): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!(LOOKUPS.closureReason as readonly string[]).includes(input.reason)) fields.reason = 'common:form.required';
  else if (!closureReasonsFrom(from).includes(input.reason)) fields.reason = from === 'open' ? 'closure:errors.reasonNotAtIntake' : 'closure:errors.reasonNotNow';
  if (!isIsoDate(input.date) || input.date > today()) fields.date = 'cases:errors.date';
  return fields;
}

/** Proposes the closure of an open or active case; the case stays as it is until a supervisor decides. */
export async function proposeClosure(caller: Caller, id: string, input: ProposalInput): Promise<void> {
  const c = await caseInScope(caller, id, 'case.update');
  const from = c.status as CaseStatus;
  const state = stateOf(c, (await latestProposal(c._id))?.status);
  if (!closureMove(state, 'propose')) {
    await refuse(caller, 'closure_propose', id, 'transition_refused', { _form: state === 'proposed' ? 'closure:errors.pending' : 'closure:errors.closed' });
  }
  const fields = proposalProblems(from, input);
  if (Object.keys(fields).length > 0) {
    // A reason the case's state may not close with is a move outside the machine, not a slip of the form.
    if (fields.reason && fields.reason !== 'common:form.required') await refuse(caller, 'closure_propose', id, 'transition_refused', fields);
    throw new Invalid(fields);
  }
  const now = clock.now();
  try {
    await inTransaction(async () => {
      // Writing the case takes its lock, so two proposals made at once cannot both find none waiting.
      const touched = await CaseModel.updateOne({ _id: c._id, status: from }, { $set: { updatedAt: now } });
      if (touched.matchedCount !== 1) throw new Overtaken();
      if (await ClosureProposalModel.exists({ caseId: c._id, status: 'proposed' })) throw new Overtaken();
      await ClosureProposalModel.create([
        {
          caseId: c._id,
          organisationId: c.organisationId,
          status: 'proposed' as const,
          from: from as ClosableStatus,
          reason: input.reason,
          date: day(input.date),
          secret: seal({ text: input.note }),
          language: input.language,
          proposedBy: new Types.ObjectId(caller.userId),
          proposedAt: now,
        },
      ] as Parameters<typeof ClosureProposalModel.create>[0][]);
      await refreshCaseFacts(c._id);
    });
  } catch (err) {
    if (!(err instanceof Overtaken)) throw err;
    await refuse(caller, 'closure_propose', id, 'transition_refused', { _form: 'closure:errors.pending' });
  }
  await audit(caller, { action: 'closure_propose', outcome: 'success', recordType: 'case', recordId: id });
}

/**
 * The checks every decision makes: the named proposal is the one waiting, and the caller did not make
 * it (four eyes: a supervisor's own proposal waits for another supervisor of the team).
 */
async function decidable(caller: Caller, id: string, proposalId: string, action: 'closure_approve' | 'closure_return') {
  const c = await caseInScope(caller, id, 'case.close');
  const p = await proposalOf(c, proposalId);
  const move = action === 'closure_approve' ? 'approve' : 'return';
  if (p.status !== 'proposed' || !closureMove(stateOf(c, p.status), move)) await refuse(caller, action, id, 'transition_refused', { _form: 'closure:errors.notWaiting' });
  if (isOwnSubmission(String(p.proposedBy), caller.userId)) await refuse(caller, action, id, 'own_submission', { _form: 'closure:errors.ownSubmission' });
  return { c, p };
}

/**
 * Approves the waiting proposal: the case closes with its reason and date (status, closure, history,
 * facts), a reintegration schedules its follow-up visits, and the case's open referrals are revoked,
 * all in one transaction.
 */
export async function approveClosure(caller: Caller, id: string, proposalId: string): Promise<void> {
  const { c, p } = await decidable(caller, id, proposalId, 'closure_approve');
  const from = c.status as CaseStatus;
  // The case may have moved (open to active) since the proposal: its reason must still apply.
  if (!mayMove(from, 'closed') || !closureReasonsFrom(from).includes(p.reason)) {
    await refuse(caller, 'closure_approve', id, 'transition_refused', { _form: 'closure:errors.reasonNoLongerApplies' });
  }
  const by = new Types.ObjectId(caller.userId);
  const now = clock.now();
  let revoked: string[] = [];
  try {
    await inTransaction(async () => {
      revoked = [];
      const decided = await ClosureProposalModel.updateOne({ _id: p._id, caseId: c._id, status: 'proposed' }, { $set: { status: 'approved', decidedBy: by, decidedAt: now } });
      if (decided.modifiedCount !== 1) throw new Overtaken();
      const closed = (await CaseModel.findOneAndUpdate(
        { _id: c._id, status: from },
        { $set: { status: 'closed', closure: { reason: p.reason, date: p.date, by, from } }, $inc: { __v: 1 } },
        { returnDocument: 'after' },
      ).lean()) as LeanCase | null;
      if (!closed) throw new Overtaken();
      await recordChange(caller, c, versionOf(closed), 'close', ['status'], { status: from, reason: p.reason });
      const visits = followUpsFor(p.reason, p.date);
      if (visits.length > 0) {
        await FollowUpModel.insertMany(visits.map((v) => ({ caseId: c._id, organisationId: c.organisationId, proposalId: p._id, closedOn: p.date, months: v.months, dueDate: v.dueDate, status: 'scheduled' })));
      }
      revoked = await revokeOpenReferrals(caller, c._id, now);
      await refreshCaseFacts(c._id);
    });
  } catch (err) {
    if (!(err instanceof Overtaken)) throw err;
    await refuse(caller, 'closure_approve', id, 'transition_refused', { _form: 'closure:errors.notWaiting' });
  }
  await audit(caller, { action: 'closure_approve', outcome: 'success', recordType: 'case', recordId: id });
  for (const referralId of revoked) {
    await deliverReferralMails(referralId);
    await audit(caller, { action: 'referral_step', outcome: 'success', recordType: 'referral', recordId: referralId });
  }
}

/**
 * A closed case is referred nowhere any more (SECURITY.md C3): inside the closure's transaction, every
 * referral of the case still open (sent, acknowledged, accepted, in progress) is revoked by the
 * approver, with a step without a note, and its partner is told. One conditional update per state
 * it leaves from, so each step records that state; the snapshot isolation of the transaction means a
 * partner's move at the same moment either lands before (and is revoked from its new state) or
 * conflicts and is retried by the driver. applyMove is not used: it opens its own transaction. Returns
 * the ids revoked, for the audit written after the transaction.
 */
async function revokeOpenReferrals(caller: Caller, caseId: Types.ObjectId, now: Date): Promise<string[]> {
  const open = await ReferralModel.find(trusted({ caseId, status: { $in: [...OPEN_STATUSES] } })).select({ _id: 1, status: 1 }).lean();
  if (open.length === 0) return [];
  const by = new Types.ObjectId(caller.userId);
  const byOrganisationId = new Types.ObjectId(caller.organisationId);
  for (const from of OPEN_STATUSES) {
    const ids = open.filter((r) => r.status === from).map((r) => r._id);
    if (ids.length === 0) continue;
    await ReferralModel.updateMany(trusted({ _id: { $in: ids }, status: from }), {
      $set: { status: 'revoked', statusAt: now, revokedAt: now },
      $push: { steps: { from, to: 'revoked', at: now, by, byOrganisationId } },
      $inc: { __v: 1 },
    });
  }
  const revoked = await ReferralModel.find(trusted({ _id: { $in: open.map((r) => r._id) }, status: 'revoked', revokedAt: now }))
    .select({ _id: 1, reference: 1, status: 1, createdBy: 1, toOrganisationId: 1, fromOrganisationId: 1, offline: 1, demo: 1 })
    .lean();
  for (const r of revoked) await notifyReferral(r, { kind: 'state', by: caller, side: 'sender' });
  return revoked.map((r) => String(r._id));
}

/** Returns the waiting proposal to whoever proposed it, with a comment; the case stays as it is. */
export async function returnClosure(caller: Caller, id: string, proposalId: string, input: ReturnInput): Promise<void> {
  const { c, p } = await decidable(caller, id, proposalId, 'closure_return');
  const by = new Types.ObjectId(caller.userId);
  try {
    await inTransaction(async () => {
      const res = await ClosureProposalModel.updateOne(
        { _id: p._id, caseId: c._id, status: 'proposed' },
        { $set: { status: 'returned', decidedBy: by, decidedAt: clock.now(), comment: seal({ text: input.comment }), commentLanguage: input.language } },
      );
      if (res.modifiedCount !== 1) throw new Overtaken();
      await refreshCaseFacts(c._id);
    });
  } catch (err) {
    if (!(err instanceof Overtaken)) throw err;
    await refuse(caller, 'closure_return', id, 'transition_refused', { _form: 'closure:errors.notWaiting' });
  }
  await audit(caller, { action: 'closure_return', outcome: 'success', recordType: 'case', recordId: id });
}

/**
 * Reopens a closed case, with a reason, to the state it was closed from (DOMAIN.md "States"). The
 * follow-up visits already recorded stay; those not yet recorded are cancelled, in the same transaction.
 */
export async function reopenCase(caller: Caller, id: string, input: ReopenInput): Promise<void> {
  const c = await caseInScope(caller, id, 'case.close');
  const from = c.status as CaseStatus;
  const closedFrom = (c.closure?.from ?? undefined) as CaseStatus | undefined;
  const to = reopenedStatus(closedFrom);
  if (!closureMove(stateOf(c, undefined), 'reopen') || !mayMove(from, to, closedFrom)) {
    await refuse(caller, 'case_status', id, 'transition_refused', { _form: 'closure:errors.notClosed' });
  }
  const fields: Record<string, string> = {};
  if (!(LOOKUPS.reopenReason as readonly string[]).includes(input.reason)) fields.reopenReason = 'common:form.required';
  if (!isIsoDate(input.date) || input.date > today()) fields.reopenDate = 'cases:errors.date';
  else if (c.closure?.date && day(input.date) < c.closure.date) fields.reopenDate = 'closure:errors.reopenBeforeClosure';
  if (Object.keys(fields).length > 0) throw new Invalid(fields);
  const written = await inTransaction(async () => {
    const res = await CaseModel.updateOne({ _id: c._id, __v: input.version, status: 'closed' }, { $set: { status: to }, $unset: { closure: 1 }, $inc: { __v: 1 } });
    if (res.modifiedCount !== 1) return false;
    await FollowUpModel.updateMany({ caseId: c._id, status: 'scheduled' }, { $set: { status: 'cancelled', cancelledAt: clock.now() } });
    await recordChange(caller, c, input.version + 1, 'reopen', ['status'], { status: from, reason: input.reason });
    await refreshCaseFacts(c._id);
    return true;
  });
  if (!written) throw new StaleVersion(await changesSince(c._id, input.version));
  await audit(caller, { action: 'case_status', outcome: 'success', recordType: 'case', recordId: id });
}

export interface ProposalView {
  id: string;
  status: ProposalStatus;
  reason: string;
  date: Date;
  note: string;
  language: string;
  by: string;
  at: Date;
  /** The caller made it and is a supervisor (so they may not decide it: another supervisor does). */
  own: boolean;
  decidedBy: string;
  decidedAt?: Date | undefined;
  comment: string;
  commentLanguage: string;
}

/**
 * Where a case stands on closure, for its page and the closure page of a caller already allowed to
 * read it: the waiting proposal or the one last returned (opened), the closure, the follow-up visits,
 * and which steps the caller may take.
 */
export async function closureOfCase(caller: Caller, c: LeanCase) {
  const [latest, followUps] = await Promise.all([latestProposal(c._id), followUpsOf(c._id)]);
  const state = stateOf(c, latest?.status);
  const shown = latest && (state === 'proposed' || state === 'returned') ? latest : undefined;
  const names = await userNames([shown?.proposedBy, shown?.decidedBy, c.closure?.by, ...followUps.map((f) => f.recordedById)]);
  const proposal: ProposalView | undefined = shown && {
    id: String(shown._id),
    status: shown.status,
    reason: shown.reason,
    date: shown.date,
    note: unseal<{ text: string }>(shown.secret, { text: '' }).text,
    language: shown.language,
    by: names.get(String(shown.proposedBy)) ?? '',
    at: shown.proposedAt,
    own: isOwnSubmission(String(shown.proposedBy), caller.userId) && can(caller.roles, 'case.close'),
    decidedBy: shown.decidedBy ? (names.get(String(shown.decidedBy)) ?? '') : '',
    decidedAt: shown.decidedAt ?? undefined,
    comment: unseal<{ text: string }>(shown.comment, { text: '' }).text,
    commentLanguage: shown.commentLanguage ?? '',
  };
  const status = c.status as CaseStatus;
  const rows: (Omit<FollowUpRow, 'recordedById'> & { by: string })[] = followUps.map(({ recordedById, ...f }) => ({ ...f, by: recordedById ? (names.get(recordedById) ?? '') : '' }));
  return {
    state,
    proposal,
    closure: c.closure?.reason && status === 'closed' ? { reason: c.closure.reason, date: c.closure.date, by: names.get(String(c.closure.by)) ?? '', reopensTo: reopenedStatus(c.closure.from ?? undefined) } : undefined,
    /** The reasons a proposal may give now, and where a reopening would take the case. */
    reasons: closureReasonsFrom(status),
    reopensTo: reopenedStatus(c.closure?.from ?? undefined),
    followUps: rows,
    may: {
      propose: can(caller.roles, 'case.update') && closureMove(state, 'propose') !== undefined,
      decide: can(caller.roles, 'case.close') && state === 'proposed' && !proposal?.own,
      reopen: can(caller.roles, 'case.close') && closureMove(state, 'reopen') !== undefined,
      record: can(caller.roles, 'case.update'),
    },
  };
}

export type ClosureOfCase = Awaited<ReturnType<typeof closureOfCase>>;

/** The closure page: the case's closure and what the caller may do about it (a view, so audited). */
export async function closurePage(caller: Caller, id: string) {
  const c = await caseInScope(caller, id, 'case.read');
  const closing = await closureOfCase(caller, c);
  await audit(caller, { action: 'case_view', outcome: 'success', recordType: 'case', recordId: id });
  return { id, caseNumber: c.caseNumber, status: c.status as CaseStatus, version: versionOf(c), reopenReasons: LOOKUPS.reopenReason, ...closing };
}
