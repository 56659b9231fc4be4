/**
 * The aggregation pipeline behind a dashboard: one `$match` on the reporting facts, served by an index
 * that leads with the organisation (and the team, for a supervisor) and ranges over the intake date,
 * then one `$facet` that computes every figure in the same round trip. Built as plain data so the
 * benchmark can run exactly the same pipeline bare with the driver.
 *
 * What the period means for each figure (the figures' notes on the page say the same):
 * - caseload, goals, wellbeing, legal cases: cases open at any time in the period (taken in before its
 *   end, not closed before its start);
 * - days to a first plan: cases whose first care plan was approved in the period;
 * - referrals: referrals sent in the period; closures: cases closed in the period;
 * - follow-ups: the 6- and 12-month visits due in the period, whenever the case closed;
 * - overdue: reviews and tasks overdue today, of the cases not closed.
 * Medians are discrete (`$median`, as mongod computes it): the value at rank ceil(n/2) of the sorted
 * values, so a median is always a number of days some case took, never a value between two.
 */
import { Types } from 'mongoose';
import { PLAN_DAY_BUCKETS } from '../../domain/reports.js';

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

/** The `$match` every figure starts from: flat, its keys in the order of the index that serves it. */
export function reportMatch(scope: ReportScope, filters: ReportFilters): Stage {
  const team = scope.team ?? filters.team;
  const match: Stage = { organisationId: new Types.ObjectId(scope.organisationId) };
  if (team !== undefined) match.team = team;
  match.intakeDate = { $lt: filters.to };
  if (filters.country) match.nationality = filters.country;
  if (filters.exploitationType) match.exploitationTypes = filters.exploitationType;
  return match;
}

const count = { $sum: 1 };
const when = (condition: unknown) => ({ $sum: { $cond: [condition, 1, 0] } });
const present = (path: string) => ({ $ne: [{ $type: path }, 'missing'] });
const median = (path: string) => ({ $median: { input: path, method: 'approximate' } });
/** How many of the group have a number at `path` (what a median of it is computed from). */
const numbers = (path: string) => when({ $isNumber: path });

/** The referral figures' columns, grouped by `key` (the service or the receiving organisation). */
function referralGroup(key: string): Stage {
  const outcome = '$referrals.outcome';
  return {
    $group: {
      _id: key,
      sent: count,
      accepted: when({ $in: [outcome, ['accepted', 'completed']] }),
      declined: when({ $eq: [{ $substrCP: [outcome, 0, 9] }, 'declined:'] }),
      completed: when({ $eq: [outcome, 'completed'] }),
      daysToAcknowledge: median('$referrals.daysToAcknowledge'),
      nAcknowledge: numbers('$referrals.daysToAcknowledge'),
      daysToAccept: median('$referrals.daysToAccept'),
      nAccept: numbers('$referrals.daysToAccept'),
      daysToComplete: median('$referrals.daysToComplete'),
      nComplete: numbers('$referrals.daysToComplete'),
    },
  };
}

/**
 * The whole dashboard as one pipeline; `now` is when "overdue" is measured. The engines run each
 * branch of a `$facet` over every document it is given, so the branches are few: one groups the cases
 * by status, risk, team, whether they still wait for a plan and why they closed in the period, and
 * counts what is overdue on the way (`unpack` splits it into figures); the others unwind an array each.
 * The first `$match` leaves out cases closed before the period, which only the follow-up visits need.
 */
export function reportPipeline(scope: ReportScope, filters: ReportFilters, now: Date): Stage[] {
  const { from, to } = filters;
  const open = { $ne: ['$status', 'closed'] };
  const active = { $match: { $or: [{ closedAt: null }, { closedAt: { $gte: from } }] } };
  const sentInPeriod = [{ $unwind: '$referrals' }, { $match: { 'referrals.sentAt': { $gte: from, $lt: to } } }];
  const overdueTasks = { $size: { $filter: { input: { $ifNull: ['$openTaskDueDates', []] }, as: 'd', cond: { $lt: ['$$d', now] } } } };
  const planned = { $match: { firstPlanApprovedAt: { $gte: from, $lt: to } } };
  return [
    { $match: { ...reportMatch(scope, filters), $or: [{ closedAt: null }, { closedAt: { $gte: from } }, { 'followUps.dueDate': { $gte: from, $lt: to } }] } },
    {
      $facet: {
        cases: [
          active,
          {
            $group: {
              _id: {
                status: '$status',
                risk: '$riskLevel',
                team: '$team',
                waiting: { $and: [open, { $eq: [{ $ifNull: ['$firstPlanApprovedAt', null] }, null] }] },
                closed: { $cond: [{ $and: [{ $gte: ['$closedAt', from] }, { $lt: ['$closedAt', to] }] }, '$closureReason', null] },
              },
              n: count,
              reviews: when({ $and: [open, present('$reviewDue'), { $lt: ['$reviewDue', now] }] }),
              tasks: { $sum: { $cond: [open, overdueTasks, 0] } },
              casesWithTasks: when({ $and: [open, { $gt: [overdueTasks, 0] }] }),
            },
          },
        ],
        exploitation: [active, { $unwind: '$exploitationTypes' }, { $group: { _id: '$exploitationTypes', n: count } }],
        caseworker: [active, { $unwind: '$caseworkerIds' }, { $group: { _id: '$caseworkerIds', n: count } }],
        planBuckets: [planned, { $bucket: { groupBy: '$daysToFirstPlan', boundaries: [...PLAN_DAY_BUCKETS, 1_000_000], default: 'unknown', output: { n: count } } }],
        planMedian: [planned, { $group: { _id: null, n: numbers('$daysToFirstPlan'), median: median('$daysToFirstPlan') } }],
        goals: [active, { $unwind: '$goals' }, { $group: { _id: '$goals.domain', cases: count, set: { $sum: '$goals.set' }, achieved: { $sum: '$goals.achieved' } } }],
        wellbeing: [
          active,
          { $unwind: '$wellbeing' },
          // A change needs two assessments: a child scored once has no "over time".
          { $match: { $expr: { $lt: ['$wellbeing.firstAt', '$wellbeing.latestAt'] } } },
          { $group: { _id: '$wellbeing.domain', n: count, first: { $avg: '$wellbeing.first' }, latest: { $avg: '$wellbeing.latest' } } },
        ],
        referralService: [...sentInPeriod, referralGroup('$referrals.service')],
        referralPartner: [...sentInPeriod, referralGroup('$referrals.toOrganisationId')],
        legal: [active, { $unwind: '$legalCases' }, { $group: { _id: { status: '$legalCases.status', verdict: '$legalCases.verdict' }, n: count } }],
        followUps: [
          { $unwind: '$followUps' },
          { $match: { 'followUps.dueDate': { $gte: from, $lt: to } } },
          {
            $group: {
              _id: '$followUps.months',
              due: count,
              done: when({ $eq: ['$followUps.done', true] }),
              safe: when({ $eq: ['$followUps.safe', true] }),
              livingAsPlanned: when({ $eq: ['$followUps.livingAsPlanned', true] }),
              inSchoolOrWork: when({ $eq: ['$followUps.inSchoolOrWork', true] }),
            },
          },
        ],
      },
    },
  ];
}

/** One `$group` result: `_id` is the category. */
export interface Group {
  _id: unknown;
  [field: string]: unknown;
}

/** What the pipeline returns: one document, an array of groups per branch. */
export type FacetResult = Record<string, Group[]>;

/** The groups of `field` summed over the combined groups whose key passes `keep`. */
function split(groups: readonly Group[], key: (id: Record<string, unknown>) => unknown, keep: (id: Record<string, unknown>) => boolean = () => true): Group[] {
  const sums = new Map<string, Group>();
  for (const g of groups) {
    const id = (g._id ?? {}) as Record<string, unknown>;
    if (!keep(id)) continue;
    const k = key(id);
    const name = k === null || k === undefined ? 'null' : String(k);
    const sum = sums.get(name) ?? { _id: k ?? null, n: 0 };
    sum.n = (sum.n as number) + (g.n as number);
    sums.set(name, sum);
  }
  return [...sums.values()];
}

/**
 * The branches' groups as one list of groups per figure: the combined `cases` groups split by status,
 * risk, team, waiting for a plan, closure reason and overdue work; the legal cases by stage and verdict.
 */
export function unpack(raw: FacetResult): FacetResult {
  const cases = raw.cases ?? [];
  const legal = raw.legal ?? [];
  const open = cases.filter((g) => (g._id as { status?: string } | null)?.status !== 'closed');
  const total = (field: string) => open.reduce((s, g) => s + ((g[field] as number | undefined) ?? 0), 0);
  return {
    ...raw,
    status: split(cases, (id) => id.status),
    risk: split(cases, (id) => id.risk),
    team: split(cases, (id) => id.team),
    planMissing: [{ _id: null, n: split(cases, () => 'all', (id) => id.waiting === true)[0]?.n ?? 0 }],
    closures: split(cases, (id) => id.closed, (id) => typeof id.closed === 'string'),
    overdue: [{ _id: null, cases: total('n'), reviews: total('reviews'), tasks: total('tasks'), casesWithTasks: total('casesWithTasks') }],
    legalStage: split(legal, (id) => id.status),
    legalVerdict: split(legal, (id) => id.verdict, (id) => typeof id.verdict === 'string'),
  };
}
