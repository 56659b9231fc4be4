/**
 * The case list and search (SECURITY.md C2, D3). The access filter is always part of the query; pages
 * are ranges of the sort key, never skips: `after` names the last row seen, `before` the first, and the
 * previous page is the range before it read in reverse. Managers get rows without identifying details,
 * and may search by case number only (the whole number, or its digits).
 */
import { Types } from 'mongoose';
import { CASE_PAGE_SIZE, isOverdue } from '../../domain/cases.js';
import { Invalid } from '../../domain/errors.js';
import { can, caseFilter, type Caller } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { CaseModel } from '../../models/case.js';
import { CaseTaskModel } from '../../models/case-task.js';
import { UserModel } from '../../models/user.js';
import { requireAction } from '../access.js';
import { audit } from '../audit/audit.js';
import { displayName, identityOf, unseal, userNames } from './records.js';
import { looksLikeCaseNumber } from './cases.js';
import { caseNumberQueryToken, queryMatchSets } from './name-search.js';
import { teamsOf } from '../admin/teams.js';
import { trusted } from '../auth/trusted.js';

export const CASE_SORTS = ['newest', 'oldest', 'intake', 'risk'] as const;
export type CaseSort = (typeof CASE_SORTS)[number];

/** Counting stops here: past it the list says "more than", so a large team's list stays fast. */
export const COUNT_LIMIT = 10_000;

export interface CaseListQuery {
  status?: string | undefined;
  risk?: string | undefined;
  type?: string | undefined;
  caseworker?: string | undefined;
  team?: string | undefined;
  q?: string | undefined;
  sort: CaseSort;
  after?: string | undefined;
  before?: string | undefined;
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

/**
 * The condition for the rows after (or before) the cursor's row in the sort's order. A malformed cursor
 * is a broken link, not a field anyone typed: the refusal says so.
 */
function range(sort: CaseSort, cursor: string, side: 'after' | 'before'): Filter {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new Invalid({ _form: 'cases:list.errors.page' });
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[1] !== 'string' || !Types.ObjectId.isValid(parsed[1])) {
    throw new Invalid({ _form: 'cases:list.errors.page' });
  }
  const spec = SORTS[sort];
  const forward = side === 'after';
  const op = (spec.dir === -1) === forward ? '$lt' : '$gt';
  const id = new Types.ObjectId(parsed[1]);
  if (!spec.key) return { _id: { [op]: id } };
  const raw = parsed[0];
  const value = spec.key === 'intake.date' && typeof raw === 'string' ? new Date(raw) : raw;
  if (value === null || (typeof value !== 'number' && !(value instanceof Date)) || (value instanceof Date && Number.isNaN(value.getTime()))) {
    throw new Invalid({ _form: 'cases:list.errors.page' });
  }
  return { $or: [{ [spec.key]: { [op]: value } }, { [spec.key]: value, _id: { [op]: id } }] };
}

function sortOf(sort: CaseSort, reverse = false): Record<string, 1 | -1> {
  const spec = SORTS[sort];
  const dir = (reverse ? -spec.dir : spec.dir) as 1 | -1;
  return spec.key ? { [spec.key]: dir, _id: dir } : { _id: dir };
}

/** A search token condition: one token, or any of several. */
const tokenCondition = (tokens: string[]): Filter => ({ searchTokens: tokens.length === 1 ? tokens[0] : { $in: tokens } });

/** The search's condition, and one plain equality (or `$in`) implied by it that an index serves. */
async function searchFilter(caller: Caller, q: string): Promise<{ filter: Filter; lead: Filter }> {
  if (looksLikeCaseNumber(q)) {
    const caseNumber = q.trim().toUpperCase();
    return { filter: { caseNumber }, lead: { caseNumber } };
  }
  const digits = caseNumberQueryToken(q);
  if (digits) return { filter: { searchTokens: digits }, lead: { searchTokens: digits } };
  if (!can(caller.roles, 'case.read')) throw new Invalid({ q: 'cases:list.errors.numberOnly' });
  const sets = queryMatchSets(q);
  if (sets.length === 0) throw new Invalid({ q: 'common:form.invalid' });
  // Each reading of the query: every part must match, a part by its whole word or (Latin) its beginning.
  const alternatives = sets.map((parts) =>
    parts.every((p) => p.length === 1) ? { searchTokens: { $all: parts.map((p) => p[0]!) } } : { $and: parts.map(tokenCondition) },
  );
  const firsts = [...new Set(sets.flatMap((parts) => parts[0]!))];
  return {
    filter: alternatives.length === 1 ? alternatives[0]! : { $or: alternatives },
    lead: tokenCondition(firsts),
  };
}

export interface NextTask {
  dueDate: Date;
  overdue: boolean;
  /** Only for those who may read identifying details: a task's title may name people. */
  title?: string;
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
  nextTask?: NextTask;
}

/** The earliest open task of each case on the page, by case id. */
async function nextTasks(caseIds: Types.ObjectId[], identifying: boolean): Promise<Map<string, NextTask>> {
  const out = new Map<string, NextTask>();
  if (caseIds.length === 0) return out;
  const fields: Record<string, 1> = { caseId: 1, dueDate: 1 };
  if (identifying) fields.secret = 1;
  const tasks = await CaseTaskModel.find(trusted({ caseId: { $in: caseIds }, doneAt: null }))
    .sort({ caseId: 1, dueDate: 1 })
    .limit(CASE_PAGE_SIZE * 40)
    .select(fields)
    .lean();
  const now = clock.now();
  for (const t of tasks) {
    const key = String(t.caseId);
    if (out.has(key)) continue;
    out.set(key, {
      dueDate: t.dueDate,
      overdue: isOverdue(t.dueDate, now),
      ...(identifying ? { title: unseal<{ title: string }>(t.secret, { title: '' }).title } : {}),
    });
  }
  return out;
}

export interface CaseListPage {
  identifying: boolean;
  rows: CaseListRow[];
  /** Matching cases, counted up to COUNT_LIMIT. */
  total: number;
  /** Whether there are more than COUNT_LIMIT. */
  totalCapped: boolean;
  /** The cursor of the next page (`after`); `''` for the first page; undefined when there is none. */
  next?: string | undefined;
  /** The cursor of the previous page (`before`); `''` for the first page; undefined when there is none. */
  previous?: string | undefined;
}

export async function listCases(caller: Caller, query: CaseListQuery): Promise<CaseListPage> {
  await requireAction(caller, 'case.list');
  if (query.after && query.before) throw new Invalid({ _form: 'cases:list.errors.page' });
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

  const side = query.before ? 'before' : 'after';
  const cursor = query.before ?? query.after;
  const bounded = cursor ? [...parts, range(query.sort, cursor, side)] : parts;
  const fields: Record<string, 1> = { caseNumber: 1, status: 1, riskLevel: 1, riskRank: 1, exploitationTypes: 1, 'intake.date': 1, caseworkerIds: 1, team: 1 };
  if (identifying) fields['child.secret'] = 1;
  const rows = (await CaseModel.find(trusted({ $and: bounded }))
    .sort(sortOf(query.sort, side === 'before'))
    .limit(CASE_PAGE_SIZE + 1)
    .select(fields)
    .lean()) as unknown as Row[];
  const more = rows.length > CASE_PAGE_SIZE;
  const page = rows.slice(0, CASE_PAGE_SIZE);
  if (side === 'before') page.reverse();

  /** Whether any matching row lies beyond this one, on the given side. */
  const beyond = async (row: Row, towards: 'after' | 'before') =>
    Boolean(await CaseModel.findOne(trusted({ $and: [...parts, range(query.sort, encodeCursor(query.sort, row), towards)] })).sort(sortOf(query.sort, towards === 'before')).select({ _id: 1 }).lean());

  const [total, names, tasks] = await Promise.all([
    CaseModel.countDocuments(trusted({ $and: parts })).limit(COUNT_LIMIT + 1),
    userNames(page.flatMap((r) => r.caseworkerIds)),
    nextTasks(page.map((r) => r._id), identifying),
  ]);
  let next: string | undefined;
  let previous: string | undefined;
  const first = page[0];
  const last = page[page.length - 1];
  if (!first || !last) {
    // A page past the end (its rows were closed or moved meanwhile): lead back to the start.
    if (cursor && total > 0) previous = '';
  } else if (side === 'after') {
    if (more) next = encodeCursor(query.sort, last);
    if (cursor && (await beyond(first, 'before'))) previous = encodeCursor(query.sort, first);
  } else {
    if (more) previous = encodeCursor(query.sort, first);
    if (await beyond(last, 'after')) next = encodeCursor(query.sort, last);
  }
  await audit(caller, { action: query.q ? 'case_search' : 'case_list', outcome: 'success', recordType: 'case' });
  return {
    identifying,
    total: Math.min(total, COUNT_LIMIT),
    totalCapped: total > COUNT_LIMIT,
    rows: page.map((r): CaseListRow => {
      const task = tasks.get(String(r._id));
      return {
        id: String(r._id),
        caseNumber: r.caseNumber,
        status: r.status,
        riskLevel: r.riskLevel,
        exploitationTypes: r.exploitationTypes,
        intakeDate: r.intake?.date ?? undefined,
        caseworkers: r.caseworkerIds.map((id) => names.get(String(id)) ?? ''),
        team: r.team ?? '',
        ...(identifying ? { name: displayName(identityOf(r as never)) } : {}),
        ...(task ? { nextTask: task } : {}),
      };
    }),
    next,
    previous,
  };
}

/** The people and teams the list can be filtered by: staff of the caller's organisation. */
export async function listFilterOptions(caller: Caller) {
  const staff = await UserModel.find(trusted({ organisationId: new Types.ObjectId(caller.organisationId), roles: { $in: ['caseworker', 'supervisor'] } }))
    .select({ name: 1, roles: 1, team: 1 })
    .limit(1000)
    .lean();
  // The organisation's managed teams, by name; a code only staff still carry (a team that predates the
  // list) is offered under its code so no case becomes unreachable by the filter.
  const managed = await teamsOf(caller.organisationId);
  const codes = new Set([...managed.map((t) => t.code), ...staff.map((u) => u.team).filter((t): t is string => Boolean(t))]);
  const nameOf = new Map(managed.map((t) => [t.code, t.name]));
  const collator = new Intl.Collator();
  return {
    caseworkers: staff.filter((u) => u.roles.includes('caseworker')).map((u) => ({ id: String(u._id), name: u.name })),
    supervisors: staff.filter((u) => u.roles.includes('supervisor')).map((u) => ({ id: String(u._id), name: u.name })),
    teams: [...codes].map((code) => ({ code, name: nameOf.get(code) ?? code })).sort((a, b) => collator.compare(a.name, b.name)),
  };
}
