/**
 * Follow-up visits after a closure for reintegration (DOMAIN.md "Outcomes": children still safe at 6
 * and 12 months). The approval of the closure schedules them (services/cases/closure.ts); the case's
 * caseworker or a supervisor of the team records each one once: the day of the visit, three yes/no
 * answers the reports count, and a sealed note (D1). A closed case stays in its caseworker's scope
 * (the access policy's filter does not look at the status), so the visits are recorded on it.
 */
import { Types } from 'mongoose';
import { isIsoDate } from '../../domain/cases.js';
import { followUpStanding, mayRecordFollowUp, type FollowUpStanding, type FollowUpStatus } from '../../domain/closure.js';
import { Invalid, NotFound } from '../../domain/errors.js';
import { can, type Caller } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { inTransaction } from '../../lib/db/index.js';
import { FollowUpModel } from '../../models/follow-up.js';
import { audit } from '../audit/audit.js';
import { refreshCaseFacts } from '../facts/facts.js';
import { caseInScope, seal, unseal, userNames, type LeanCase } from './records.js';

export interface FollowUpInput {
  visitDate: string;
  safe: boolean;
  livingAsPlanned: boolean;
  inSchoolOrWork: boolean;
  note: string;
  language: string;
}

export interface FollowUpRow {
  id: string;
  months: number;
  dueDate: Date;
  closedOn: Date;
  status: FollowUpStatus;
  standing: FollowUpStanding;
  recorded: boolean;
  visitDate?: Date | undefined;
  safe?: boolean | undefined;
  livingAsPlanned?: boolean | undefined;
  inSchoolOrWork?: boolean | undefined;
  recordedById?: string | undefined;
}

type LeanFollowUp = NonNullable<Awaited<ReturnType<typeof findFollowUp>>>;

function rowOf(f: LeanFollowUp, now: Date): FollowUpRow {
  const status = f.status as FollowUpStatus;
  return {
    id: String(f._id),
    months: f.months,
    dueDate: f.dueDate,
    closedOn: f.closedOn,
    status,
    standing: followUpStanding(status, f.dueDate, now),
    recorded: status === 'recorded',
    visitDate: f.visitDate ?? undefined,
    safe: f.safe ?? undefined,
    livingAsPlanned: f.livingAsPlanned ?? undefined,
    inSchoolOrWork: f.inSchoolOrWork ?? undefined,
    recordedById: f.recordedBy ? String(f.recordedBy) : undefined,
  };
}

/** A case's follow-up visits in date order (without the notes), for a caller already allowed to read it. */
export async function followUpsOf(caseId: Types.ObjectId): Promise<FollowUpRow[]> {
  const rows = await FollowUpModel.find({ caseId }).sort({ dueDate: 1, _id: 1 }).limit(100).select({ secret: 0 }).lean();
  const now = clock.now();
  return rows.map((f) => rowOf(f as LeanFollowUp, now));
}

function findFollowUp(c: Pick<LeanCase, '_id'>, followUpId: string) {
  if (!/^[0-9a-f]{24}$/i.test(followUpId)) throw new NotFound();
  return FollowUpModel.findOne({ _id: new Types.ObjectId(followUpId), caseId: c._id }).lean();
}

/** One visit of a case the caller may see (C2: a visit of another case is 404), with its note opened. */
export async function followUpPage(caller: Caller, caseId: string, followUpId: string) {
  const c = await caseInScope(caller, caseId, 'case.read');
  const f = await findFollowUp(c, followUpId);
  if (!f) throw new NotFound();
  const row = rowOf(f, clock.now());
  const names = await userNames([f.recordedBy]);
  const note = unseal<{ text: string }>(f.secret, { text: '' }).text;
  await audit(caller, { action: 'case_view', outcome: 'success', recordType: 'case', recordId: caseId });
  return {
    caseId,
    caseNumber: c.caseNumber,
    followUp: { ...row, note, language: f.language ?? '', by: row.recordedById ? (names.get(row.recordedById) ?? '') : '', at: f.recordedAt ?? undefined },
    may: { record: can(caller.roles, 'case.update') && mayRecordFollowUp(row.status) },
  };
}

/** Records a scheduled visit once; a recorded or cancelled one is refused (422) and nothing changes. */
export async function recordFollowUp(caller: Caller, caseId: string, followUpId: string, input: FollowUpInput): Promise<void> {
  const c = await caseInScope(caller, caseId, 'case.update');
  const f = await findFollowUp(c, followUpId);
  if (!f) throw new NotFound();
  const refused = async (): Promise<never> => {
    await audit(caller, { action: 'followup_record', outcome: 'denied', reason: 'transition_refused', recordType: 'case', recordId: caseId });
    throw new Invalid({ _form: 'closure:errors.followUpNotOpen' });
  };
  if (!mayRecordFollowUp(f.status as FollowUpStatus)) await refused();
  const today = clock.now().toISOString().slice(0, 10);
  if (!isIsoDate(input.visitDate) || input.visitDate > today) throw new Invalid({ visitDate: 'cases:errors.date' });
  const visitDate = new Date(`${input.visitDate}T00:00:00Z`);
  if (visitDate < f.closedOn) throw new Invalid({ visitDate: 'closure:errors.visitBeforeClosure' });
  const written = await inTransaction(async () => {
    const res = await FollowUpModel.updateOne(
      { _id: f._id, caseId: c._id, status: 'scheduled' },
      {
        $set: {
          status: 'recorded',
          visitDate,
          safe: input.safe,
          livingAsPlanned: input.livingAsPlanned,
          inSchoolOrWork: input.inSchoolOrWork,
          secret: seal({ text: input.note }),
          language: input.language,
          recordedBy: new Types.ObjectId(caller.userId),
          recordedAt: clock.now(),
        },
      },
    );
    if (res.modifiedCount !== 1) return false;
    await refreshCaseFacts(c._id);
    return true;
  });
  if (!written) await refused();
  await audit(caller, { action: 'followup_record', outcome: 'success', recordType: 'case', recordId: caseId });
}
