/**
 * The start page once signed in: a few blocks per role, each a plain object from one function here,
 * rendered by its own partial (src/views/partials/start/<block>.hbs). A new block is one function in
 * BLOCKS, its id in ROLE_BLOCKS, and one partial.
 *
 * Scope is the access policy's, never wider (ARCHITECTURE.md "Access policy"): the case blocks of a
 * role ask `caseFilter` for that role alone, so a caseworker who is also a supervisor sees "my cases"
 * and "my team's cases" each as its role allows. The open cases of a role's scope are read once per
 * page (a few small fields, no sealed ones) and shared by that role's blocks; activity and each
 * feature's due work ("My work", work-sources.ts) are then read by case id, through indexes.
 *
 * A caseworker's and a supervisor's page is "My work": one block per kind of work (tasks, reviews,
 * interventions, hearings, follow-up visits, referrals waiting for an answer and partners' messages, and
 * for a supervisor the decisions waiting), each with its
 * count and its first rows soonest first, then their cases and what happened lately.
 */
import { Types } from 'mongoose';
import { CASE_STATUSES } from '../../domain/cases.js';
import { NotFound } from '../../domain/errors.js';
import { LOOKUPS } from '../../domain/lookups.js';
import { ROLES, can, caseFilter, userFilter, type Action, type Caller, type Role } from '../../domain/permissions.js';
import { WORK_HORIZON_DAYS, dueMark, horizonEnd, overdueEnd, type DueMark } from '../../domain/tasks.js';
import { clock } from '../../lib/clock.js';
import { AuditEntryModel } from '../../models/audit-entry.js';
import { CaseModel } from '../../models/case.js';
import { CaseChangeModel } from '../../models/case-change.js';
import { CaseNoteModel } from '../../models/case-note.js';
import { ReferralModel } from '../../models/referral.js';
import { USER_STATUSES, UserModel } from '../../models/user.js';
import { requireAction } from '../access.js';
import { audit } from '../audit/audit.js';
import { displayName, identityOf, userNames } from '../cases/records.js';
import { trusted } from '../auth/trusted.js';
import { partnerCounts } from '../partner/inbox.js';
import { partnerFilter } from '../referrals/referrals.js';
import type { WorkItem, WorkKind } from './work-items.js';
import { ROLE_WORK, WORK_SLUGS, WORK_SPECS, type WorkDated, type WorkSpec } from './work-sources.js';

/** Rows a list block shows; the block links to the full list for the rest. */
export const BLOCK_ROWS = 6;
/** Open cases read for one role's blocks; a scope larger than this shows its first ones and says so. */
export const SCOPE_LIMIT = 2000;
/** Work due within this many days (and every overdue item) counts as due. */
export const TASK_HORIZON_DAYS = WORK_HORIZON_DAYS;
/** Items the full list of one kind of work shows (`/work`). */
export const WORK_LIST_LIMIT = 200;
/** Activity older than this is not recent. */
export const ACTIVITY_DAYS = 14;
/** The auditor's block counts refused access over this many days. */
export const DENIED_DAYS = 7;

const DAY_MS = 86_400_000;

export type CaseRole = 'caseworker' | 'supervisor';
type Filter = Record<string, unknown>;

interface ScopeCase {
  _id: Types.ObjectId;
  caseNumber: string;
  status: string;
  riskLevel: string;
  riskRank: number;
  intake?: { date?: Date | null } | null;
  caseworkerIds: Types.ObjectId[];
  supervisorId?: Types.ObjectId | null;
}

interface Scope {
  cases: ScopeCase[];
  /** More open cases are in scope than were read. */
  capped: boolean;
  numbers: Map<string, string>;
}

/** What every block gets: the caller, the time the page is made, and the open cases of each case role. */
export interface StartContext {
  readonly caller: Caller;
  readonly now: Date;
  scope(role: CaseRole): Promise<Scope>;
}

/** The caller as one of their roles only: the access policy for that role, never the union widened. */
function asRole(caller: Caller, role: Role): Caller {
  return { ...caller, roles: caller.roles.includes(role) ? [role] : [] };
}

/** mongoose casts find filters but not aggregation stages: the policy's filter, with ids as ObjectIds. */
function castCases(filter: Filter): Filter {
  return CaseModel.find(trusted(filter)).cast(CaseModel) as Filter;
}

function castUsers(filter: Filter): Filter {
  return UserModel.find(trusted(filter)).cast(UserModel) as Filter;
}

export function startContext(caller: Caller): StartContext {
  const scopes = new Map<CaseRole, Promise<Scope>>();
  return {
    caller,
    now: clock.now(),
    scope(role) {
      let found = scopes.get(role);
      if (!found) scopes.set(role, (found = readScope(asRole(caller, role))));
      return found;
    },
  };
}

async function readScope(caller: Caller): Promise<Scope> {
  const rows = (await CaseModel.find(trusted({ $and: [caseFilter(caller), { status: { $in: ['open', 'active'] } }] }))
    .select({ caseNumber: 1, status: 1, riskLevel: 1, riskRank: 1, 'intake.date': 1, caseworkerIds: 1, supervisorId: 1 })
    .limit(SCOPE_LIMIT + 1)
    .lean()) as unknown as ScopeCase[];
  const cases = rows.slice(0, SCOPE_LIMIT);
  return { cases, capped: rows.length > SCOPE_LIMIT, numbers: new Map(cases.map((c) => [String(c._id), c.caseNumber])) };
}

/** The case list's "highest risk first" order: risk, then newest. */
function byRisk(a: ScopeCase, b: ScopeCase): number {
  return b.riskRank - a.riskRank || String(b._id).localeCompare(String(a._id));
}

/** Longest waiting first: intake date, then registration. */
function byIntake(a: ScopeCase, b: ScopeCase): number {
  return (a.intake?.date?.getTime() ?? 0) - (b.intake?.date?.getTime() ?? 0) || String(a._id).localeCompare(String(b._id));
}

export interface CaseRow {
  id: string;
  caseNumber: string;
  name: string;
  status: string;
  riskLevel: string;
  intakeDate: Date | undefined;
  caseworkers: string[];
}

/** Rows for some cases of a scope, with the child's name opened (the caller may read these cases). */
async function caseRows(caller: Caller, cases: ScopeCase[], withCaseworkers: boolean): Promise<CaseRow[]> {
  if (cases.length === 0) return [];
  const ids = cases.map((c) => c._id);
  const [sealed, names] = await Promise.all([
    CaseModel.find(trusted({ $and: [caseFilter(caller), { _id: { $in: ids } }] })).select({ 'child.secret': 1 }).lean(),
    withCaseworkers ? userNames(cases.flatMap((c) => c.caseworkerIds)) : Promise.resolve(new Map<string, string>()),
  ]);
  const child = new Map(sealed.map((s) => [String(s._id), displayName(identityOf(s as never))]));
  return cases.map((c) => ({
    id: String(c._id),
    caseNumber: c.caseNumber,
    name: child.get(String(c._id)) ?? '',
    status: c.status,
    riskLevel: c.riskLevel,
    intakeDate: c.intake?.date ?? undefined,
    caseworkers: c.caseworkerIds.map((w) => names.get(String(w)) ?? '').filter(Boolean),
  }));
}

/** My cases (caseworker) or my team's cases (supervisor): open cases, highest risk first. */
export async function openCases(ctx: StartContext, role: CaseRole) {
  const scope = await ctx.scope(role);
  const top = [...scope.cases].sort(byRisk).slice(0, BLOCK_ROWS);
  return { total: scope.cases.length, capped: scope.capped, userId: ctx.caller.userId, team: ctx.caller.team ?? '', rows: await caseRows(asRole(ctx.caller, role), top, role === 'supervisor') };
}

/** One row of a work block: the item, with its case id as text and how its day reads against today. */
export interface WorkRow extends Omit<WorkItem, 'caseId'> {
  caseId: string;
  /** For due work: overdue, due today, due soon or later; none for a decision waiting since a day. */
  mark?: DueMark | undefined;
  /** The day is when a message came (neither due nor submitted). */
  received: boolean;
}

function workRows(items: readonly WorkItem[], dated: WorkDated, now: Date): WorkRow[] {
  return items.map((item) => ({ ...item, caseId: String(item.caseId), mark: dated === 'due' ? dueMark(item.due, now) : undefined, received: dated === 'received' }));
}

/**
 * One kind of work for one case role: the first rows soonest first (longest waiting first for a
 * decision), how many there are, and how many of them are overdue. When every item is on the page the
 * overdue ones are counted there; otherwise the source is asked for the count of those due by yesterday.
 */
export async function workBlock(ctx: StartContext, kind: WorkKind, role: CaseRole, spec: WorkSpec = WORK_SPECS[kind]) {
  const [scope, found] = await Promise.all([ctx.scope(role), spec.source(ctx, role, horizonEnd(ctx.now), BLOCK_ROWS)]);
  const rows = workRows(found.items, spec.dated, ctx.now);
  let overdue = 0;
  if (spec.dated === 'due' && found.total > 0) {
    overdue = found.total <= rows.length ? rows.filter((r) => r.mark === 'overdue').length : (await spec.source(ctx, role, overdueEnd(ctx.now), 0)).total;
  }
  return {
    kind,
    role,
    slug: WORK_SLUGS[kind],
    dated: spec.dated,
    total: found.total,
    overdue,
    days: WORK_HORIZON_DAYS,
    rows,
    more: found.total > rows.length,
    capped: scope.capped,
    /** A kind with nothing to do stays off the page, except the one every case has (tasks). */
    hidden: !spec.always && found.total === 0,
  };
}

/** Every item of one kind for one case role (up to WORK_LIST_LIMIT), for the full list: audited as a case list. */
export async function workList(caller: Caller, kind: WorkKind, role: CaseRole) {
  const spec = WORK_SPECS[kind];
  // A kind the role's start page does not have, or a role the caller does not hold: there is no such list.
  if (!ROLE_WORK[role].includes(kind) || !caller.roles.includes(role)) throw new NotFound();
  await requireAction(caller, spec.action);
  const ctx = startContext(caller);
  const [scope, found] = await Promise.all([ctx.scope(role), spec.source(ctx, role, horizonEnd(ctx.now), WORK_LIST_LIMIT)]);
  await audit(caller, { action: 'case_list', outcome: 'success', recordType: 'case' });
  return { kind, role, slug: WORK_SLUGS[kind], dated: spec.dated, total: found.total, days: WORK_HORIZON_DAYS, rows: workRows(found.items, spec.dated, ctx.now), more: found.total > found.items.length, capped: scope.capped };
}

export interface ActivityRow {
  caseId: string;
  caseNumber: string;
  at: Date;
  /** A change kind (cases:changeKinds) or `note`, with the note's type. */
  kind: string;
  noteType?: string;
  by: string;
}

/** The latest changes and notes on the scope's open cases, newest first. */
export async function recentActivity(ctx: StartContext, role: CaseRole) {
  const scope = await ctx.scope(role);
  const base = { days: ACTIVITY_DAYS, capped: scope.capped, userId: ctx.caller.userId, rows: [] as ActivityRow[] };
  if (scope.cases.length === 0) return base;
  const caseId = { $in: scope.cases.map((c) => c._id) };
  const since = new Date(ctx.now.getTime() - ACTIVITY_DAYS * DAY_MS);
  const [changes, notes] = await Promise.all([
    CaseChangeModel.find(trusted({ caseId, at: { $gte: since } })).sort({ at: -1 }).limit(BLOCK_ROWS).select({ caseId: 1, at: 1, kind: 1, userId: 1 }).lean(),
    CaseNoteModel.find(trusted({ caseId, date: { $gte: since } })).sort({ date: -1 }).limit(BLOCK_ROWS).select({ caseId: 1, date: 1, type: 1, authorId: 1 }).lean(),
  ]);
  const names = await userNames([...changes.map((c) => c.userId), ...notes.map((n) => n.authorId)]);
  const rows: ActivityRow[] = [
    ...changes.map((c) => ({ caseId: String(c.caseId), at: c.at, kind: c.kind, by: names.get(String(c.userId)) ?? '' })),
    ...notes.map((n) => ({ caseId: String(n.caseId), at: n.date, kind: 'note', noteType: n.type, by: names.get(String(n.authorId)) ?? '' })),
  ].map((r) => ({ ...r, caseNumber: scope.numbers.get(r.caseId) ?? '' }));
  return { ...base, rows: rows.sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, BLOCK_ROWS) };
}

/** The supervisor's open cases that no caseworker holds yet, longest waiting first. */
export async function unassignedCases(ctx: StartContext) {
  const scope = await ctx.scope('supervisor');
  const waiting = scope.cases.filter((c) => c.caseworkerIds.length === 0).sort(byIntake);
  return { total: waiting.length, capped: scope.capped, rows: await caseRows(asRole(ctx.caller, 'supervisor'), waiting.slice(0, BLOCK_ROWS), false) };
}

/**
 * Cases waiting for a supervisor's decision. No proposal (of a care plan or a closure) is recorded yet,
 * so these are the cases still at intake (`open`): each needs a first care plan approved, or a
 * decision to close it. Longest waiting first.
 */
export async function awaitingDecision(ctx: StartContext) {
  const scope = await ctx.scope('supervisor');
  const waiting = scope.cases.filter((c) => c.status === 'open').sort(byIntake);
  return { total: waiting.length, capped: scope.capped, rows: await caseRows(asRole(ctx.caller, 'supervisor'), waiting.slice(0, BLOCK_ROWS), false) };
}

/** The manager's caseload: counts by status and by risk level, no child named. One aggregation. */
export async function caseload(ctx: StartContext) {
  const match = castCases(caseFilter(asRole(ctx.caller, 'manager')));
  const groups = await CaseModel.aggregate<{ _id: { status: string; risk: string }; n: number }>([
    { $match: match },
    { $group: { _id: { status: '$status', risk: '$riskLevel' }, n: { $sum: 1 } } },
  ]);
  const sum = (pick: (g: (typeof groups)[number]) => boolean) => groups.filter(pick).reduce((n, g) => n + g.n, 0);
  return {
    total: sum(() => true),
    byStatus: CASE_STATUSES.map((status) => ({ status, count: sum((g) => g._id.status === status) })),
    byRisk: LOOKUPS.riskLevel.map((risk) => ({ risk, count: sum((g) => g._id.risk === risk) })),
  };
}

export interface PartnerReferralRow {
  id: string;
  reference: string;
  status: string;
  service: string;
  urgency: string;
  dueDate: Date;
  /** Not answered (accepted or declined) by its due date. */
  overdue: boolean;
}

/** States in which a partner has not answered yet; past the due date, such a referral is overdue (as the inbox counts it). */
const UNANSWERED = ['sent', 'acknowledged'] as const;

/**
 * A partner's referrals: how many are new, open and overdue (the inbox's own counts, partnerCounts),
 * each linking to the inbox filtered so, and the newest few, each linking to its page. Both read
 * `referrals` inside the partner filter only. Codes and dates only: no child is named here.
 */
export async function referralsReceived(ctx: StartContext) {
  const mine = partnerFilter(ctx.caller);
  const [counts, newest] = await Promise.all([
    partnerCounts(ctx.caller),
    ReferralModel.find(trusted(mine)).sort({ _id: -1 }).limit(BLOCK_ROWS).select({ reference: 1, status: 1, service: 1, urgency: 1, dueDate: 1 }).lean(),
  ]);
  const rows: PartnerReferralRow[] = newest.map((r) => ({
    id: String(r._id),
    reference: r.reference,
    status: r.status,
    service: r.service,
    urgency: r.urgency,
    dueDate: r.dueDate,
    overdue: (UNANSWERED as readonly string[]).includes(r.status) && r.dueDate < ctx.now,
  }));
  return { counts, rows, more: counts.open > rows.length };
}

/** The admin's sections, with their organisation's accounts counted by status. */
export async function administration(ctx: StartContext) {
  const groups = await UserModel.aggregate<{ _id: string; n: number }>([
    { $match: castUsers(userFilter(ctx.caller)) },
    { $group: { _id: '$status', n: { $sum: 1 } } },
  ]);
  return {
    organisations: can(ctx.caller.roles, 'admin.organisations'),
    users: USER_STATUSES.map((status) => ({ status, count: groups.find((g) => g._id === status)?.n ?? 0 })),
  };
}

/** The auditor's sections, with the refused attempts of the last days in their organisation. */
export async function dataProtection(ctx: StartContext) {
  const since = new Date(ctx.now.getTime() - DENIED_DAYS * DAY_MS);
  const denied = await AuditEntryModel.countDocuments(trusted({ action: 'access_denied', at: { $gte: since }, organisationId: new Types.ObjectId(ctx.caller.organisationId) }));
  return { denied, days: DENIED_DAYS };
}

interface BlockSpec {
  /** The action the block needs; a role table change that takes it away hides the block. */
  action: Action;
  /** The block shows case records (numbers, children's names), so the page view is audited. */
  showsCases: boolean;
  /** The partial that renders it (src/views/partials/start/<partial>.hbs); the block's id by default. */
  partial?: string;
  /** The data; `hidden: true` in it keeps the block off the page. */
  load: (ctx: StartContext) => Promise<object>;
}

/** The id of a work block: `my-tasks` (caseworker), `team-tasks` (supervisor), and so on per kind. */
export function workBlockId(kind: WorkKind, role: CaseRole): string {
  return `${role === 'caseworker' ? 'my' : 'team'}-${WORK_SLUGS[kind]}`;
}

function workBlocks(role: CaseRole): Record<string, BlockSpec> {
  return Object.fromEntries(
    ROLE_WORK[role].map((kind) => [workBlockId(kind, role), { action: WORK_SPECS[kind].action, showsCases: true, partial: 'work', load: (ctx: StartContext) => workBlock(ctx, kind, role) }]),
  );
}

const BLOCKS: Readonly<Record<string, BlockSpec>> = {
  'my-cases': { action: 'case.read', showsCases: true, load: (ctx) => openCases(ctx, 'caseworker') },
  'my-activity': { action: 'case.read', showsCases: true, load: (ctx) => recentActivity(ctx, 'caseworker') },
  'team-cases': { action: 'case.read', showsCases: true, load: (ctx) => openCases(ctx, 'supervisor') },
  'team-activity': { action: 'case.read', showsCases: true, load: (ctx) => recentActivity(ctx, 'supervisor') },
  unassigned: { action: 'case.assign', showsCases: true, load: unassignedCases },
  'awaiting-decision': { action: 'case.close', showsCases: true, load: awaitingDecision },
  caseload: { action: 'report.read', showsCases: false, load: caseload },
  referrals: { action: 'referral.respond', showsCases: false, load: referralsReceived },
  administration: { action: 'admin.users', showsCases: false, load: administration },
  'data-protection': { action: 'audit.read', showsCases: false, load: dataProtection },
  ...workBlocks('caseworker'),
  ...workBlocks('supervisor'),
};

export type BlockId = string;

const workIds = (role: CaseRole) => ROLE_WORK[role].map((kind) => workBlockId(kind, role));

/**
 * Which blocks each role's start page shows, in order. A user with several roles sees each role's.
 * Work first (a supervisor's decisions before anything that falls due), then the cases and activity.
 */
export const ROLE_BLOCKS: Readonly<Record<Role, readonly BlockId[]>> = Object.freeze({
  caseworker: [...workIds('caseworker'), 'my-cases', 'my-activity'],
  supervisor: [...workIds('supervisor'), 'team-cases', 'unassigned', 'awaiting-decision', 'team-activity'],
  manager: ['caseload'],
  partner: ['referrals'],
  admin: ['administration'],
  auditor: ['data-protection'],
});

export function blocksFor(roles: readonly Role[]): BlockId[] {
  const ids = ROLES.filter((r) => roles.includes(r)).flatMap((r) => ROLE_BLOCKS[r]);
  return [...new Set(ids)].filter((id) => can(roles, BLOCKS[id]!.action));
}

export interface StartBlock {
  id: BlockId;
  partial: string;
  data: object;
}

/** The caller's start page: each block of their roles, loaded together. A list of cases is audited. */
export async function startPage(caller: Caller): Promise<{ blocks: StartBlock[] }> {
  const ctx = startContext(caller);
  const ids = blocksFor(caller.roles);
  const blocks = await Promise.all(ids.map(async (id) => ({ id, partial: BLOCKS[id]!.partial ?? id, data: await BLOCKS[id]!.load(ctx) })));
  if (ids.some((id) => BLOCKS[id]!.showsCases)) await audit(caller, { action: 'case_list', outcome: 'success', recordType: 'case' });
  return { blocks: blocks.filter((b) => !(b.data as { hidden?: boolean }).hidden) };
}
