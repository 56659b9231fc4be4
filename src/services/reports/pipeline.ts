/**
 * The reads behind a dashboard: the report cells (models/report-cell.ts, kept by
 * services/facts/cells.ts) of one slice of an organisation's cases, a range of whole months and the
 * days of a month or two at its ends per kind of event, each range read by its index and all read side
 * by side; `sumCells` adds them up and `assemble` turns the sums into each figure's groups. A report
 * reads a few cells per month of the organisation's history (about 200 for three years), whether it
 * has a thousand cases or a hundred thousand. `readReport` is all of it, used by the dashboard and run bare by the benchmark.
 *
 * What the period means for each figure (the figures' notes on the page say the same):
 * - caseload, goals, wellbeing, legal cases: cases open at any time in the period, that is taken in
 *   before its end minus closed before its start;
 * - days to a first plan: cases whose first care plan was approved in the period;
 * - referrals: referrals sent in the period; closures: cases closed in the period;
 * - follow-ups: the 6- and 12-month visits due in the period, whenever the case closed;
 * - overdue: reviews and tasks due before today, of the cases not closed.
 * Medians are discrete, as `$median` computes them: the value at rank ceil(n/2) of the sorted values,
 * so a median is always a number of days some case took, never a value between two.
 */
import type { Collection } from 'mongodb';
import { Types } from 'mongoose';
import { addMonths } from '../../domain/closure.js';
import { PLAN_DAY_BUCKETS } from '../../domain/reports.js';
import { ALL, KEY, dayOfKey, type CellKind } from '../facts/cells.js';

/** Who the report covers: a whole organisation, or one of its teams. */
export interface ReportScope {
  organisationId: string;
  team?: string | undefined;
}

export interface ReportFilters {
  /** The first day of the period and the first day after it. */
  from: Date;
  to: Date;
  /** The children's country of origin (their nationality). */
  country?: string | undefined;
  exploitationType?: string | undefined;
  /** For an organisation's report: one team only. */
  team?: string | undefined;
}

type Stage = Record<string, unknown>;

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const monthOf = (day: string) => day.slice(0, 7);
const nextMonth = (month: string) => monthOf(isoDay(addMonths(new Date(`${month}-01T00:00:00Z`), 1)));

/**
 * A range of days a report adds up: whole months (`gte` and `lt` are `YYYY-MM`, `gte` absent from the
 * beginning), read from the cells' month counts, or days within one month (`YYYY-MM-DD`, `lt` perhaps
 * the next month's first), read from their day counts.
 */
export interface CellSpan {
  grain: 'month' | 'day';
  gte?: string | undefined;
  lt: string;
}

/**
 * The spans that together hold the days from `from` (from the beginning, when undefined) to before
 * `to`, both `YYYY-MM-DD`, each day once: the days of a first and a last month the range covers in
 * part, and the whole months between.
 */
export function spans(from: string | undefined, to: string): CellSpan[] {
  if (from !== undefined && from >= to) return [];
  const out: CellSpan[] = [];
  let wholeFrom: string | undefined;
  if (from === undefined) wholeFrom = undefined;
  else if (from.endsWith('-01')) wholeFrom = monthOf(from);
  else if (monthOf(from) === monthOf(to)) return [{ grain: 'day', gte: from, lt: to }];
  else {
    wholeFrom = nextMonth(monthOf(from));
    out.push({ grain: 'day', gte: from, lt: `${wholeFrom}-01` });
  }
  if (wholeFrom === undefined || wholeFrom < monthOf(to)) out.push({ grain: 'month', ...(wholeFrom === undefined ? {} : { gte: wholeFrom }), lt: monthOf(to) });
  if (!to.endsWith('-01')) out.push({ grain: 'day', gte: `${monthOf(to)}-01`, lt: to });
  return out;
}

/** The slice of cells a report adds up: the scope's team (or the one asked for), the filters' country and type. */
function reportSlice(scope: ReportScope, filters: ReportFilters): Stage {
  return {
    organisationId: new Types.ObjectId(scope.organisationId),
    team: scope.team ?? filters.team ?? ALL,
    nationality: filters.country ?? ALL,
    exploitationType: filters.exploitationType ?? ALL,
  };
}

/** One read of a report: a range of one kind's cells; `before` marks closures before the period. */
export interface CellQuery {
  kind: CellKind;
  before: boolean;
  filter: Stage;
  /** For days within a month: the first day of the month's `d` counts to add and the day after the last. */
  days?: { from: string; to: string } | undefined;
}

/**
 * Every read a report makes; "today" is the UTC day of `now`. Each is one range of the cells' index:
 * flat, its keys in the index's order (the engines plan an `$or` of ranges as one wide range, so the
 * ranges are read one query each, side by side).
 */
export function reportQueries(scope: ReportScope, filters: ReportFilters, now: Date): CellQuery[] {
  const slice = reportSlice(scope, filters);
  const from = isoDay(filters.from);
  const to = isoDay(filters.to);
  const today = isoDay(now);
  const ranges: [CellKind, boolean, CellSpan[]][] = [
    ['intake', false, spans(undefined, to)],
    // Closed before the period (taken away from the caseload), and in it (the reasons).
    ['closure', true, spans(undefined, from)],
    ['closure', false, spans(from, to)],
    ['plan', false, spans(from, to)],
    ['referral', false, spans(from, to)],
    ['follow_up', false, spans(from, to)],
    ['review', false, spans(undefined, today)],
    ['task', false, spans(undefined, today)],
  ];
  return ranges.flatMap(([kind, before, list]) =>
    list.map((s): CellQuery => {
      if (s.grain === 'month') return { kind, before, filter: { ...slice, kind, month: { ...(s.gte === undefined ? {} : { $gte: s.gte }), $lt: s.lt } } };
      const month = monthOf(s.gte!);
      return { kind, before, filter: { ...slice, kind, month }, days: { from: s.gte!.slice(8, 10), to: monthOf(s.lt) === month ? s.lt.slice(8, 10) : '32' } };
    }),
  );
}

/** A cell as a report reads it: the month's counts, or the days' counts. */
interface StoredCell {
  m?: Record<string, number> | null;
  d?: Record<string, Record<string, number>> | null;
}

/** What a read returns: the counts it adds up, one record per cell (or per day of a cell). */
interface CellRead {
  kind: CellKind;
  before: boolean;
  counts: readonly Record<string, number>[];
}

/** The counts a query adds up from the cells it found. */
function countsOf(q: CellQuery, cells: readonly StoredCell[]): Record<string, number>[] {
  if (!q.days) return cells.map((c) => c.m ?? {});
  const { from, to } = q.days;
  return cells.flatMap((c) => Object.entries(c.d ?? {}).filter(([day]) => day >= from && day < to).map(([, counts]) => counts));
}

/** One sum of the cells' counts. */
export interface CellSum {
  _id: { kind: CellKind; before: boolean; k: string };
  n: number;
}

/**
 * The cells' counts added up by kind and key. Done here rather than by the engine: the cells of a
 * report hold tens of thousands of counts, which the embedded engine would unwind and group at some
 * microseconds each, and Node adds up in a millisecond.
 */
function sumCells(reads: readonly CellRead[]): CellSum[] {
  const sums = new Map<string, CellSum>();
  for (const { kind, before, counts } of reads) {
    for (const one of counts) {
      for (const [k, n] of Object.entries(one)) {
        if (typeof n !== 'number' || n === 0) continue;
        const id = `${kind}\t${before}\t${k}`;
        const sum = sums.get(id);
        if (sum) sum.n += n;
        else sums.set(id, { _id: { kind, before, k }, n });
      }
    }
  }
  return [...sums.values()];
}

/** One `$group`-like result: `_id` is the category. */
export interface Group {
  _id: unknown;
  [field: string]: unknown;
}

/** Each figure's groups, by the name of what it counts. */
export type FacetResult = Record<string, Group[]>;

/** The value at rank ceil(n/2) of the values a histogram (value → how many) holds, and n. */
function histogramMedian(histogram: ReadonlyMap<number, number>): { n: number; median: number | null } {
  const values = [...histogram].filter(([, count]) => count > 0).sort((a, b) => a[0] - b[0]);
  const n = values.reduce((s, [, count]) => s + count, 0);
  if (n === 0) return { n, median: null };
  const rank = Math.ceil(n / 2);
  let seen = 0;
  for (const [value, count] of values) {
    seen += count;
    if (seen >= rank) return { n, median: value };
  }
  return { n, median: null };
}

/** Groups keyed by their id's string, each made at its first count. */
class Groups {
  private readonly byKey = new Map<string, Group>();
  constructor(private readonly id: (key: string) => unknown = (key) => key) {}
  at(key: string): Group {
    let g = this.byKey.get(key);
    if (!g) this.byKey.set(key, (g = { _id: this.id(key) }));
    return g;
  }
  add(key: string, field: string, n: number): void {
    const g = this.at(key);
    g[field] = ((g[field] as number | undefined) ?? 0) + n;
  }
  /** The groups with something counted (a case counted and taken away again leaves a zero). */
  list(counted: (g: Group) => boolean = (g) => Object.entries(g).some(([k, v]) => k !== '_id' && typeof v === 'number' && v !== 0)): Group[] {
    return [...this.byKey.values()].filter(counted);
  }
}

const oid = (hex: string) => (Types.ObjectId.isValid(hex) ? new Types.ObjectId(hex) : hex);

/** The sums as each figure's groups: the shapes `dashboard.ts` builds its tables from. */
function assemble(sums: readonly CellSum[]): FacetResult {
  const simple = { status: new Groups(), risk: new Groups(), team: new Groups((k) => (k === '' ? null : k)), exploitation: new Groups(), caseworker: new Groups(oid), closures: new Groups() };
  const goals = new Groups();
  const wellbeing = new Groups();
  const legalStage = new Groups();
  const legalVerdict = new Groups();
  const followUps = new Groups(Number);
  const overdue = { reviews: 0, tasks: 0, casesWithTasks: 0 };
  let waiting = 0;
  const planDays = new Map<number, number>();
  const referral = { [KEY.referralService]: new Groups(), [KEY.referralPartner]: new Groups(oid) };
  const answerDays = new Map<string, Map<number, number>>();
  const count = (histogram: Map<number, number>, value: number, n: number) => histogram.set(value, (histogram.get(value) ?? 0) + n);

  for (const { _id, n } of sums) {
    const [letter, a = '', b = '', c] = _id.k.split('|') as [string, string?, string?, string?];
    const kind = _id.kind;
    if (kind === 'intake' || (kind === 'closure' && _id.before)) {
      // The caseload of the period: taken in before its end, less closed before its start.
      const signed = kind === 'intake' ? n : -n;
      if (letter === KEY.status) simple.status.add(a, 'n', signed);
      else if (letter === KEY.risk) simple.risk.add(a, 'n', signed);
      else if (letter === KEY.team) simple.team.add(a, 'n', signed);
      else if (letter === KEY.exploitation) simple.exploitation.add(a, 'n', signed);
      else if (letter === KEY.caseworker) simple.caseworker.add(a, 'n', signed);
      else if (letter === KEY.waitingForPlan) waiting += signed;
      else if (letter === KEY.goal) goals.add(a, b, signed);
      else if (letter === KEY.wellbeing) wellbeing.add(a, b, signed);
      else if (letter === KEY.legal) {
        legalStage.add(a, 'n', signed);
        if (b !== '') legalVerdict.add(b, 'n', signed);
      }
    } else if (kind === 'closure') {
      if (letter === KEY.closure) simple.closures.add(a, 'n', n);
    } else if (kind === 'plan') {
      if (letter === KEY.planDays && a !== '') count(planDays, dayOfKey(a), n);
    } else if (kind === 'referral') {
      const groups = referral[letter as keyof typeof referral];
      if (!groups) continue;
      if (c === undefined) groups.add(a, b, n);
      else {
        const id = `${letter}|${a}|${b}`;
        groups.at(a);
        count(answerDays.get(id) ?? answerDays.set(id, new Map()).get(id)!, dayOfKey(c), n);
      }
    } else if (kind === 'follow_up') {
      if (letter === KEY.followUp) followUps.add(a, b, n);
    } else if (kind === 'review') overdue.reviews += n;
    else if (kind === 'task') {
      if (letter === KEY.task) overdue.tasks += n;
      else if (letter === KEY.caseWithTask) overdue.casesWithTasks += n;
    }
  }

  const referralGroups = (letter: keyof typeof referral) =>
    referral[letter].list((g) => ((g.sent as number | undefined) ?? 0) > 0).map((g) => {
      const id = String(g._id);
      const median = (name: string) => histogramMedian(answerDays.get(`${letter}|${id}|${name}`) ?? new Map());
      const [ack, accept, complete] = [median('ack'), median('accept'), median('complete')];
      return { ...g, daysToAcknowledge: ack.median, nAcknowledge: ack.n, daysToAccept: accept.median, nAccept: accept.n, daysToComplete: complete.median, nComplete: complete.n };
    });
  const buckets = new Groups(Number);
  for (const [days, n] of planDays) {
    const lower = [...PLAN_DAY_BUCKETS].reverse().find((b) => days >= b);
    if (lower !== undefined) buckets.add(String(lower), 'n', n);
  }
  const plan = histogramMedian(planDays);
  return {
    status: simple.status.list(),
    risk: simple.risk.list(),
    team: simple.team.list(),
    exploitation: simple.exploitation.list(),
    caseworker: simple.caseworker.list(),
    closures: simple.closures.list(),
    planMissing: [{ _id: null, n: waiting }],
    planBuckets: buckets.list(),
    planMedian: [{ _id: null, n: plan.n, median: plan.median }],
    goals: goals.list(),
    wellbeing: wellbeing.list().map((g) => {
      const n = (g.n as number | undefined) ?? 0;
      return { _id: g._id, n, first: n > 0 ? ((g.first as number) ?? 0) / n : null, latest: n > 0 ? ((g.latest as number) ?? 0) / n : null };
    }),
    legalStage: legalStage.list(),
    legalVerdict: legalVerdict.list(),
    referralService: referralGroups(KEY.referralService),
    referralPartner: referralGroups(KEY.referralPartner),
    followUps: followUps.list(),
    overdue: [{ _id: null, ...overdue }],
  };
}

/** Every figure's groups for a scope and filters: the reads side by side, then the sums, from `cells` (the report cells' collection). */
export async function readReport(cells: Collection, scope: ReportScope, filters: ReportFilters, now: Date): Promise<FacetResult> {
  const reads = await Promise.all(
    reportQueries(scope, filters, now).map(async (q) => {
      const found = await cells.find<StoredCell>(q.filter, { projection: q.days ? { _id: 0, d: 1 } : { _id: 0, m: 1 } }).toArray();
      return { kind: q.kind, before: q.before, counts: countsOf(q, found) };
    }),
  );
  return assemble(sumCells(reads));
}
