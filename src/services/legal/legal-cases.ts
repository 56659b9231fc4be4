/**
 * Legal cases of a child's case (DOMAIN.md "Legal case"): recording one, editing what is known of it,
 * and moving it through the stages of domain/legal.ts (its pages are read in view.ts). Everything is
 * read through the case's access filter (SECURITY.md C2): a legal case of a case the caller may not
 * see, or of another case, answers 404 and is audited. Typed text and offenders' names are sealed
 * (D1). Every view is audited `legal_view`, every change `legal_change`; a refused move
 * `transition_refused`.
 */
import { Types } from 'mongoose';
import { isIsoDate } from '../../domain/cases.js';
import { Conflict, Invalid, NotFound } from '../../domain/errors.js';
import {
  CHARGES,
  MAX_OFFENDERS,
  OFFENDER_RELATIONSHIPS,
  STARTING_STATUSES,
  closeReasonsFrom,
  isLegalStatus,
  moveProblems,
  nextLegalStatuses,
  type LegalMove,
  type LegalStatus,
} from '../../domain/legal.js';
import type { Action, Caller } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { inTransaction } from '../../lib/db/index.js';
import { LegalCaseModel, type LegalCase } from '../../models/legal-case.js';
import { LegalHearingModel } from '../../models/legal-hearing.js';
import { outOfScope } from '../access.js';
import { audit } from '../audit/audit.js';
import { trusted } from '../auth/trusted.js';
import { caseInScope, seal, unseal, type LeanCase } from '../cases/records.js';
import { refreshCaseFacts } from '../facts/facts.js';

export interface OffenderInput {
  name: string;
  relationship: string;
}

/** What the add and edit forms say about a legal case. */
export interface LegalInput {
  complaintDate: string;
  authority: string;
  authorityName: string;
  reference: string;
  charges: string[];
  offenders: OffenderInput[];
}

export interface LegalSecret {
  authorityName: string;
  reference: string;
}

export function today(): string {
  return clock.now().toISOString().slice(0, 10);
}

export function dayOf(value: string): Date {
  return new Date(`${value}T00:00:00Z`);
}

/** The rules across fields that a form schema cannot say, field by field; nothing is written when any fails. */
function checkInput(input: LegalInput): void {
  const fields: Record<string, string> = {};
  if (!isIsoDate(input.complaintDate) || input.complaintDate > today() || input.complaintDate < '1990-01-01') fields.complaintDate = 'legal:errors.pastDate';
  if (input.charges.length === 0) fields.charges = 'legal:errors.chargeRequired';
  else if (input.charges.some((c) => !(CHARGES as readonly string[]).includes(c))) fields.charges = 'common:form.invalid';
  if (input.offenders.length > MAX_OFFENDERS) fields.offenders = 'legal:errors.tooManyOffenders';
  else if (input.offenders.some((o) => !(OFFENDER_RELATIONSHIPS as readonly string[]).includes(o.relationship))) fields.offenders = 'legal:errors.offenderRelationship';
  if (Object.keys(fields).length > 0) throw new Invalid(fields);
}

function offenderDocuments(offenders: OffenderInput[]) {
  return offenders.map((o) => ({ _id: new Types.ObjectId(), relationship: o.relationship, secret: seal({ name: o.name }) }));
}

/**
 * Loads a legal case of a case the caller may see for this action. A legal case that is not this
 * case's answers 404 like a case out of scope, and is audited the same way.
 */
export async function legalInScope(caller: Caller, caseId: string, legalId: string, action: Action): Promise<{ c: LeanCase; legal: LegalCase }> {
  const c = await caseInScope(caller, caseId, action);
  if (!/^[0-9a-f]{24}$/i.test(legalId)) throw new NotFound();
  const legal = (await LegalCaseModel.findOne(trusted({ _id: new Types.ObjectId(legalId), caseId: c._id })).lean()) as LegalCase | null;
  return legal ? { c, legal } : outOfScope(caller, 'case', legalId);
}

/** Records a legal case at the stage it has reached (the NGO may meet a child whose case is already in court). */
export async function createLegalCase(caller: Caller, caseId: string, input: LegalInput & { status: string }): Promise<string> {
  checkInput(input);
  if (!isLegalStatus(input.status) || !STARTING_STATUSES.includes(input.status)) throw new Invalid({ status: 'legal:errors.startingStatus' });
  const c = await caseInScope(caller, caseId, 'case.update');
  const by = new Types.ObjectId(caller.userId);
  const secret: LegalSecret = { authorityName: input.authorityName, reference: input.reference };
  const id = await inTransaction(async () => {
    const [made] = await LegalCaseModel.create([
      {
        caseId: c._id,
        organisationId: c.organisationId,
        complaintDate: dayOf(input.complaintDate),
        authority: input.authority,
        charges: input.charges,
        status: input.status,
        secret: seal(secret),
        offenders: offenderDocuments(input.offenders),
        stages: [{ to: input.status, date: dayOf(input.complaintDate), by }],
        createdBy: by,
      },
    ] as Parameters<typeof LegalCaseModel.create>[0][]);
    await refreshCaseFacts(c._id);
    return String(made!._id);
  });
  await audit(caller, { action: 'legal_change', outcome: 'success', recordType: 'case', recordId: caseId });
  return id;
}

/** A legal case's editable fields, opened, with its version: what the edit form shows. */
export function inputOf(legal: LegalCase): LegalInput {
  const s = unseal<Partial<LegalSecret>>(legal.secret, {});
  return {
    complaintDate: legal.complaintDate.toISOString().slice(0, 10),
    authority: legal.authority,
    authorityName: s.authorityName ?? '',
    reference: s.reference ?? '',
    charges: [...(legal.charges ?? [])],
    offenders: (legal.offenders ?? []).map((o) => ({ relationship: o.relationship, name: unseal<{ name: string }>(o.secret, { name: '' }).name })),
  };
}

/** For the edit form (it shows sealed fields, so it is a view of the legal case, audited). */
export async function legalCaseForEdit(caller: Caller, caseId: string, legalId: string) {
  const { c, legal } = await legalInScope(caller, caseId, legalId, 'case.update');
  await audit(caller, { action: 'legal_view', outcome: 'success', recordType: 'case', recordId: caseId });
  return { caseId, caseNumber: c.caseNumber, legalId, status: legal.status as LegalStatus, version: legal.__v ?? 0, input: inputOf(legal) };
}

/** The case number only, for the add form: a view of the case, audited as the other case forms are. */
export async function caseForLegalForm(caller: Caller, caseId: string) {
  const c = await caseInScope(caller, caseId, 'case.update');
  await audit(caller, { action: 'case_view', outcome: 'success', recordType: 'case', recordId: caseId });
  return { caseId, caseNumber: c.caseNumber };
}

/** Saves the edit form under the version it was read at: a legal case changed meanwhile is a conflict (V3). */
export async function updateLegalCase(caller: Caller, caseId: string, legalId: string, version: number, input: LegalInput): Promise<void> {
  checkInput(input);
  const { c, legal } = await legalInScope(caller, caseId, legalId, 'case.update');
  const secret: LegalSecret = { authorityName: input.authorityName, reference: input.reference };
  const written = await inTransaction(async () => {
    const res = await LegalCaseModel.updateOne(
      { _id: legal._id, __v: version },
      {
        $set: { complaintDate: dayOf(input.complaintDate), authority: input.authority, charges: input.charges, secret: seal(secret), offenders: offenderDocuments(input.offenders) },
        $inc: { __v: 1 },
      },
    );
    if (res.modifiedCount !== 1) return false;
    await refreshCaseFacts(c._id);
    return true;
  });
  if (!written) {
    await audit(caller, { action: 'legal_change', outcome: 'failure', reason: 'stale_version', recordType: 'case', recordId: caseId });
    throw new Conflict();
  }
  await audit(caller, { action: 'legal_change', outcome: 'success', recordType: 'case', recordId: caseId });
}

/** The moves the status page offers from the stage a legal case is at, each with what it needs. */
export function movesFrom(status: LegalStatus) {
  return nextLegalStatuses(status).map((to) => ({ to, needsVerdict: to === 'verdict', reasons: to === 'closed' ? closeReasonsFrom(status) : [] }));
}

export async function legalStatusForm(caller: Caller, caseId: string, legalId: string) {
  const { c, legal } = await legalInScope(caller, caseId, legalId, 'case.update');
  const status = legal.status as LegalStatus;
  await audit(caller, { action: 'legal_view', outcome: 'success', recordType: 'case', recordId: caseId });
  return { caseId, caseNumber: c.caseNumber, legalId, status, verdict: legal.verdict ?? undefined, version: legal.__v ?? 0, moves: movesFrom(status) };
}

export interface StatusChangeInput extends LegalMove {
  version: number;
}

/**
 * Moves a legal case to another stage (domain/legal.ts). A move the machine does not allow, or a
 * closing reason that does not apply at this stage, is refused with 422, audited as
 * `transition_refused`, and changes nothing. Closing also cancels the hearings set after the day it
 * closed that have no outcome: they will not take place. The legal case, its hearings and the case's
 * reporting facts change in one transaction.
 */
export async function changeLegalStatus(caller: Caller, caseId: string, legalId: string, change: StatusChangeInput): Promise<void> {
  const { c, legal } = await legalInScope(caller, caseId, legalId, 'case.update');
  const from = legal.status as LegalStatus;
  const fields = moveProblems(from, change, today());
  const last = legal.stages?.at(-1)?.date;
  if (!fields.to && !fields.date && last && dayOf(change.date) < last) fields.date = 'legal:errors.beforePrevious';
  if (Object.keys(fields).length > 0) {
    if (fields.to || fields.reason === 'legal:errors.reasonNotNow') {
      await audit(caller, { action: 'legal_change', outcome: 'denied', reason: 'transition_refused', recordType: 'case', recordId: caseId });
    }
    throw new Invalid(fields);
  }
  const to = change.to as LegalStatus;
  const date = dayOf(change.date);
  const set: Record<string, unknown> = { status: to };
  const unset: Record<string, 1> = {};
  if (to === 'verdict') Object.assign(set, { verdict: change.verdict, verdictDate: date });
  // A new trial sets the earlier judgment aside.
  if (to === 'trial' || to === 'investigation') Object.assign(unset, { verdict: 1, verdictDate: 1 });
  if (to === 'closed') Object.assign(set, { closeReason: change.reason, closedFrom: from, closedAt: date });
  const stage = { from, to, date, by: new Types.ObjectId(caller.userId) };
  const written = await inTransaction(async () => {
    const res = await LegalCaseModel.updateOne(
      { _id: legal._id, __v: change.version, status: from },
      { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}), $push: { stages: stage }, $inc: { __v: 1 } },
    );
    if (res.modifiedCount !== 1) return false;
    if (to === 'closed') {
      await LegalHearingModel.updateMany(trusted({ legalCaseId: legal._id, outcome: null, date: { $gt: date } }), { $set: { outcome: 'cancelled', outcomeBy: stage.by, outcomeAt: clock.now() } });
    }
    await refreshCaseFacts(c._id);
    return true;
  });
  if (!written) {
    await audit(caller, { action: 'legal_change', outcome: 'failure', reason: 'stale_version', recordType: 'case', recordId: caseId });
    throw new Conflict();
  }
  await audit(caller, { action: 'legal_change', outcome: 'success', recordType: 'case', recordId: caseId });
}
