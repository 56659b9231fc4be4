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
  if (filters.country) match.country = filters.country;
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

/** The whole dashboard as one pipeline; `now` is when "overdue" is measured. */
export function reportPipeline(scope: ReportScope, filters: ReportFilters, now: Date): Stage[] {
  const { from, to } = filters;
  const active = { $match: { $or: [{ closedAt: null }, { closedAt: { $gte: from } }] } };
  const sentInPeriod = [{ $unwind: '$referrals' }, { $match: { 'referrals.sentAt': { $gte: from, $lt: to } } }];
  const byField = (path: string) => [active, { $group: { _id: path, n: count } }];
  const byArray = (path: string) => [active, { $unwind: path }, { $group: { _id: path, n: count } }];
  return [
    { $match: reportMatch(scope, filters) },
    {
      $facet: {
        status: byField('$status'),
        risk: byField('$riskLevel'),
        exploitation: byArray('$exploitationTypes'),
        team: byField('$team'),
        caseworker: byArray('$caseworkerIds'),
        planBuckets: [
          { $match: { firstPlanApprovedAt: { $gte: from, $lt: to } } },
          { $bucket: { groupBy: '$daysToFirstPlan', boundaries: [...PLAN_DAY_BUCKETS, 1_000_000], default: 'unknown', output: { n: count } } },
        ],
        planMedian: [{ $match: { firstPlanApprovedAt: { $gte: from, $lt: to } } }, { $group: { _id: null, n: numbers('$daysToFirstPlan'), median: median('$daysToFirstPlan') } }],
        planMissing: [active, { $match: { status: { $ne: 'closed' }, firstPlanApprovedAt: null } }, { $count: 'n' }],
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
        legalStage: [active, { $unwind: '$legalCases' }, { $group: { _id: '$legalCases.status', n: count } }],
        legalVerdict: [active, { $unwind: '$legalCases' }, { $match: { 'legalCases.verdict': { $type: 'string' } } }, { $group: { _id: '$legalCases.verdict', n: count } }],
        closures: [{ $match: { closedAt: { $gte: from, $lt: to } } }, { $group: { _id: '$closureReason', n: count } }],
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
        overdue: [
          { $match: { status: { $ne: 'closed' } } },
          {
            $project: {
              review: { $and: [present('$reviewDue'), { $lt: ['$reviewDue', now] }] },
              tasks: { $size: { $filter: { input: { $ifNull: ['$openTaskDueDates', []] }, as: 'd', cond: { $lt: ['$$d', now] } } } },
            },
          },
          { $group: { _id: null, cases: count, reviews: when('$review'), tasks: { $sum: '$tasks' }, casesWithTasks: when({ $gt: ['$tasks', 0] }) } },
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

/** What the pipeline returns: one document, an array of groups per figure. */
export type FacetResult = Record<string, Group[]>;
