/**
 * Every kind of "My work" item, with the feature function that finds it (work-items.ts WorkSource),
 * the case roles it is shown for, and how its date reads: a day something is due (overdue when past),
 * or the day a decision was asked for (never "overdue", longest waiting first), or when a message came
 * (never "overdue", newest first). The start page shows
 * one block per kind and role from this table; the header's reminder counts from the same sources.
 */
import type { Action } from '../../domain/permissions.js';
import { interventionsDue, plansAwaitingApproval, reviewsAwaitingApproval, reviewsDue } from '../care/work.js';
import { closuresAwaitingApproval, followUpsDue } from '../cases/closure-work.js';
import { tasksDue } from '../cases/task-work.js';
import { hearingsDue } from '../legal/work.js';
import { partnerMessages, referralsWaiting } from '../referrals/work.js';
import type { CaseRole } from './start-page.js';
import type { WorkKind, WorkSource } from './work-items.js';

export type WorkDated = 'due' | 'submitted' | 'received';

export interface WorkSpec {
  kind: WorkKind;
  source: WorkSource;
  /** `due`: the item's day is when it is due; `submitted`: when a decision was asked for; `received`: when a message came. */
  dated: WorkDated;
  /** The case roles whose start page has this block. */
  roles: readonly CaseRole[];
  /** What the block needs beyond reading cases (the decision itself). */
  action: Action;
  /** Shown even with nothing in it (the one kind every case has); other kinds show only when there is work. */
  always: boolean;
}

export const WORK_SPECS: Readonly<Record<WorkKind, WorkSpec>> = Object.freeze({
  task: { kind: 'task', source: tasksDue, dated: 'due', roles: ['caseworker', 'supervisor'], action: 'case.read', always: true },
  review: { kind: 'review', source: reviewsDue, dated: 'due', roles: ['caseworker', 'supervisor'], action: 'case.read', always: false },
  intervention: { kind: 'intervention', source: interventionsDue, dated: 'due', roles: ['caseworker', 'supervisor'], action: 'case.read', always: false },
  hearing: { kind: 'hearing', source: hearingsDue, dated: 'due', roles: ['caseworker', 'supervisor'], action: 'case.read', always: false },
  follow_up: { kind: 'follow_up', source: followUpsDue, dated: 'due', roles: ['caseworker', 'supervisor'], action: 'case.read', always: false },
  plan_approval: { kind: 'plan_approval', source: plansAwaitingApproval, dated: 'submitted', roles: ['supervisor'], action: 'careplan.approve', always: false },
  review_approval: { kind: 'review_approval', source: reviewsAwaitingApproval, dated: 'submitted', roles: ['supervisor'], action: 'careplan.approve', always: false },
  closure_approval: { kind: 'closure_approval', source: closuresAwaitingApproval, dated: 'submitted', roles: ['supervisor'], action: 'case.close', always: false },
  referral_waiting: { kind: 'referral_waiting', source: referralsWaiting, dated: 'due', roles: ['caseworker', 'supervisor'], action: 'referral.send', always: false },
  referral_message: { kind: 'referral_message', source: partnerMessages, dated: 'received', roles: ['caseworker', 'supervisor'], action: 'referral.send', always: false },
});

/** The kinds a role's start page shows, decisions first for a supervisor, then what falls due. */
export const ROLE_WORK: Readonly<Record<CaseRole, readonly WorkKind[]>> = Object.freeze({
  caseworker: ['task', 'review', 'intervention', 'hearing', 'follow_up', 'referral_message', 'referral_waiting'],
  supervisor: ['plan_approval', 'review_approval', 'closure_approval', 'task', 'review', 'intervention', 'hearing', 'follow_up', 'referral_message', 'referral_waiting'],
});

/** The kind as it appears in addresses (`/work?kind=follow-up`) and block ids (`my-follow-ups`). */
export const WORK_SLUGS: Readonly<Record<WorkKind, string>> = Object.freeze({
  task: 'tasks',
  review: 'reviews',
  intervention: 'interventions',
  hearing: 'hearings',
  follow_up: 'follow-ups',
  plan_approval: 'plan-approvals',
  review_approval: 'review-approvals',
  closure_approval: 'closure-approvals',
  referral_waiting: 'referrals-waiting',
  referral_message: 'referral-messages',
});
