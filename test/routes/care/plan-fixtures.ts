/**
 * Care plans and reviews for tests, made through the real services (so they are sealed and audited as
 * in use). Each builder returns the ids a route needs. Every text is fictional and marked.
 */
import type { Caller } from '../../../src/domain/permissions.js';
import { CarePlanModel } from '../../../src/models/care-plan.js';
import { addGoal, addIntervention } from '../../../src/services/care/plan-goals.js';
import { approvePlan, returnPlan, startVersion, submitPlan } from '../../../src/services/care/plans.js';
import { recordReview, returnReview } from '../../../src/services/care/reviews.js';
import { clock } from '../../../src/lib/clock.js';

export interface PlanIds {
  id: string;
  planId: string;
  goalId: string;
  interventionId: string;
}

export function today(): string {
  return clock.now().toISOString().slice(0, 10);
}

export function inDays(days: number): string {
  return new Date(clock.ms() + days * 86_400_000).toISOString().slice(0, 10);
}

/** A draft with one goal and one intervention the case's caseworker is responsible for. */
export async function draftPlan(worker: Caller, caseId: string, text = 'Fictional goal: the child is safe at home.'): Promise<PlanIds> {
  const planId = await startVersion(worker, caseId);
  const goalId = await addGoal(worker, caseId, planId, { domain: 'safety', text, language: 'en', targetDate: inDays(120), status: 'not_started' });
  await addIntervention(worker, caseId, planId, goalId, { service: 'counselling', responsible: `user:${worker.userId}`, dueDate: inDays(30), status: 'planned' });
  const plan = (await CarePlanModel.findById(planId).lean())!;
  return { id: caseId, planId, goalId, interventionId: String(plan.goals[0]!.interventions[0]!._id) };
}

export async function submittedPlan(worker: Caller, caseId: string): Promise<PlanIds> {
  const ids = await draftPlan(worker, caseId);
  await submitPlan(worker, caseId, ids.planId);
  return ids;
}

export async function returnedPlan(worker: Caller, supervisor: Caller, caseId: string): Promise<PlanIds> {
  const ids = await submittedPlan(worker, caseId);
  await returnPlan(supervisor, caseId, ids.planId, 'Fictional comment: add a school goal.', 'en');
  return ids;
}

export async function approvedPlan(worker: Caller, supervisor: Caller, caseId: string): Promise<PlanIds> {
  const ids = await submittedPlan(worker, caseId);
  await approvePlan(supervisor, caseId, ids.planId);
  return ids;
}

/** A review of the plan in force, submitted by the caseworker: every goal in progress. */
export async function submittedReview(worker: Caller, supervisor: Caller, caseId: string, decision = 'continue'): Promise<PlanIds & { reviewId: string }> {
  const ids = await approvedPlan(worker, supervisor, caseId);
  const reviewId = await recordReview(worker, caseId, { date: today(), decision, language: 'en', summary: 'Fictional summary.', goals: [{ goalId: ids.goalId, status: 'in_progress', note: 'Fictional note.' }] });
  return { ...ids, reviewId };
}

export async function returnedReview(worker: Caller, supervisor: Caller, caseId: string): Promise<PlanIds & { reviewId: string }> {
  const ids = await submittedReview(worker, supervisor, caseId);
  await returnReview(supervisor, caseId, ids.reviewId, 'Fictional comment: say more about school.', 'en');
  return ids;
}
