/**
 * Reviews of the plan in force (DOMAIN.md "Care plan": periodic reviews). A caseworker records one:
 * progress per goal and a decision (continue, revise, propose closure); a supervisor other than the one
 * who submitted it signs it off or returns it with a comment. Signing off applies the goals' statuses
 * to the plan in force, restarts the review schedule from the review's day and, for "revise", opens a
 * new draft version copied from the plan in force, all in one transaction with the reporting facts.
 */
import { Types } from 'mongoose';
import { isIsoDate, startOfDay } from '../../domain/cases.js';
import { GOAL_STATUSES, mayDecide, REVIEW_DECISIONS, reviewMove, type ReviewAction, type ReviewStatus } from '../../domain/care-plans.js';
import { Conflict, Invalid, NotFound } from '../../domain/errors.js';
import { can, type Caller } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { inTransaction } from '../../lib/db/index.js';
import { ReviewModel, type Review } from '../../models/review.js';
import { parseId } from '../access.js';
import { audit } from '../audit/audit.js';
import { trusted } from '../auth/trusted.js';
import { caseInScope, seal, unseal, userNames, type LeanCase } from '../cases/records.js';
import { refreshCaseFacts } from '../facts/facts.js';
import { caseHeader, copyGoals, createVersion, dayOf, openVersion, planInForce, planViews, refuse, refuseIfClosed, today, writePlan, type LeanPlan } from './plan-records.js';
import { CarePlanModel } from '../../models/care-plan.js';

type LeanReview = Review & { __v?: number };

export interface GoalProgressInput {
  goalId: string;
  status: string;
  note: string;
}

export interface ReviewInput {
  date: string;
  decision: string;
  language: string;
  summary: string;
  goals: GoalProgressInput[];
}

export interface ReviewRow {
  id: string;
  date: Date;
  status: ReviewStatus;
  decision: string;
  planVersion: number;
  submittedAt: Date;
}

function rowOf(r: Pick<LeanReview, '_id' | 'date' | 'status' | 'decision' | 'planVersion' | 'submittedAt'>): ReviewRow {
  return { id: String(r._id), date: r.date, status: r.status as ReviewStatus, decision: r.decision, planVersion: r.planVersion, submittedAt: r.submittedAt };
}

/** The latest reviews of a case the caller may read, newest first (no text). */
export async function reviewsOf(caseId: Types.ObjectId, limit = 20): Promise<ReviewRow[]> {
  const rows = await ReviewModel.find(trusted({ caseId })).sort({ date: -1 }).limit(limit).select({ date: 1, status: 1, decision: 1, planVersion: 1, submittedAt: 1 }).lean();
  return rows.map(rowOf);
}

/** The review of a case not yet signed off (submitted, or returned to the caseworker), if any. */
export async function pendingReviewOf(caseId: Types.ObjectId): Promise<LeanReview | null> {
  return (await ReviewModel.findOne(trusted({ caseId, status: { $in: ['submitted', 'returned'] } })).lean()) as LeanReview | null;
}

async function reviewInCase(c: LeanCase, reviewId: string): Promise<LeanReview> {
  const review = (await ReviewModel.findOne(trusted({ _id: parseId(reviewId), caseId: c._id })).lean()) as LeanReview | null;
  if (!review) throw new NotFound();
  return review;
}

/**
 * The review's fields as stored, checked against the plan it reviews: a real day, not in the future nor
 * before the plan was approved; a decision; a status for every goal of the plan and for no other.
 */
function reviewFields(plan: LeanPlan, input: ReviewInput) {
  const fields: Record<string, string> = {};
  const approvedOn = plan.approvedAt ? startOfDay(plan.approvedAt).toISOString().slice(0, 10) : '';
  if (!isIsoDate(input.date) || input.date > today() || input.date < approvedOn) fields.date = 'care-plans:errors.reviewDate';
  if (!(REVIEW_DECISIONS as readonly string[]).includes(input.decision)) fields.decision = 'common:form.required';
  const known = new Set(plan.goals.map((g) => String(g._id)));
  if (input.goals.some((g) => !known.has(g.goalId))) fields._form = 'common:form.unknownField';
  const byGoal = new Map(input.goals.map((g) => [g.goalId, g]));
  const goals = plan.goals.map((g) => {
    const given = byGoal.get(String(g._id));
    if (!given || !(GOAL_STATUSES as readonly string[]).includes(given.status)) fields[`status_${g._id}`] = 'common:form.required';
    return { goalId: g._id, domain: g.domain, status: given?.status ?? '', secret: given?.note.trim() ? seal({ text: given.note }) : undefined };
  });
  if (Object.keys(fields).length > 0) throw new Invalid(fields);
  return {
    date: dayOf(input.date),
    decision: input.decision,
    goals,
    secret: input.summary.trim() ? seal({ text: input.summary }) : undefined,
    language: input.language,
  };
}

/** Records a review of the plan in force; it waits for a supervisor's sign-off. One pending review at a time. */
export async function recordReview(caller: Caller, caseId: string, input: ReviewInput): Promise<string> {
  const c = await caseInScope(caller, caseId, 'case.update');
  await refuseIfClosed(caller, c, 'review_create');
  const plan = await planInForce(c._id);
  if (!plan) return refuse(caller, caseId, 'review_create', 'transition_refused', 'care-plans:errors.noPlanInForce');
  if (await pendingReviewOf(c._id)) await refuse(caller, caseId, 'review_create', 'transition_refused', 'care-plans:errors.reviewPending');
  const fields = reviewFields(plan, input);
  const made = await ReviewModel.create({
    caseId: c._id,
    organisationId: c.organisationId,
    planId: plan._id,
    planVersion: plan.version,
    status: 'submitted',
    ...fields,
    submittedBy: new Types.ObjectId(caller.userId),
    submittedAt: clock.now(),
  } as Parameters<typeof ReviewModel.create>[0]);
  await audit(caller, { action: 'review_create', outcome: 'success', recordType: 'case', recordId: caseId });
  return String(made._id);
}

/** Loads a review for a move the machine must allow. */
async function forMove(caller: Caller, caseId: string, reviewId: string, move: ReviewAction) {
  const action = move === 'approve' ? 'review_approve' : move === 'return' ? 'review_return' : 'review_create';
  const c = await caseInScope(caller, caseId, move === 'resubmit' ? 'case.update' : 'careplan.approve');
  await refuseIfClosed(caller, c, action);
  const review = await reviewInCase(c, reviewId);
  if (!reviewMove(review.status as ReviewStatus, move)) await refuse(caller, caseId, action, 'transition_refused', 'care-plans:errors.transition');
  if (move !== 'resubmit' && !mayDecide(String(review.submittedBy), caller.userId)) await refuse(caller, caseId, action, 'own_submission', 'care-plans:errors.ownReview');
  return { c, review };
}

async function writeReview(review: LeanReview, update: Record<string, unknown>): Promise<void> {
  const res = await ReviewModel.updateOne(trusted({ _id: review._id, __v: review.__v ?? 0, status: review.status }), { ...update, $inc: { __v: 1 } });
  if (res.modifiedCount !== 1) throw new Conflict();
}

/** A returned review, corrected and submitted again, by a caseworker of the case. */
export async function resubmitReview(caller: Caller, caseId: string, reviewId: string, input: ReviewInput): Promise<void> {
  const { review } = await forMove(caller, caseId, reviewId, 'resubmit');
  const plan = (await CarePlanModel.findOne(trusted({ _id: review.planId })).lean()) as LeanPlan | null;
  if (!plan || plan.status !== 'approved') await refuse(caller, caseId, 'review_create', 'transition_refused', 'care-plans:errors.planChanged');
  const fields = reviewFields(plan!, input);
  await writeReview(review, {
    $set: { ...fields, status: 'submitted', submittedBy: new Types.ObjectId(caller.userId), submittedAt: clock.now() },
    ...(fields.secret ? {} : { $unset: { secret: 1 } }),
  });
  await audit(caller, { action: 'review_create', outcome: 'success', recordType: 'case', recordId: caseId });
}

/** Signs a review off; returns the id of the new draft when the review decided to revise the plan. */
export async function approveReview(caller: Caller, caseId: string, reviewId: string): Promise<{ draftId?: string | undefined }> {
  const { c, review } = await forMove(caller, caseId, reviewId, 'approve');
  const draftId = await inTransaction(async () => {
    await writeReview(review, { $set: { status: 'approved', decidedBy: new Types.ObjectId(caller.userId), decidedAt: clock.now() } });
    const plan = await planInForce(c._id);
    let made: string | undefined;
    // A review of a version no longer in force is signed off for the record and changes no plan.
    if (plan && String(plan._id) === String(review.planId)) {
      const statuses = new Map(review.goals.map((g) => [String(g.goalId), g.status]));
      const goals = plan.goals.map((g) => ({ ...g, status: statuses.get(String(g._id)) ?? g.status }));
      const lastReviewOn = plan.lastReviewOn && plan.lastReviewOn > review.date ? plan.lastReviewOn : review.date;
      if (!(await writePlan(plan, { $set: { goals, lastReviewOn } }))) throw new Conflict();
      if (review.decision === 'revise' && !(await openVersion(c._id))) {
        made = await createVersion(caller, c, { goals: copyGoals(goals), copiedFromVersion: plan.version });
      }
    }
    await refreshCaseFacts(c._id);
    return made;
  });
  await audit(caller, { action: 'review_approve', outcome: 'success', recordType: 'case', recordId: caseId });
  if (draftId) await audit(caller, { action: 'careplan_change', outcome: 'success', recordType: 'case', recordId: caseId });
  return { draftId };
}

/** Returns a review to the caseworker with a comment (sealed). */
export async function returnReview(caller: Caller, caseId: string, reviewId: string, comment: string, language: string): Promise<void> {
  const { review } = await forMove(caller, caseId, reviewId, 'return');
  if (!comment.trim()) throw new Invalid({ comment: 'common:form.required' });
  await writeReview(review, { $set: { status: 'returned', decidedBy: new Types.ObjectId(caller.userId), decidedAt: clock.now(), returnComment: seal({ text: comment }), returnLanguage: language } });
  await audit(caller, { action: 'review_return', outcome: 'success', recordType: 'case', recordId: caseId });
}

/** The goals of the reviewed plan with what the review says of each (opened for a reader of the case). */
async function reviewGoals(plan: LeanPlan | null, review: LeanReview | undefined, locale: string) {
  if (!plan) return [];
  const [view] = await planViews([plan], locale);
  const said = new Map((review?.goals ?? []).map((g) => [String(g.goalId), g]));
  return view!.goals.map((g) => {
    const r = said.get(g.id);
    return { ...g, reviewStatus: r?.status ?? g.status, reviewNote: r?.secret ? unseal<{ text: string }>(r.secret, { text: '' }).text : '' };
  });
}

/** The form for a new review of the plan in force, or for correcting a returned one. */
export async function reviewFormOf(caller: Caller, caseId: string, reviewId: string | undefined, locale: string) {
  const c = await caseInScope(caller, caseId, 'case.update');
  const review = reviewId ? await reviewInCase(c, reviewId) : undefined;
  const plan = review ? ((await CarePlanModel.findOne(trusted({ _id: review.planId })).lean()) as LeanPlan | null) : await planInForce(c._id);
  const pending = review ? undefined : await pendingReviewOf(c._id);
  await audit(caller, { action: 'careplan_view', outcome: 'success', recordType: 'case', recordId: caseId });
  return {
    c: caseHeader(c),
    review: review
      ? {
          id: String(review._id),
          status: review.status,
          date: review.date.toISOString().slice(0, 10),
          decision: review.decision,
          language: review.language,
          summary: unseal<{ text: string }>(review.secret, { text: '' }).text,
          returnComment: review.returnComment ? { text: unseal<{ text: string }>(review.returnComment, { text: '' }).text, language: review.returnLanguage ?? 'en' } : undefined,
        }
      : undefined,
    plan: plan ? { id: String(plan._id), version: plan.version, status: plan.status } : undefined,
    pending: pending ? { id: String(pending._id) } : undefined,
    goals: await reviewGoals(plan, review, locale),
  };
}

export type ReviewForm = Awaited<ReturnType<typeof reviewFormOf>>;

/** One review's page: what it says, who submitted and decided, and the actions the caller may take. */
export async function reviewPage(caller: Caller, caseId: string, reviewId: string, locale: string) {
  const c = await caseInScope(caller, caseId, 'case.read');
  const review = await reviewInCase(c, reviewId);
  const plan = (await CarePlanModel.findOne(trusted({ _id: review.planId })).lean()) as LeanPlan | null;
  const [goals, names] = await Promise.all([reviewGoals(plan, review, locale), userNames([review.submittedBy, review.decidedBy])]);
  await audit(caller, { action: 'careplan_view', outcome: 'success', recordType: 'case', recordId: caseId });
  const open = c.status !== 'closed';
  const approve = can(caller.roles, 'careplan.approve') && open && review.status === 'submitted';
  return {
    c: caseHeader(c),
    review: {
      ...rowOf(review),
      planId: String(review.planId),
      language: review.language,
      summary: unseal<{ text: string }>(review.secret, { text: '' }).text,
      submittedBy: names.get(String(review.submittedBy)) ?? '',
      decidedBy: review.decidedBy ? (names.get(String(review.decidedBy)) ?? '') : '',
      decidedAt: review.decidedAt ?? undefined,
      returnComment: review.returnComment ? { text: unseal<{ text: string }>(review.returnComment, { text: '' }).text, language: review.returnLanguage ?? 'en' } : undefined,
    },
    goals,
    may: {
      decide: approve && String(review.submittedBy) !== caller.userId,
      ownSubmission: approve && String(review.submittedBy) === caller.userId,
      resubmit: can(caller.roles, 'case.update') && open && review.status === 'returned',
      closure: review.decision === 'close' && open,
    },
  };
}

export type ReviewPage = Awaited<ReturnType<typeof reviewPage>>;
