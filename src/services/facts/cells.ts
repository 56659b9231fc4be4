/**
 * The report cells (models/report-cell.ts): each case's reporting facts, summed by organisation,
 * slice of cases, kind of event and month (and, inside each, by day), so that a report reads a few
 * cells per month of history however many cases there are.
 *
 * A case adds to the cells of each event in its facts: its intake (its state: status, risk, team,
 * types of exploitation, caseworkers, whether it waits for a plan, goals, wellbeing, legal cases), its
 * closure (the same state, and the reason), its first plan (the days it took), each referral sent (by
 * service and by partner: the outcome and the days to each answer), each follow-up visit due, its
 * next review and its open tasks. Each event is counted in the cell of its month, in the month's counts
 * and in its day's, for its team and for all teams, its nationality and all nationalities, each of its types of exploitation and all
 * cases. A report of "cases open at some time in the period" is then the intakes before its end minus
 * the closures before its start (services/reports/pipeline.ts).
 *
 * When a case's facts change, the difference between what its old and new facts add is applied with
 * `$inc`, in the transaction that rewrites the facts; `rebuildReportCells` recomputes them all.
 */
import { Types } from 'mongoose';
import { ReportCellModel } from '../../models/report-cell.js';
import { CaseFactModel } from '../../models/case-fact.js';
import { trusted } from '../auth/trusted.js';
import { readCheckpoint, writeCheckpoint } from '../checkpoints.js';

type CellWrites = Parameters<typeof ReportCellModel.bulkWrite>[0];

/** The events a cell counts, as its `kind` field names them. */
export type CellKind = 'intake' | 'closure' | 'plan' | 'referral' | 'follow_up' | 'review' | 'task';
/** The slice value of "all cases" in each of the three filters. */
export const ALL = '*';

/** The keys of a cell's counts (`c`): a figure's letter, then codes or ids, `|` between. */
export const KEY = {
  status: 's',
  risk: 'r',
  team: 't',
  exploitation: 'x',
  caseworker: 'w',
  waitingForPlan: 'p',
  goal: 'g',
  wellbeing: 'b',
  legal: 'l',
  closure: 'c',
  planDays: 'h',
  referralService: 'rs',
  referralPartner: 'rp',
  followUp: 'f',
  review: 'v',
  task: 'k',
  caseWithTask: 'e',
} as const;

/** What this module reads of a case's facts: the stored document or freshly computed fields. */
export interface FactsForCells {
  organisationId: Types.ObjectId | string;
  status: string;
  riskLevel: string;
  exploitationTypes?: readonly string[] | null;
  team?: string | null;
  nationality?: string | null;
  intakeDate: Date;
  caseworkerIds?: readonly (Types.ObjectId | string)[] | null;
  firstPlanApprovedAt?: Date | null;
  daysToFirstPlan?: number | null;
  goals?: readonly { domain: string; set: number; achieved: number }[] | null;
  wellbeing?: readonly { domain: string; first: number; firstAt: Date; latest: number; latestAt: Date }[] | null;
  legalCases?: readonly { status: string; verdict?: string | null }[] | null;
  reviewDue?: Date | null;
  openTaskDueDates?: readonly Date[] | null;
  closureReason?: string | null;
  closedAt?: Date | null;
  followUps?: readonly { months: number; dueDate: Date; done: boolean; safe?: boolean | null; livingAsPlanned?: boolean | null; inSchoolOrWork?: boolean | null }[] | null;
  referrals?: readonly { service: string; toOrganisationId: Types.ObjectId | string; sentAt?: Date | null; daysToAcknowledge?: number | null; daysToAccept?: number | null; daysToComplete?: number | null; outcome: string }[] | null;
}

/** A number of days as a key part: whole days (as the facts count them); a fraction keeps its digits. */
const dayKey = (n: number) => String(n).replace('.', '_');
export const dayOfKey = (part: string) => Number(part.replace('_', '.'));

type Counts = Map<string, number>;

interface Event {
  kind: CellKind;
  at: Date;
  counts: Counts;
}

function add(counts: Counts, key: string, n = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + n);
}

const join = (...parts: (string | number)[]) => parts.join('|');

/** The state a case adds to its intake's and its closure's cells. */
function stateCounts(f: FactsForCells): Counts {
  const c: Counts = new Map();
  add(c, join(KEY.status, f.status));
  add(c, join(KEY.risk, f.riskLevel));
  add(c, join(KEY.team, f.team ?? ''));
  for (const x of new Set(f.exploitationTypes ?? [])) add(c, join(KEY.exploitation, x));
  for (const w of new Set((f.caseworkerIds ?? []).map(String))) add(c, join(KEY.caseworker, w));
  if (f.status !== 'closed' && !f.firstPlanApprovedAt) add(c, KEY.waitingForPlan);
  for (const g of f.goals ?? []) {
    add(c, join(KEY.goal, g.domain, 'cases'));
    add(c, join(KEY.goal, g.domain, 'set'), g.set);
    add(c, join(KEY.goal, g.domain, 'achieved'), g.achieved);
  }
  for (const w of f.wellbeing ?? []) {
    // A change needs two assessments: a child scored once has no "over time".
    if (!(w.firstAt.getTime() < w.latestAt.getTime())) continue;
    add(c, join(KEY.wellbeing, w.domain, 'n'));
    add(c, join(KEY.wellbeing, w.domain, 'first'), w.first);
    add(c, join(KEY.wellbeing, w.domain, 'latest'), w.latest);
  }
  for (const l of f.legalCases ?? []) add(c, join(KEY.legal, l.status, l.verdict ?? ''));
  return c;
}

/** A referral's outcome and answer times, under its service and under its partner. */
function referralCounts(r: NonNullable<FactsForCells['referrals']>[number]): Counts {
  const c: Counts = new Map();
  for (const [letter, id] of [
    [KEY.referralService, r.service],
    [KEY.referralPartner, String(r.toOrganisationId)],
  ] as const) {
    add(c, join(letter, id, 'sent'));
    if (r.outcome === 'accepted' || r.outcome === 'completed') add(c, join(letter, id, 'accepted'));
    if (r.outcome.startsWith('declined:')) add(c, join(letter, id, 'declined'));
    if (r.outcome === 'completed') add(c, join(letter, id, 'completed'));
    for (const [name, days] of [
      ['ack', r.daysToAcknowledge],
      ['accept', r.daysToAccept],
      ['complete', r.daysToComplete],
    ] as const) {
      if (typeof days === 'number' && Number.isFinite(days)) add(c, join(letter, id, name, dayKey(days)));
    }
  }
  return c;
}

/** Every event of a case, with what it adds to its cells. */
function eventsOf(f: FactsForCells): Event[] {
  const state = stateCounts(f);
  const events: Event[] = [{ kind: 'intake', at: f.intakeDate, counts: state }];
  if (f.closedAt) {
    const closure = new Map(state);
    if (f.closureReason) add(closure, join(KEY.closure, f.closureReason));
    // Never before the intake, so that "closed before the period" is always within "taken in before its end".
    events.push({ kind: 'closure', at: f.closedAt.getTime() < f.intakeDate.getTime() ? f.intakeDate : f.closedAt, counts: closure });
  }
  if (f.firstPlanApprovedAt) {
    const days = f.daysToFirstPlan;
    events.push({ kind: 'plan', at: f.firstPlanApprovedAt, counts: new Map([[typeof days === 'number' && Number.isFinite(days) ? join(KEY.planDays, dayKey(days)) : KEY.planDays, 1]]) });
  }
  for (const r of f.referrals ?? []) if (r.sentAt) events.push({ kind: 'referral', at: r.sentAt, counts: referralCounts(r) });
  for (const v of f.followUps ?? []) {
    const c: Counts = new Map();
    add(c, join(KEY.followUp, v.months, 'due'));
    if (v.done) add(c, join(KEY.followUp, v.months, 'done'));
    if (v.safe === true) add(c, join(KEY.followUp, v.months, 'safe'));
    if (v.livingAsPlanned === true) add(c, join(KEY.followUp, v.months, 'livingAsPlanned'));
    if (v.inSchoolOrWork === true) add(c, join(KEY.followUp, v.months, 'inSchoolOrWork'));
    events.push({ kind: 'follow_up', at: v.dueDate, counts: c });
  }
  // What is overdue is of the cases not closed.
  if (f.status !== 'closed') {
    if (f.reviewDue) events.push({ kind: 'review', at: f.reviewDue, counts: new Map([[KEY.review, 1]]) });
    const due = [...(f.openTaskDueDates ?? [])].sort((a, b) => a.getTime() - b.getTime());
    due.forEach((at, i) => events.push({ kind: 'task', at, counts: new Map([[KEY.task, 1], ...(i === 0 ? ([[KEY.caseWithTask, 1]] as const) : [])]) }));
  }
  return events;
}

/** A cell's identity as one string: `organisation team nationality type kind month`, tab-separated. */
type CellId = string;

/**
 * The cells of an event, and where in each its counts go: a cell holds one month, its counts for the
 * whole month under `m` and for each day under `d.<day of the month>`, so an event is one write.
 */
function cellsOf(f: FactsForCells, e: Event): { ids: CellId[]; day: string } {
  const iso = e.at.toISOString();
  const org = String(f.organisationId);
  const ids: CellId[] = [];
  for (const team of [f.team ?? '', ALL])
    for (const nationality of [f.nationality ?? '', ALL])
      for (const type of [ALL, ...new Set(f.exploitationTypes ?? [])]) ids.push([org, team, nationality, type, e.kind, iso.slice(0, 7)].join('\t'));
  return { ids, day: iso.slice(8, 10) };
}

/** What one case adds to each of its cells, by count path (`m.<key>`, `d.<day>.<key>`); `sign` -1 takes it away. */
function contribute(into: Map<CellId, Counts>, f: FactsForCells, sign: 1 | -1): void {
  for (const e of eventsOf(f)) {
    const { ids, day } = cellsOf(f, e);
    for (const id of ids) {
      let counts = into.get(id);
      if (!counts) into.set(id, (counts = new Map()));
      for (const [k, n] of e.counts) {
        add(counts, `m.${k}`, sign * n);
        add(counts, `d.${day}.${k}`, sign * n);
      }
    }
  }
}

function cellFilter(id: CellId) {
  const [organisationId, team, nationality, exploitationType, kind, month] = id.split('\t') as [string, string, string, string, string, string];
  return { organisationId: new Types.ObjectId(organisationId), team, nationality, exploitationType, kind, month };
}

/** The cell updates that take a case from its old facts to its new ones (either may be absent). */
export function cellChanges(before: FactsForCells | null | undefined, after: FactsForCells | null | undefined): CellWrites {
  const delta = new Map<CellId, Counts>();
  if (before) contribute(delta, before, -1);
  if (after) contribute(delta, after, 1);
  const ops: CellWrites = [];
  for (const [id, counts] of delta) {
    const inc = Object.fromEntries([...counts].filter(([, n]) => n !== 0));
    if (Object.keys(inc).length === 0) continue;
    ops.push({ updateOne: { filter: cellFilter(id), update: { $inc: inc }, upsert: true } });
  }
  return ops;
}

/** Applies the difference between a case's old and new facts to the cells (inside the caller's transaction, when there is one). */
export async function applyFactsChange(before: FactsForCells | null | undefined, after: FactsForCells | null | undefined): Promise<void> {
  const ops = cellChanges(before, after);
  // Through the model, which joins the caller's transaction.
  if (ops.length > 0) await ReportCellModel.bulkWrite(ops, { ordered: false });
}

const REBUILD_BATCH = 1000;

/**
 * Recomputes every cell from the facts (all organisations', or one's): after `facts:rebuild`, after
 * facts were written in bulk (a benchmark's, a test's), or when cells are first introduced. The old
 * cells are removed first, so for the minutes it runs on a large organisation its reports are short.
 */
export async function rebuildReportCells(organisationId?: Types.ObjectId | string): Promise<{ facts: number; cells: number }> {
  const scope = organisationId === undefined ? {} : { organisationId: new Types.ObjectId(String(organisationId)) };
  const sums = new Map<CellId, Counts>();
  let facts = 0;
  for await (const f of CaseFactModel.find(trusted(scope)).lean().cursor({ batchSize: REBUILD_BATCH })) {
    contribute(sums, f as unknown as FactsForCells, 1);
    facts += 1;
  }
  await ReportCellModel.deleteMany(trusted(scope));
  let batch: Record<string, unknown>[] = [];
  let cells = 0;
  const flush = async () => {
    if (batch.length) await ReportCellModel.collection.insertMany(batch, { ordered: false });
    cells += batch.length;
    batch = [];
  };
  for (const [id, counts] of sums) {
    // The count paths as the document they stand for: `m` the month's counts, `d` each day's.
    const m: Record<string, number> = {};
    const d: Record<string, Record<string, number>> = {};
    for (const [path, n] of counts) {
      if (n === 0) continue;
      if (path.startsWith('m.')) m[path.slice(2)] = n;
      else (d[path.slice(2, 4)] ??= {})[path.slice(5)] = n;
    }
    if (Object.keys(m).length === 0) continue;
    batch.push({ ...cellFilter(id), m, d });
    if (batch.length >= REBUILD_BATCH) await flush();
  }
  await flush();
  return { facts, cells };
}

/** What the cells hold; a new version (a count added) sums them again at the next start. */
const CELLS_VERSION = 1;
const CELLS_STATE = 'report-cells';

/**
 * At start: sums the cells from the facts once, when they were never summed (an installation from
 * before the cells) or hold an older version, so nobody has to run a command after an upgrade.
 * Returns the counts when it did.
 */
export async function ensureReportCells(): Promise<{ facts: number; cells: number } | undefined> {
  const state = await readCheckpoint<{ version?: number }>(CELLS_STATE);
  if (state?.version === CELLS_VERSION) return undefined;
  const done = await rebuildReportCells();
  await writeCheckpoint(CELLS_STATE, { version: CELLS_VERSION });
  return done;
}
