/**
 * "My work": what a caseworker or supervisor has to do, gathered from every feature. Each feature
 * provides one or more WorkSource functions that read its own records for the caller's cases; the
 * start page shows one block per kind with its count, and the reminders count what is due soon.
 */
import type { Types } from 'mongoose';
import type { CaseRole, StartContext } from './start-page.js';

export const WORK_KINDS = ['task', 'review', 'intervention', 'hearing', 'follow_up', 'plan_approval', 'review_approval', 'closure_approval', 'referral_waiting', 'referral_message'] as const;
export type WorkKind = (typeof WORK_KINDS)[number];

export interface WorkItem {
  kind: WorkKind;
  caseId: Types.ObjectId;
  caseNumber: string;
  /** The calendar day it is due (00:00 UTC); for a decision, the day it was submitted; for a message, when it came. */
  due: Date;
  /** Where the caller acts on it. */
  href: string;
  /** What it is, as an i18n key of the feature's namespace and its values; never a person's name or typed text. */
  labelKey: string;
  labelValues?: Record<string, string | number>;
  /**
   * Text someone typed that names the item (a task's title), opened for this caller, who may read the
   * case. Shown escaped, as written; sources whose items have no such text leave it out.
   */
  title?: string;
  /** The staff member the item is for, by name, when that is not the caller (a supervisor's view of the team). */
  assignee?: string;
}

/**
 * Items of one kind for the caller in one case role (a caseworker's own cases, a supervisor's team),
 * due on or before `until` (overdue ones included), soonest first, at most `limit` of them, and how
 * many there are in all.
 */
export type WorkSource = (ctx: StartContext, role: CaseRole, until: Date, limit: number) => Promise<{ items: WorkItem[]; total: number }>;

/** No items: what a source returns for a role it does not serve. */
export const NOTHING: { items: WorkItem[]; total: number } = Object.freeze({ items: [], total: 0 }) as { items: WorkItem[]; total: number };
