/**
 * Care plans and their reviews (DOMAIN.md "Care plan", "States"): the two status machines, the codes of
 * goals and interventions, who may decide, and when the next review is due. Pure: imports only the domain.
 *
 * A case's plan is versioned. One version at a time is being worked on (draft, submitted or returned);
 * the latest approved one is the plan in force, and approving a new one supersedes it (it stays readable).
 */
import { isOverdue, startOfDay } from './cases.js';

export const PLAN_STATUSES = ['draft', 'submitted', 'approved', 'returned', 'superseded'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/**
 * What can happen to a version. `edit` (goals, interventions) keeps a draft a draft; `progress` (notes,
 * goal and intervention status) keeps the plan in force in force; `supersede` is done by approving the
 * next version, never asked for by anyone.
 */
export const PLAN_ACTIONS = ['edit', 'submit', 'approve', 'return', 'revise', 'progress', 'supersede'] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

const PLAN_MOVES: Readonly<Record<PlanStatus, Partial<Record<PlanAction, PlanStatus>>>> = {
  draft: { edit: 'draft', submit: 'submitted' },
  submitted: { approve: 'approved', return: 'returned' },
  returned: { revise: 'draft' },
  approved: { progress: 'approved', supersede: 'superseded' },
  superseded: {},
};

/** The status a version moves to, or undefined when the machine refuses (422, nothing changes). */
export function planMove(from: PlanStatus, action: PlanAction): PlanStatus | undefined {
  return PLAN_MOVES[from]?.[action];
}

export function isPlanStatus(value: unknown): value is PlanStatus {
  return typeof value === 'string' && (PLAN_STATUSES as readonly string[]).includes(value);
}

/** The states of the one version being worked on; a case has at most one version in them. */
export const OPEN_PLAN_STATUSES: readonly PlanStatus[] = ['draft', 'submitted', 'returned'];

export function isOpenPlan(status: PlanStatus): boolean {
  return OPEN_PLAN_STATUSES.includes(status);
}

export const GOAL_STATUSES = ['not_started', 'in_progress', 'achieved', 'not_achieved', 'dropped'] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

export const INTERVENTION_STATUSES = ['planned', 'in_progress', 'done', 'cancelled'] as const;
export type InterventionStatus = (typeof INTERVENTION_STATUSES)[number];

/** Interventions still to be done: what "My work" counts as due. */
export const OPEN_INTERVENTION_STATUSES: readonly InterventionStatus[] = ['planned', 'in_progress'];

/** A plan holds one goal per need; these caps keep a version one readable page. */
export const MAX_GOALS = 20;
export const MAX_INTERVENTIONS = 10;
export const MAX_PROGRESS_NOTES = 200;
/** Goals a draft takes from an assessment: its weakest domains, at most this many. */
export const GOALS_FROM_ASSESSMENT = 3;
export const GOAL_TEXT_MAX = 2_000;
export const NOTE_TEXT_MAX = 5_000;
export const COMMENT_MAX = 5_000;

/** A version can be submitted once it says what is to be done: at least one goal, each with an intervention. */
export function submitProblem(goals: readonly { interventions: readonly unknown[] }[]): string | undefined {
  if (goals.length === 0) return 'care-plans:errors.noGoals';
  if (goals.some((g) => g.interventions.length === 0)) return 'care-plans:errors.goalWithoutIntervention';
  return undefined;
}

/**
 * Reviews: a caseworker records one (it is then `submitted`), a supervisor signs it off (`approved`) or
 * returns it with a comment; the caseworker corrects a returned review and submits it again.
 */
export const REVIEW_STATUSES = ['submitted', 'approved', 'returned'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const REVIEW_ACTIONS = ['approve', 'return', 'resubmit'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

const REVIEW_MOVES: Readonly<Record<ReviewStatus, Partial<Record<ReviewAction, ReviewStatus>>>> = {
  submitted: { approve: 'approved', return: 'returned' },
  returned: { resubmit: 'submitted' },
  approved: {},
};

export function reviewMove(from: ReviewStatus, action: ReviewAction): ReviewStatus | undefined {
  return REVIEW_MOVES[from]?.[action];
}

/** Reviews not yet signed off; a case has at most one of them at a time. */
export const PENDING_REVIEW_STATUSES: readonly ReviewStatus[] = ['submitted', 'returned'];

/**
 * What a review decides: carry on with the plan, revise it (a new draft version, copied from the plan in
 * force, opens when the review is signed off), or propose closing the case (the closure proposal page).
 */
export const REVIEW_DECISIONS = ['continue', 'revise', 'close'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/**
 * The four-eyes rule: whoever submitted a version or a review never decides on it, whatever roles they
 * hold (audited with reason `own_submission`).
 */
export function mayDecide(submittedBy: string | undefined, deciderId: string): boolean {
  return Boolean(submittedBy) && submittedBy !== deciderId;
}

/** The organisation setting `reviewIntervalDays`: its default and the range an admin may set. */
export const DEFAULT_REVIEW_INTERVAL_DAYS = 90;
export const MIN_REVIEW_INTERVAL_DAYS = 7;
export const MAX_REVIEW_INTERVAL_DAYS = 730;
/** A review is "due" this many days before its date, and overdue from the day after it. */
export const REVIEW_DUE_WITHIN_DAYS = 7;

const DAY_MS = 86_400_000;

export function intervalDays(value: number | null | undefined): number {
  return Number.isInteger(value) && value! >= MIN_REVIEW_INTERVAL_DAYS && value! <= MAX_REVIEW_INTERVAL_DAYS ? value! : DEFAULT_REVIEW_INTERVAL_DAYS;
}

/**
 * When the next review of the plan in force is due: `interval` days after the later of the day the plan
 * was approved and the day of the last signed-off review (a calendar day, 00:00 UTC).
 */
export function nextReviewDue(approvedAt: Date, lastReviewOn: Date | undefined, interval: number): Date {
  const base = lastReviewOn && lastReviewOn > approvedAt ? lastReviewOn : approvedAt;
  return new Date(startOfDay(base).getTime() + intervalDays(interval) * DAY_MS);
}

export type ReviewTiming = 'upcoming' | 'due' | 'overdue';

/** Overdue from the day after the due date (domain/cases.ts `isOverdue`); due within the week before it. */
export function reviewTiming(due: Date, now: Date): ReviewTiming {
  if (isOverdue(due, now)) return 'overdue';
  return due.getTime() <= startOfDay(now).getTime() + REVIEW_DUE_WITHIN_DAYS * DAY_MS ? 'due' : 'upcoming';
}

/** Whole days from intake to the first approved plan (calendar days, never negative). */
export function daysBetween(from: Date, to: Date): number {
  return Math.max(0, Math.round((startOfDay(to).getTime() - startOfDay(from).getTime()) / DAY_MS));
}
