/**
 * The hearings of a legal case and the support the child was given as a witness. A hearing is set
 * with its day and kind, and later its outcome is recorded; notes are sealed with their language (D1,
 * I18N.md). Hearings and support change nothing the reports count, so the reporting facts stay as
 * they are.
 */
import { Types } from 'mongoose';
import { isIsoDate } from '../../domain/cases.js';
import { Invalid, NotFound } from '../../domain/errors.js';
import { HEARING_KINDS, HEARING_OUTCOMES, OUTCOMES_AFTER_THE_DAY, SUPPORT_KINDS } from '../../domain/legal.js';
import type { Caller } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { LegalCaseModel } from '../../models/legal-case.js';
import { LegalHearingModel } from '../../models/legal-hearing.js';
import { outOfScope } from '../access.js';
import { audit } from '../audit/audit.js';
import { trusted } from '../auth/trusted.js';
import { seal, unseal } from '../cases/records.js';
import { dayOf, legalInScope, today } from './legal-cases.js';

/** Hearings are set up to this many years ahead (a typing slip of a century is caught). */
const YEARS_AHEAD = 5;
const MAX_SUPPORT = 200;

export interface HearingInput {
  date: string;
  kind: string;
  note: string;
  language: string;
}

function sealedNote(note: string): string | undefined {
  return note ? seal({ note }) : undefined;
}

/** Sets a hearing of an open legal case, on a day from the complaint on. */
export async function addHearing(caller: Caller, caseId: string, legalId: string, input: HearingInput): Promise<string> {
  const { legal } = await legalInScope(caller, caseId, legalId, 'case.update');
  const fields: Record<string, string> = {};
  const latest = `${clock.now().getUTCFullYear() + YEARS_AHEAD}-12-31`;
  if (legal.status === 'closed') fields._form = 'legal:errors.closed';
  if (!isIsoDate(input.date) || input.date > latest) fields.date = 'common:form.invalid';
  else if (dayOf(input.date) < legal.complaintDate) fields.date = 'legal:errors.beforeComplaint';
  if (!(HEARING_KINDS as readonly string[]).includes(input.kind)) fields.kind = 'common:form.required';
  if (Object.keys(fields).length > 0) throw new Invalid(fields);
  const made = await LegalHearingModel.create({
    legalCaseId: legal._id,
    caseId: legal.caseId,
    organisationId: legal.organisationId,
    date: dayOf(input.date),
    kind: input.kind as (typeof HEARING_KINDS)[number],
    secret: sealedNote(input.note),
    language: input.note ? input.language : undefined,
    createdBy: new Types.ObjectId(caller.userId),
  });
  await audit(caller, { action: 'legal_change', outcome: 'success', recordType: 'case', recordId: caseId });
  return String(made._id);
}

async function hearingOf(caller: Caller, legalCaseId: Types.ObjectId, hearingId: string) {
  if (!/^[0-9a-f]{24}$/i.test(hearingId)) throw new NotFound();
  const h = await LegalHearingModel.findOne(trusted({ _id: new Types.ObjectId(hearingId), legalCaseId })).lean();
  return h ?? outOfScope(caller, 'case', hearingId);
}

/** One hearing, for the form that records its outcome (it shows the sealed note: a view, audited). */
export async function hearingForOutcome(caller: Caller, caseId: string, legalId: string, hearingId: string) {
  const { c, legal } = await legalInScope(caller, caseId, legalId, 'case.update');
  const h = await hearingOf(caller, legal._id, hearingId);
  await audit(caller, { action: 'legal_view', outcome: 'success', recordType: 'case', recordId: caseId });
  return {
    caseId,
    caseNumber: c.caseNumber,
    legalId,
    hearing: { id: hearingId, date: h.date, kind: h.kind, outcome: h.outcome ?? '', note: unseal<{ note: string }>(h.secret, { note: '' }).note, language: h.language ?? '' },
  };
}

export interface OutcomeInput {
  outcome: string;
  note: string;
  language: string;
}

/**
 * Records (or corrects) what happened at a hearing. A hearing can be known to be postponed or
 * cancelled ahead of its day, but not to have been held.
 */
export async function recordOutcome(caller: Caller, caseId: string, legalId: string, hearingId: string, input: OutcomeInput): Promise<void> {
  const { legal } = await legalInScope(caller, caseId, legalId, 'case.update');
  const h = await hearingOf(caller, legal._id, hearingId);
  if (!(HEARING_OUTCOMES as readonly string[]).includes(input.outcome)) throw new Invalid({ outcome: 'common:form.required' });
  if (OUTCOMES_AFTER_THE_DAY.includes(input.outcome) && h.date.toISOString().slice(0, 10) > today()) throw new Invalid({ outcome: 'legal:errors.notYetHeld' });
  const res = await LegalHearingModel.updateOne(trusted({ _id: h._id, legalCaseId: legal._id }), {
    $set: { outcome: input.outcome, outcomeBy: new Types.ObjectId(caller.userId), outcomeAt: clock.now(), ...(input.note ? { secret: sealedNote(input.note), language: input.language } : {}) },
    ...(input.note ? {} : { $unset: { secret: 1, language: 1 } }),
  });
  if (res.matchedCount !== 1) throw new NotFound();
  await audit(caller, { action: 'legal_change', outcome: 'success', recordType: 'case', recordId: caseId });
}

export interface SupportInput {
  kinds: string[];
  date: string;
  note: string;
  language: string;
}

/**
 * Records the support given to the child as a witness on one day: one entry per kind ticked. An
 * addition loses nothing written meanwhile, so it does not move the version an open edit form holds.
 */
export async function addSupport(caller: Caller, caseId: string, legalId: string, input: SupportInput): Promise<void> {
  const { legal } = await legalInScope(caller, caseId, legalId, 'case.update');
  const fields: Record<string, string> = {};
  if (input.kinds.length === 0) fields.kinds = 'legal:errors.supportRequired';
  else if (input.kinds.some((k) => !(SUPPORT_KINDS as readonly string[]).includes(k))) fields.kinds = 'common:form.invalid';
  if (!isIsoDate(input.date) || input.date > today() || input.date < '1990-01-01') fields.date = 'legal:errors.pastDate';
  if ((legal.support?.length ?? 0) + input.kinds.length > MAX_SUPPORT) fields._form = 'legal:errors.tooMany';
  if (Object.keys(fields).length > 0) throw new Invalid(fields);
  const by = new Types.ObjectId(caller.userId);
  const entries = input.kinds.map((kind) => ({ _id: new Types.ObjectId(), kind, date: dayOf(input.date), secret: sealedNote(input.note), language: input.note ? input.language : undefined, recordedBy: by }));
  const res = await LegalCaseModel.updateOne(trusted({ _id: legal._id }), { $push: { support: { $each: entries } } });
  if (res.matchedCount !== 1) throw new NotFound();
  await audit(caller, { action: 'legal_change', outcome: 'success', recordType: 'case', recordId: caseId });
}
