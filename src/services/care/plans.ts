/**
 * Care plans (DOMAIN.md "Care plan", "States"): starting a version (a copy of the plan in force, or
 * drafted from an assessment's weakest domains), submitting it, and a supervisor's decision. The first
 * approved plan makes the case `active`, in the same transaction as the approval, its history entry and
 * the reporting facts. Every view and change is audited; refused moves change nothing (422).
 */
import { Types } from 'mongoose';
import { weakestDomains } from '../../domain/assessments.js';
import { mayMove, type CaseStatus } from '../../domain/cases.js';
import { GOALS_FROM_ASSESSMENT, mayDecide, planMove, reviewTiming, submitProblem, type PlanStatus } from '../../domain/care-plans.js';
import { Conflict, Invalid } from '../../domain/errors.js';
import { can, type Caller } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { inTransaction } from '../../lib/db/index.js';
import { CarePlanModel } from '../../models/care-plan.js';
import { CaseModel } from '../../models/case.js';
import { audit } from '../audit/audit.js';
import { trusted } from '../auth/trusted.js';
import { caseInScope, recordChange, seal, type LeanCase } from '../cases/records.js';
import { refreshCaseFacts } from '../facts/facts.js';
import { assessmentForPlan, assessmentsOf } from './assessments.js';
import {
  caseHeader,
  copyGoals,
  createVersion,
  openVersion,
  planInForce,
  planInScope,
  planViews,
  refuse,
  refuseIfClosed,
  reviewDueOf,
  reviewInterval,
  writePlan,
  type LeanPlan,
  type PlanView,
} from './plan-records.js';
import { pendingReviewOf, reviewsOf, type ReviewRow } from './reviews.js';

const DAY_MS = 86_400_000;

/** One version at a time is worked on: a second is refused while one is a draft, submitted or returned. */
async function refuseIfVersionOpen(caller: Caller, c: LeanCase): Promise<void> {
  if (await openVersion(c._id)) await refuse(caller, String(c._id), 'careplan_change', 'transition_refused', 'care-plans:errors.versionOpen');
}

/** Starts a version: a copy of the plan in force, or an empty plan when the case has none yet. */
export async function startVersion(caller: Caller, caseId: string): Promise<string> {
  const c = await caseInScope(caller, caseId, 'case.update');
  await refuseIfClosed(caller, c, 'careplan_change');
  await refuseIfVersionOpen(caller, c);
  const inForce = await planInForce(c._id);
  const id = await createVersion(caller, c, { goals: inForce ? copyGoals(inForce.goals) : [], copiedFromVersion: inForce?.version });
  await audit(caller, { action: 'careplan_change', outcome: 'success', recordType: 'case', recordId: caseId });
  return id;
}

/**
 * Drafts a version from an assessment: one goal per weakest domain (domain/assessments.ts), each with its
 * domain's default text, to be edited, and a target date one review interval away.
 */
export async function draftFromAssessment(caller: Caller, caseId: string, assessmentId: string, language: string): Promise<string> {
  const c = await caseInScope(caller, caseId, 'case.update');
  await refuseIfClosed(caller, c, 'careplan_change');
  await refuseIfVersionOpen(caller, c);
  const assessment = await assessmentForPlan(caller, caseId, assessmentId);
  const domains = weakestDomains(assessment.scores, GOALS_FROM_ASSESSMENT);
  if (domains.length === 0) throw new Invalid({ assessmentId: 'care-plans:errors.noWeakDomains' });
  const interval = await reviewInterval(c.organisationId);
  const target = new Date(Date.UTC(clock.now().getUTCFullYear(), clock.now().getUTCMonth(), clock.now().getUTCDate()) + interval * DAY_MS);
  const goals = domains.map((domain) => ({ domain, defaultText: true, language, targetDate: target, status: 'not_started', interventions: [], progress: [] }));
  const id = await createVersion(caller, c, { goals, assessmentId: new Types.ObjectId(assessment.id) });
  await audit(caller, { action: 'careplan_change', outcome: 'success', recordType: 'case', recordId: caseId });
  return id;
}

/** A draft goes to the supervisor once every goal has at least one intervention. */
export async function submitPlan(caller: Caller, caseId: string, planId: string): Promise<void> {
  const { c, plan } = await planInScope(caller, caseId, planId, 'case.update');
  await refuseIfClosed(caller, c, 'careplan_submit');
  if (!planMove(plan.status as PlanStatus, 'submit')) await refuse(caller, caseId, 'careplan_submit', 'transition_refused', 'care-plans:errors.transition');
  const problem = submitProblem(plan.goals);
  if (problem) throw new Invalid({ _form: problem });
  const ok = await writePlan(plan, { $set: { status: 'submitted', submittedBy: new Types.ObjectId(caller.userId), submittedAt: clock.now() } });
  if (!ok) throw new Conflict();
  await audit(caller, { action: 'careplan_submit', outcome: 'success', recordType: 'case', recordId: caseId });
}

/** The checks before a supervisor's decision: the machine allows it, and the decider did not submit it. */
async function checkDecision(caller: Caller, caseId: string, plan: LeanPlan, c: LeanCase, move: 'approve' | 'return'): Promise<void> {
  const action = move === 'approve' ? 'careplan_approve' : 'careplan_return';
  await refuseIfClosed(caller, c, action);
  if (!planMove(plan.status as PlanStatus, move)) await refuse(caller, caseId, action, 'transition_refused', 'care-plans:errors.transition');
  if (!mayDecide(plan.submittedBy ? String(plan.submittedBy) : undefined, caller.userId)) await refuse(caller, caseId, action, 'own_submission', 'care-plans:errors.ownSubmission');
}

/**
 * Approves a submitted version. In one transaction (DATABASE.md): the plan in force is superseded, this
 * version approved, an `open` case becomes `active` under its version check with its history entry, and
 * the facts are rewritten. Returns whether the case became active.
 */
export async function approvePlan(caller: Caller, caseId: string, planId: string): Promise<boolean> {
  const { c, plan } = await planInScope(caller, caseId, planId, 'careplan.approve');
  await checkDecision(caller, caseId, plan, c, 'approve');
  const activated = await inTransaction(async () => {
    const now = clock.now();
    const previous = await planInForce(c._id);
    if (previous) {
      const res = await CarePlanModel.updateOne(trusted({ _id: previous._id, __v: previous.__v ?? 0, status: 'approved' }), { $set: { status: 'superseded', supersededAt: now }, $inc: { __v: 1 } });
      if (res.modifiedCount !== 1) throw new Conflict();
    }
    if (!(await writePlan(plan, { $set: { status: 'approved', decidedBy: new Types.ObjectId(caller.userId), decidedAt: now, approvedAt: now } }))) throw new Conflict();
    const fresh = await CaseModel.findOne(trusted({ _id: c._id })).select({ status: 1, organisationId: 1, __v: 1 }).lean();
    let moved = false;
    if (fresh && fresh.status === 'open' && mayMove(fresh.status as CaseStatus, 'active')) {
      const version = fresh.__v ?? 0;
      const res = await CaseModel.updateOne(trusted({ _id: c._id, __v: version, status: 'open' }), { $set: { status: 'active' }, $inc: { __v: 1 } });
      if (res.modifiedCount !== 1) throw new Conflict();
      await recordChange(caller, { _id: c._id, organisationId: c.organisationId }, version + 1, 'activate', ['status'], { status: 'open' });
      moved = true;
    }
    await refreshCaseFacts(c._id);
    return moved;
  });
  await audit(caller, { action: 'careplan_approve', outcome: 'success', recordType: 'case', recordId: caseId });
  if (activated) await audit(caller, { action: 'case_status', outcome: 'success', recordType: 'case', recordId: caseId });
  return activated;
}

/** Returns a submitted version to the caseworker with a comment (sealed, shown to them). */
export async function returnPlan(caller: Caller, caseId: string, planId: string, comment: string, language: string): Promise<void> {
  const { c, plan } = await planInScope(caller, caseId, planId, 'careplan.approve');
  await checkDecision(caller, caseId, plan, c, 'return');
  if (!comment.trim()) throw new Invalid({ comment: 'common:form.required' });
  const ok = await writePlan(plan, {
    $set: { status: 'returned', decidedBy: new Types.ObjectId(caller.userId), decidedAt: clock.now(), returnComment: seal({ text: comment }), returnLanguage: language },
  });
  if (!ok) throw new Conflict();
  await audit(caller, { action: 'careplan_return', outcome: 'success', recordType: 'case', recordId: caseId });
}

/** A returned version becomes a draft again for the caseworker to revise; the comment stays to be read. */
export async function revisePlan(caller: Caller, caseId: string, planId: string): Promise<void> {
  const { c, plan } = await planInScope(caller, caseId, planId, 'case.update');
  await refuseIfClosed(caller, c, 'careplan_change');
  if (!planMove(plan.status as PlanStatus, 'revise')) await refuse(caller, caseId, 'careplan_change', 'transition_refused', 'care-plans:errors.transition');
  const ok = await writePlan(plan, { $set: { status: 'draft' }, $unset: { submittedBy: 1, submittedAt: 1, decidedBy: 1, decidedAt: 1 } });
  if (!ok) throw new Conflict();
  await audit(caller, { action: 'careplan_change', outcome: 'success', recordType: 'case', recordId: caseId });
}

export interface VersionLink {
  id: string;
  version: number;
  status: PlanStatus;
  approvedAt?: Date | undefined;
  supersededAt?: Date | undefined;
}

function linkOf(p: Pick<LeanPlan, '_id' | 'version' | 'status' | 'approvedAt' | 'supersededAt'>): VersionLink {
  return { id: String(p._id), version: p.version, status: p.status as PlanStatus, approvedAt: p.approvedAt ?? undefined, supersededAt: p.supersededAt ?? undefined };
}

/**
 * A closed case's plan ended with the case: nothing in it is overdue any more, and no review falls due
 * (My work and the reporting facts leave closed cases out too).
 */
function endedIfClosed<T extends PlanView | undefined>(c: LeanCase, view: T): T {
  if (!view || c.status !== 'closed') return view;
  return { ...view, goals: view.goals.map((g) => ({ ...g, overdue: false, interventions: g.interventions.map((i) => ({ ...i, overdue: false })) })) };
}

/** What the caller may do with a version. */
function mayOn(caller: Caller, c: LeanCase, plan: PlanView | undefined, openExists: boolean, pendingReview: boolean) {
  const update = can(caller.roles, 'case.update') && c.status !== 'closed';
  const approve = can(caller.roles, 'careplan.approve') && c.status !== 'closed';
  const status = plan?.status;
  return {
    update,
    edit: update && status === 'draft',
    submit: update && status === 'draft',
    decide: approve && status === 'submitted' && plan!.submittedById !== caller.userId,
    ownSubmission: approve && status === 'submitted' && plan!.submittedById === caller.userId,
    // The caseworker revises; the supervisor who returned the version is not offered to undo their own return.
    revise: update && status === 'returned' && plan!.decidedById !== caller.userId,
    progress: update && status === 'approved',
    newVersion: update && !openExists,
    review: update && status === 'approved' && !pendingReview,
  };
}

/** One version's page: its goals, interventions and progress, the case's other versions, and the actions allowed. */
export async function planPage(caller: Caller, caseId: string, planId: string, locale: string) {
  const { c, plan } = await planInScope(caller, caseId, planId, 'case.read');
  const [versions, [view], pending] = await Promise.all([
    CarePlanModel.find(trusted({ caseId: c._id })).sort({ version: -1 }).limit(100).select({ version: 1, status: 1, approvedAt: 1, supersededAt: 1 }).lean(),
    planViews([plan], locale),
    pendingReviewOf(c._id),
  ]);
  const openExists = versions.some((v) => ['draft', 'submitted', 'returned'].includes(v.status));
  const interval = plan.status === 'approved' && c.status !== 'closed' ? await reviewInterval(c.organisationId) : undefined;
  const due = interval ? reviewDueOf(plan, interval) : undefined;
  await audit(caller, { action: 'careplan_view', outcome: 'success', recordType: 'case', recordId: caseId });
  return {
    c: caseHeader(c),
    plan: endedIfClosed(c, view!),
    versions: versions.map((v) => linkOf(v as LeanPlan)),
    reviewDue: due ? { date: due, timing: reviewTiming(due, clock.now()) } : undefined,
    pendingReview: pending ? { id: String(pending._id), status: pending.status } : undefined,
    may: mayOn(caller, c, view, openExists, Boolean(pending)),
  };
}

export type PlanPage = Awaited<ReturnType<typeof planPage>>;

export interface CarePlanSection {
  closed: boolean;
  inForce?: PlanView | undefined;
  open?: PlanView | undefined;
  earlier: VersionLink[];
  /** Goals of the plan in force, and how many are achieved. */
  counts?: { goals: number; achieved: number } | undefined;
  reviewDue?: { date: Date; timing: string } | undefined;
  pendingReview?: ReviewRow | undefined;
  reviews: ReviewRow[];
  assessments: { id: string; type: string; date: Date }[];
  may: ReturnType<typeof mayOn> & { approve: boolean };
}

/**
 * The case page's "Care plan" section, for a caller already allowed to read the case (the page view is
 * audited as `case_view`): the plan in force, the version being worked on, earlier versions, reviews.
 */
export async function carePlanSection(caller: Caller, c: LeanCase, locale: string): Promise<CarePlanSection> {
  const plans = (await CarePlanModel.find(trusted({ caseId: c._id })).sort({ version: -1 }).limit(100).lean()) as LeanPlan[];
  const inForce = plans.find((p) => p.status === 'approved');
  const open = plans.find((p) => ['draft', 'submitted', 'returned'].includes(p.status));
  const shown = [inForce, open].filter((p): p is LeanPlan => Boolean(p));
  const [views, reviews, interval] = await Promise.all([planViews(shown, locale), reviewsOf(c._id), inForce ? reviewInterval(c.organisationId) : Promise.resolve(undefined)]);
  const pendingReview = reviews.find((r) => r.status !== 'approved');
  const inForceView = endedIfClosed(c, inForce ? views.find((v) => v.id === String(inForce._id)) : undefined);
  const openView = open ? views.find((v) => v.id === String(open._id)) : undefined;
  const may = mayOn(caller, c, inForceView, Boolean(open), Boolean(pendingReview));
  const assessments = may.update && !open ? (await assessmentsOf(c._id, 20)).map((a) => ({ id: a.id, type: a.type, date: a.date })) : [];
  const due = inForce && interval && c.status !== 'closed' ? reviewDueOf(inForce, interval) : undefined;
  return {
    closed: c.status === 'closed',
    inForce: inForceView,
    open: openView,
    earlier: plans.filter((p) => p !== inForce && p !== open).map(linkOf),
    counts: inForceView ? { goals: inForceView.goals.length, achieved: inForceView.goals.filter((g) => g.status === 'achieved').length } : undefined,
    reviewDue: due ? { date: due, timing: reviewTiming(due, clock.now()) } : undefined,
    pendingReview,
    reviews,
    assessments,
    may: { ...may, approve: can(caller.roles, 'careplan.approve') && c.status !== 'closed' && openView?.status === 'submitted' && openView.submittedById !== caller.userId },
  };
}

/**
 * The page that starts a new version: from the plan in force (or empty), or drafted from one of the
 * case's assessments, each shown with the domains its goals would take. Audited as a view.
 */
export async function planStart(caller: Caller, caseId: string) {
  const c = await caseInScope(caller, caseId, 'case.update');
  const [inForce, open, assessments] = await Promise.all([planInForce(c._id), openVersion(c._id), assessmentsOf(c._id, 20)]);
  await audit(caller, { action: 'careplan_view', outcome: 'success', recordType: 'case', recordId: caseId });
  return {
    c: caseHeader(c),
    closed: c.status === 'closed',
    inForce: inForce ? { id: String(inForce._id), version: inForce.version } : undefined,
    open: open ? { id: String(open._id), version: open.version, status: open.status } : undefined,
    assessments: assessments.map((a) => ({ id: a.id, type: a.type, date: a.date, domains: weakestDomains(a.scores, GOALS_FROM_ASSESSMENT) })),
  };
}

export type PlanStart = Awaited<ReturnType<typeof planStart>>;

/**
 * After an organisation's review interval changed: rewrites the facts of each of its cases with a plan
 * in force, whose `reviewDue` counts with the interval. One case at a time, each its own write, so a
 * stopped run leaves no case wrong that `facts:rebuild` would not put right.
 */
export async function refreshReviewDueFacts(organisationId: string): Promise<void> {
  const plans = await CarePlanModel.find(trusted({ organisationId: new Types.ObjectId(organisationId), status: 'approved' })).select({ caseId: 1 }).lean();
  for (const p of plans) await refreshCaseFacts(p.caseId);
}
