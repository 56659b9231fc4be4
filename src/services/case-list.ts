/**
 * The case list and search (issue 4, item 8; SECURITY.md C2, D3). The access filter is always part of
 * the query; pages are ranges of the sort key (`after` names the last row seen), never skips. Managers
 * get rows without identifying details, and may search by case number only.
 */
import { Types } from 'mongoose';
import { CASE_PAGE_SIZE } from '../domain/cases.js';
import { Invalid } from '../domain/errors.js';
import { can, caseFilter, type Caller } from '../domain/permissions.js';
import { CaseModel } from '../models/case.js';
import { UserModel } from '../models/user.js';
import { requireAction } from './access.js';
import { audit } from './audit.js';
import { displayName, identityOf, userNames } from './case-records.js';
import { looksLikeCaseNumber } from './cases.js';
import { queryTokenSets } from './name-search.js';
import { trusted } from './trusted.js';

export const CASE_SORTS = ['newest', 'oldest', 'intake', 'risk'] as const;
export type CaseSort = (typeof CASE_SORTS)[number];

export interface CaseListQuery {
  status?: string | undefined;
  risk?: string | undefined;
  type?: string | undefined;
  caseworker?: string | undefined;
  team?: string | undefined;
  q?: string | undefined;
  sort: CaseSort;
  after?: string | undefined;
}

type Filter = Record<string, unknown>;

/** Each sort: the key, its direction, and how the key is read from a row for the next page's cursor. */
const SORTS: Record<CaseSort, { key?: string; dir: 1 | -1; read?: (row: Row) => unknown }> = {
  newest: { dir: -1 },
  oldest: { dir: 1 },
  intake: { key: 'intake.date', dir: -1, read: (r) => r.intake?.date?.toISOString() },
  risk: { key: 'riskRank', dir: -1, read: (r) => r.riskRank },
};

interface Row {
  _id: Types.ObjectId;
  caseNumber: string;
  status: string;
  riskLevel: string;
  riskRank: number;
  exploitationTypes: string[];
  intake?: { date?: Date } | null;
  caseworkerIds: Types.ObjectId[];
  team?: string | null;
  child?: { secret?: string | null } | null;
}

function encodeCursor(sort: CaseSort, row: Row): string {
  const spec = SORTS[sort];
  return Buffer.from(JSON.stringify([spec.read ? spec.read(row) : null, String(row._id)])).toString('base64url');
}

/** The condition for "after this row" in the sort's order. */
function rangeAfter(sort: CaseSort, cursor: string): Filter {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new Invalid({ after: 'common:form.invalid' });
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[1] !== 'string' || !Types.ObjectId.isValid(parsed[1])) {
    throw new Invalid({ after: 'common:form.invalid' });
  }
  const spec = SORTS[sort];
  const op = spec.dir === -1 ? '$lt' : '$gt';
  const id = new Types.ObjectId(parsed[1]);
  if (!spec.key) return { _id: { [op]: id } };
  const raw = parsed[0];
  const value = spec.key === 'intake.date' && typeof raw === 'string' ? new Date(raw) : raw;
  if (value === null || (typeof value !== 'number' && !(value instanceof Date)) || (value instanceof Date && Number.isNaN(value.getTime()))) {
    throw new Invalid({ after: 'common:form.invalid' });
  }
  return { $or: [{ [spec.key]: { [op]: value } }, { [spec.key]: value, _id: { [op]: id } }] };
}

/** The search's condition, and one plain equality (or `$in`) implied by it that an index serves. */
async function searchFilter(caller: Caller, q: string): Promise<{ filter: Filter; lead: Filter }> {
  if (looksLikeCaseNumber(q)) {
    const caseNumber = q.trim().toUpperCase();
    return { filter: { caseNumber }, lead: { caseNumber } };
  }
  if (!can(caller.roles, 'case.read')) throw new Invalid({ q: 'cases:list.errors.numberOnly' });
  const sets = queryTokenSets(q);
  if (sets.length === 0) throw new Invalid({ q: 'common:form.invalid' });
  const alternatives = sets.map((tokens) => ({ searchTokens: { $all: tokens } }));
  const firsts = [...new Set(sets.map((tokens) => tokens[0]!))];
  return {
    filter: alternatives.length === 1 ? alternatives[0]! : { $or: alternatives },
    lead: { searchTokens: firsts.length === 1 ? firsts[0] : { $in: firsts } },
  };
}

export interface CaseListRow {
  id: string;
  caseNumber: string;
  status: string;
  riskLevel: string;
  exploitationTypes: string[];
  intakeDate: Date | undefined;
  caseworkers: string[];
  team: string;
  /** Only for those who may read identifying details. */
  name?: string;
}

export async function listCases(caller: Caller, query: CaseListQuery) {
  await requireAction(caller, 'case.list');
  const identifying = can(caller.roles, 'case.read');
  const parts: Filter[] = [caseFilter(caller)];
  // The most selective plain equality goes first, beside the organisation, as a condition of its own:
  // MongoDB plans the whole `$and` either way, and the embedded engine reads through the first condition
  // an index serves (`npm run bench -- engines explain`), so there a search reads one case, not the team.
  const leads: Filter[] = [];
  if (query.caseworker) {
    if (!Types.ObjectId.isValid(query.caseworker)) throw new Invalid({ caseworker: 'common:form.invalid' });
    leads.push({ caseworkerIds: new Types.ObjectId(query.caseworker) });
  }
  if (query.type) leads.push({ exploitationTypes: query.type });
  if (query.risk) leads.push({ riskLevel: query.risk });
  if (query.status) leads.push({ status: query.status });
  if (query.team) leads.push({ team: query.team });
  if (query.q) {
    const search = await searchFilter(caller, query.q);
    leads.unshift(search.lead);
    parts.push(search.filter);
  }
  parts.push(...leads.slice(1));
  if (leads[0]) parts.unshift({ organisationId: new Types.ObjectId(caller.organisationId), ...leads[0] });
  if (query.after) parts.push(rangeAfter(query.sort, query.after));
  const spec = SORTS[query.sort];
  const sort: Record<string, 1 | -1> = spec.key ? { [spec.key]: spec.dir, _id: spec.dir } : { _id: spec.dir };
  const fields: Record<string, 1> = { caseNumber: 1, status: 1, riskLevel: 1, riskRank: 1, exploitationTypes: 1, 'intake.date': 1, caseworkerIds: 1, team: 1 };
  if (identifying) fields['child.secret'] = 1;
  const rows = (await CaseModel.find(trusted({ $and: parts }))
    .sort(sort)
    .limit(CASE_PAGE_SIZE + 1)
    .select(fields)
    .lean()) as unknown as Row[];
  const page = rows.slice(0, CASE_PAGE_SIZE);
  const names = await userNames(page.flatMap((r) => r.caseworkerIds));
  await audit(caller, { action: query.q ? 'case_search' : 'case_list', outcome: 'success', recordType: 'case' });
  return {
    identifying,
    rows: page.map((r): CaseListRow => ({
      id: String(r._id),
      caseNumber: r.caseNumber,
      status: r.status,
      riskLevel: r.riskLevel,
      exploitationTypes: r.exploitationTypes,
      intakeDate: r.intake?.date ?? undefined,
      caseworkers: r.caseworkerIds.map((id) => names.get(String(id)) ?? ''),
      team: r.team ?? '',
      ...(identifying ? { name: displayName(identityOf(r as never)) } : {}),
    })),
    next: rows.length > CASE_PAGE_SIZE ? encodeCursor(query.sort, page[page.length - 1]!) : undefined,
  };
}

/** The people and teams the list can be filtered by: staff of the caller's organisation. */
export async function listFilterOptions(caller: Caller) {
  const staff = await UserModel.find(trusted({ organisationId: new Types.ObjectId(caller.organisationId), roles: { $in: ['caseworker', 'supervisor'] } }))
    .select({ name: 1, roles: 1, team: 1 })
    .limit(1000)
    .lean();
  return {
    caseworkers: staff.filter((u) => u.roles.includes('caseworker')).map((u) => ({ id: String(u._id), name: u.name })),
    supervisors: staff.filter((u) => u.roles.includes('supervisor')).map((u) => ({ id: String(u._id), name: u.name })),
    teams: [...new Set(staff.map((u) => u.team).filter((t): t is string => Boolean(t)))].sort(),
  };
}
