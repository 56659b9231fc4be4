/**
 * My work from this feature (contract: services/home/work-items.ts): reviews due, interventions due, and
 * plans and reviews waiting for a supervisor's decision. Each source reads only the cases of the
 * caller's scope for that role (StartContext), through the `caseId` indexes of its collection.
 */
import { Types } from 'mongoose';
import { startOfDay } from '../../domain/cases.js';
import { OPEN_INTERVENTION_STATUSES } from '../../domain/care-plans.js';
import { CarePlanModel } from '../../models/care-plan.js';
import { ReviewModel } from '../../models/review.js';
import { trusted } from '../auth/trusted.js';
import { NOTHING, type WorkItem, type WorkSource } from '../home/work-items.js';
import { reviewDueOf, reviewInterval } from './plan-records.js';

/** The first `limit` items, soonest first, and how many there are. */
function firstOf(items: WorkItem[], limit: number): { items: WorkItem[]; total: number } {
  const sorted = items.sort((a, b) => a.due.getTime() - b.due.getTime() || a.caseNumber.localeCompare(b.caseNumber));
  return { items: sorted.slice(0, Math.max(0, limit)), total: items.length };
}

/**
 * Reviews of plans in force due on or before `until` (overdue ones included). A case whose review waits
 * for the supervisor is not the caseworker's to do; one returned to them is, and links to it.
 */
export const reviewsDue: WorkSource = async (ctx, role, until, limit) => {
  const scope = await ctx.scope(role);
  if (scope.cases.length === 0) return NOTHING;
  const caseId = { $in: scope.cases.map((c) => c._id) };
  const [plans, pending, interval] = await Promise.all([
    CarePlanModel.find(trusted({ caseId, status: 'approved' })).select({ caseId: 1, approvedAt: 1, lastReviewOn: 1 }).lean(),
    ReviewModel.find(trusted({ caseId, status: { $in: ['submitted', 'returned'] } })).select({ caseId: 1, status: 1 }).lean(),
    reviewInterval(ctx.caller.organisationId),
  ]);
  const waiting = new Map(pending.map((r) => [String(r.caseId), r]));
  const items: WorkItem[] = [];
  for (const p of plans) {
    const due = reviewDueOf(p, interval);
    const review = waiting.get(String(p.caseId));
    if (!due || due > until || review?.status === 'submitted') continue;
    const id = String(p.caseId);
    items.push({
      kind: 'review',
      caseId: p.caseId,
      caseNumber: scope.numbers.get(id) ?? '',
      due,
      href: review ? `/cases/${id}/reviews/${review._id}/edit` : `/cases/${id}/reviews/new`,
      labelKey: review ? 'care-plans:work.reviewReturned' : 'care-plans:work.reviewDue',
    });
  }
  return firstOf(items, limit);
};

/**
 * Interventions not done or cancelled, of plans in force, due on or before `until`: for a caseworker
 * those they are responsible for, for a supervisor all of the team's.
 */
export const interventionsDue: WorkSource = async (ctx, role, until, limit) => {
  const scope = await ctx.scope(role);
  if (scope.cases.length === 0) return NOTHING;
  const mine = role === 'caseworker' ? { 'goals.interventions.responsibleUserId': new Types.ObjectId(ctx.caller.userId) } : {};
  const rows = await CarePlanModel.aggregate<{ caseId: Types.ObjectId; planId: Types.ObjectId; service: string; dueDate: Date }>([
    { $match: { caseId: { $in: scope.cases.map((c) => c._id) }, status: 'approved' } },
    { $unwind: '$goals' },
    { $unwind: '$goals.interventions' },
    { $match: { 'goals.interventions.status': { $in: [...OPEN_INTERVENTION_STATUSES] }, 'goals.interventions.dueDate': { $lte: until }, ...mine } },
    { $project: { _id: 0, caseId: 1, planId: '$_id', service: '$goals.interventions.service', dueDate: '$goals.interventions.dueDate' } },
  ]);
  return firstOf(
    rows.map((r) => ({
      kind: 'intervention' as const,
      caseId: r.caseId,
      caseNumber: scope.numbers.get(String(r.caseId)) ?? '',
      due: r.dueDate,
      href: `/cases/${r.caseId}/care-plans/${r.planId}`,
      labelKey: `care-plans:work.intervention.${r.service}`,
    })),
    limit,
  );
};

/** Supervisors only: what the team submitted for a decision, not by the caller (they may not decide on their own). */
function awaiting(model: 'plan' | 'review'): WorkSource {
  return async (ctx, role, until, limit) => {
    if (role !== 'supervisor' || !ctx.caller.roles.includes('supervisor')) return NOTHING;
    const scope = await ctx.scope(role);
    if (scope.cases.length === 0) return NOTHING;
    const filter = trusted({ caseId: { $in: scope.cases.map((c) => c._id) }, status: 'submitted' as const, submittedBy: { $ne: new Types.ObjectId(ctx.caller.userId) } });
    const rows: { _id: Types.ObjectId; caseId: Types.ObjectId; submittedAt?: Date | null; version: number; path: string }[] =
      model === 'plan'
        ? (await CarePlanModel.find(filter).select({ caseId: 1, submittedAt: 1, version: 1 }).lean()).map((r) => ({ _id: r._id, caseId: r.caseId, submittedAt: r.submittedAt, version: r.version, path: `care-plans/${r._id}` }))
        : (await ReviewModel.find(filter).select({ caseId: 1, submittedAt: 1, planVersion: 1 }).lean()).map((r) => ({ _id: r._id, caseId: r.caseId, submittedAt: r.submittedAt, version: r.planVersion, path: `reviews/${r._id}` }));
    const items: WorkItem[] = rows
      .filter((r) => r.submittedAt && startOfDay(r.submittedAt) <= until)
      .map((r) => ({
        kind: model === 'plan' ? 'plan_approval' : 'review_approval',
        caseId: r.caseId,
        caseNumber: scope.numbers.get(String(r.caseId)) ?? '',
        due: startOfDay(r.submittedAt!),
        href: `/cases/${r.caseId}/${r.path}`,
        labelKey: model === 'plan' ? 'care-plans:work.planAwaiting' : 'care-plans:work.reviewAwaiting',
        labelValues: { version: r.version },
      }));
    return firstOf(items, limit);
  };
}

export const plansAwaitingApproval: WorkSource = awaiting('plan');
export const reviewsAwaitingApproval: WorkSource = awaiting('review');
