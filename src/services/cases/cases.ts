/**
 * Registering, reading and editing a case (DOMAIN.md "Case", "Child"; SECURITY.md C2, C5, D1, V3).
 * Every read and change of a case writes an audit entry; history keeps the earlier values sealed.
 * Closing (with a supervisor's approval) and reopening are in ./closure.ts.
 */
import { Types } from 'mongoose';
import { CASE_NUMBER, formatCaseNumber } from '../../domain/cases.js';
import { Invalid } from '../../domain/errors.js';
import { LOOKUPS } from '../../domain/lookups.js';
import { detailProblems } from '../../domain/cases.js';
import { can, type Caller } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { CaseModel } from '../../models/case.js';
import { inTransaction } from '../../lib/db/index.js';
import { CounterModel } from '../../models/counter.js';
import { OrganisationModel } from '../../models/organisation.js';
import { UserModel } from '../../models/user.js';
import { requireAction } from '../access.js';
import { audit } from '../audit/audit.js';
import {
  DETAIL_FIELDS,
  StaleVersion,
  caseInScope,
  changesSince,
  detailsDocument,
  detailsOf,
  recordChange,
  versionOf,
  type CaseDetails,
  type LeanCase,
} from './records.js';
import { changeOrCreate } from '../create-if-missing.js';
import { trusted } from '../auth/trusted.js';
import { refreshCaseFacts } from '../facts/facts.js';
import { releaseTasksOfRemoved } from './notes.js';

/** The rules across fields that a form schema cannot say (domain/cases.ts `detailProblems`). */
export function checkDetails(d: CaseDetails): void {
  const fields = detailProblems(d, clock.now().toISOString().slice(0, 10));
  if (Object.keys(fields).length > 0) throw new Invalid(fields);
}

function riskRank(level: string): number {
  return (LOOKUPS.riskLevel as readonly string[]).indexOf(level);
}

export interface Assignment {
  caseworkerIds: string[];
  supervisorId: string;
}

/** C5: only those who may assign may name caseworkers and supervisors; the people must be ours. */
async function checkAssignment(caller: Caller, a: Partial<Assignment>): Promise<{ caseworkerIds: Types.ObjectId[]; supervisorId?: Types.ObjectId | undefined } | undefined> {
  const named = (a.caseworkerIds?.length ?? 0) > 0 || Boolean(a.supervisorId);
  if (!named) return undefined;
  if (!can(caller.roles, 'case.assign')) {
    await audit(caller, { action: 'case_assign', outcome: 'denied', reason: 'field_not_allowed', recordType: 'case' });
    throw new Invalid({ caseworkerIds: 'cases:errors.fieldNotAllowed' });
  }
  const org = new Types.ObjectId(caller.organisationId);
  const ids = (a.caseworkerIds ?? []).map((id) => (Types.ObjectId.isValid(id) ? new Types.ObjectId(id) : undefined));
  if (ids.some((id) => !id)) throw new Invalid({ caseworkerIds: 'common:form.invalid' });
  const workers = await UserModel.countDocuments(trusted({ _id: { $in: ids }, organisationId: org, roles: 'caseworker', status: { $ne: 'disabled' } }));
  if (workers !== ids.length) throw new Invalid({ caseworkerIds: 'common:form.invalid' });
  let supervisorId: Types.ObjectId | undefined;
  if (a.supervisorId) {
    if (!Types.ObjectId.isValid(a.supervisorId)) throw new Invalid({ supervisorId: 'common:form.invalid' });
    supervisorId = new Types.ObjectId(a.supervisorId);
    const ok = await UserModel.exists(trusted({ _id: supervisorId, organisationId: org, roles: 'supervisor', status: { $ne: 'disabled' } }));
    if (!ok) throw new Invalid({ supervisorId: 'common:form.invalid' });
  }
  return { caseworkerIds: ids as Types.ObjectId[], supervisorId };
}

async function nextCaseNumber(organisationId: string): Promise<string> {
  const org = await OrganisationModel.findById(organisationId).select({ country: 1, kind: 1 }).lean();
  if (!org || org.kind !== 'ngo') throw new Invalid({ _form: 'cases:errors.notAnNgo' });
  const year = clock.now().getUTCFullYear();
  // The first cases of a year may be registered at once: the counter is created once and each gets its own number.
  const _id = `case:${organisationId}:${year}`;
  const counter = await changeOrCreate(
    () => CounterModel.findOneAndUpdate({ _id }, { $inc: { seq: 1 } }, { returnDocument: 'after' }).lean(),
    async () => (await CounterModel.create({ _id, seq: 1 })).toObject(),
  );
  return formatCaseNumber(org.country, year, counter.seq);
}

/**
 * Registers a case with status `open`. A caseworker is assigned to the cases they register; a
 * supervisor supervises them, and may name the caseworkers.
 */
export async function registerCase(caller: Caller, details: CaseDetails, assignment: Partial<Assignment> = {}): Promise<string> {
  await requireAction(caller, 'case.create');
  checkDetails(details);
  const assigned = await checkAssignment(caller, assignment);
  const self = new Types.ObjectId(caller.userId);
  const isSupervisor = caller.roles.includes('supervisor');
  const caseworkerIds = assigned?.caseworkerIds.length ? assigned.caseworkerIds : caller.roles.includes('caseworker') ? [self] : [];
  const supervisorId = assigned?.supervisorId ?? (isSupervisor ? self : undefined);
  const caseNumber = await nextCaseNumber(caller.organisationId);
  const doc = detailsDocument(details, riskRank(details.riskLevel), caseNumber);
  // The case and its first history entry are written together.
  const created = await inTransaction(async () => {
    const [made] = await CaseModel.create([{
    organisationId: new Types.ObjectId(caller.organisationId),
    caseNumber,
    status: 'open',
    riskLevel: doc.riskLevel,
    riskRank: doc.riskRank,
    exploitationTypes: doc.exploitationTypes,
    intake: { date: doc['intake.date'], identifiedBy: doc['intake.identifiedBy'], source: doc['intake.source'] },
    caseworkerIds,
    supervisorId,
    team: caller.team || undefined,
    child: {
      sex: doc['child.sex'],
      nationality: doc['child.nationality'],
      languages: doc['child.languages'],
      disability: doc['child.disability'],
      placement: doc['child.placement'],
      secret: doc['child.secret'],
    },
    searchTokens: doc.searchTokens,
    }] as Parameters<typeof CaseModel.create>[0][]);
    await recordChange(caller, made!, 0, 'create', []);
    await refreshCaseFacts(made!._id);
    return made!;
  });
  const id = String(created._id);
  await audit(caller, { action: 'case_create', outcome: 'success', recordType: 'case', recordId: id });
  return id;
}

/** A case's details for its edit form (a view of case data, so it is audited). */
export async function caseForEdit(caller: Caller, id: string) {
  const c = await caseInScope(caller, id, 'case.update');
  await audit(caller, { action: 'case_view', outcome: 'success', recordType: 'case', recordId: id });
  return {
    id,
    caseNumber: c.caseNumber,
    version: versionOf(c),
    details: detailsOf(c),
    assignment: { caseworkerIds: c.caseworkerIds.map(String), supervisorId: c.supervisorId ? String(c.supervisorId) : '' },
  };
}

function changedFields(before: CaseDetails, after: CaseDetails): (keyof CaseDetails)[] {
  return DETAIL_FIELDS.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
}

/**
 * Saves the details form. The form names the version it was read at; if the case changed since, the
 * save goes through only when none of the form's fields changed meanwhile, and otherwise is refused
 * with the list of changes (V3), so nobody overwrites what they never saw.
 */
export async function updateCase(caller: Caller, id: string, version: number, details: CaseDetails): Promise<void> {
  checkDetails(details);
  for (let attempt = 0; attempt < 3; attempt++) {
    const c = await caseInScope(caller, id, 'case.update');
    const current = versionOf(c);
    if (version > current) throw new Invalid({ version: 'common:form.invalid' });
    if (current !== version) {
      const meanwhile = await changesSince(c._id, version);
      const touched = new Set<string>(DETAIL_FIELDS);
      if (meanwhile.some((m) => m.fields.some((f) => touched.has(f)))) {
        await audit(caller, { action: 'case_update', outcome: 'failure', reason: 'stale_version', recordType: 'case', recordId: id });
        throw new StaleVersion(meanwhile);
      }
    }
    const before = detailsOf(c);
    const fields = changedFields(before, details);
    if (fields.length === 0) return;
    const written = await inTransaction(async () => {
      const res = await CaseModel.updateOne({ _id: c._id, __v: current }, { $set: detailsDocument(details, riskRank(details.riskLevel), c.caseNumber), $inc: { __v: 1 } });
      if (res.modifiedCount !== 1) return false;
      await recordChange(caller, c, current + 1, 'update', fields, Object.fromEntries(fields.map((f) => [f, before[f as keyof CaseDetails]])));
      await refreshCaseFacts(c._id);
      return true;
    });
    if (!written) continue;
    await audit(caller, { action: 'case_update', outcome: 'success', recordType: 'case', recordId: id });
    return;
  }
  // Three saves in a row lost the race for the same version: say what changed meanwhile.
  throw new StaleVersion(await changesSince(new Types.ObjectId(id), version));
}

/** Supervisors assign caseworkers and the supervisor (C5: nobody else may set these fields). */
export async function assignCase(caller: Caller, id: string, version: number, assignment: Assignment): Promise<void> {
  const c = await caseInScope(caller, id, 'case.assign');
  const assigned = await checkAssignment(caller, assignment);
  if (!assigned || assigned.caseworkerIds.length === 0) throw new Invalid({ caseworkerIds: 'common:form.required' });
  const previous = { caseworkerIds: c.caseworkerIds.map(String), supervisorId: c.supervisorId ? String(c.supervisorId) : '' };
  const written = await inTransaction(async () => {
    const res = await CaseModel.updateOne(
      { _id: c._id, __v: version },
      { $set: { caseworkerIds: assigned.caseworkerIds, supervisorId: assigned.supervisorId ?? c.supervisorId }, $inc: { __v: 1 } },
    );
    if (res.modifiedCount !== 1) return false;
    await recordChange(caller, c, version + 1, 'assign', ['assignment'], previous);
    // Tasks of someone taken off the case fall to its first caseworker (services/cases/notes.ts).
    await releaseTasksOfRemoved(c._id, { caseworkerIds: assigned.caseworkerIds, supervisorId: assigned.supervisorId ?? c.supervisorId });
    await refreshCaseFacts(c._id);
    return true;
  });
  if (!written) throw new StaleVersion(await changesSince(c._id, version));
  await audit(caller, { action: 'case_assign', outcome: 'success', recordType: 'case', recordId: id });
}

/** Exact case-number search: the shape is checked so a typed name is never sent as a number. */
export function looksLikeCaseNumber(q: string): boolean {
  return CASE_NUMBER.test(q.trim().toUpperCase());
}

export type { LeanCase };

/** For routes that must answer 404 for a case out of scope before they look at the input (C2, I1). */
export async function checkCaseAccess(caller: Caller, id: string, action: 'case.read' | 'case.update' | 'case.close' | 'case.assign'): Promise<void> {
  await caseInScope(caller, id, action);
}
