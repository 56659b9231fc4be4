/**
 * This feature's part of a case's reporting facts (services/facts/facts.ts): when the first plan was
 * approved and how many days that took from intake, the goals of the plan in force per domain (set and
 * achieved), and when its next review is due. Codes, dates and counts only.
 */
import { CARE_DOMAINS } from '../../domain/assessments.js';
import { daysBetween } from '../../domain/care-plans.js';
import { CarePlanModel } from '../../models/care-plan.js';
import { trusted } from '../auth/trusted.js';
import type { FactPart, GoalCount } from '../facts/parts.js';
import { reviewDueOf, reviewInterval } from './plan-records.js';

export const carePlanFacts: FactPart = async (caseId, intakeDate) => {
  const plans = await CarePlanModel.find(trusted({ caseId, status: { $in: ['approved', 'superseded'] } }))
    .select({ organisationId: 1, version: 1, status: 1, approvedAt: 1, lastReviewOn: 1, 'goals.domain': 1, 'goals.status': 1 })
    .lean();
  const approvedDates = plans.map((p) => p.approvedAt).filter((d): d is Date => d instanceof Date);
  const first = approvedDates.length ? new Date(Math.min(...approvedDates.map((d) => d.getTime()))) : undefined;
  const inForce = plans.filter((p) => p.status === 'approved').sort((a, b) => b.version - a.version)[0];
  const goals: GoalCount[] = [];
  for (const domain of CARE_DOMAINS) {
    const of = (inForce?.goals ?? []).filter((g) => g.domain === domain);
    if (of.length) goals.push({ domain, set: of.length, achieved: of.filter((g) => g.status === 'achieved').length });
  }
  return {
    firstPlanApprovedAt: first,
    daysToFirstPlan: first ? daysBetween(intakeDate, first) : undefined,
    goals,
    reviewDue: inForce ? reviewDueOf(inForce, await reviewInterval(inForce.organisationId)) : undefined,
  };
};

