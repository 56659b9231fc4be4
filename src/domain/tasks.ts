/**
 * The rules of a case's tasks (DOMAIN.md "Case note and follow-up visit: ... tasks with due dates"), and
 * of how due work reads on "My work". Pure: no imports beyond the domain.
 */
import { startOfDay } from './cases.js';

export const TASK_STATES = ['open', 'done'] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const TASK_ACTIONS = ['complete', 'reopen', 'assign'] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

/**
 * A task is open until someone marks it done, and can be reopened (a mistake is one click to fix). Only
 * an open task is (re)assigned: who did a done task is history, and its assignee no longer matters.
 */
const MOVES: Readonly<Record<TaskAction, { from: TaskState; to: TaskState }>> = {
  complete: { from: 'open', to: 'done' },
  reopen: { from: 'done', to: 'open' },
  assign: { from: 'open', to: 'open' },
};

/** Where the action takes a task in this state, or undefined when the machine refuses it. */
export function taskMove(state: TaskState, action: TaskAction): TaskState | undefined {
  const move = MOVES[action];
  return move.from === state ? move.to : undefined;
}

export function taskState(task: { doneAt?: unknown }): TaskState {
  return task.doneAt ? 'done' : 'open';
}

/** The people of a case, by id, as far as tasks are concerned. */
export interface CasePeople {
  caseworkerIds: readonly string[];
  supervisorId?: string | undefined;
}

/** Who may hold a case's tasks: its caseworkers, then its supervisor; each once. */
export function eligibleAssignees(c: CasePeople): string[] {
  return [...new Set([...c.caseworkerIds, ...(c.supervisorId ? [c.supervisorId] : [])])];
}

/** Whom a new task goes to when nobody is chosen: the case's first caseworker, else its supervisor. */
export function defaultAssignee(c: CasePeople): string | undefined {
  return c.caseworkerIds[0] ?? c.supervisorId;
}

/**
 * Whose task it is. A task with no assignee (every task made before tasks had one, and a task whose
 * assignee was taken off the case) is the case's first caseworker's; nobody's when the case has none.
 */
export function effectiveAssignee(assigneeId: string | undefined, c: CasePeople): string | undefined {
  if (assigneeId && eligibleAssignees(c).includes(assigneeId)) return assigneeId;
  return c.caseworkerIds[0];
}

/** Due work is counted this many days ahead (and every overdue item). */
export const WORK_HORIZON_DAYS = 7;
/** Within this many days, an item is "due soon". */
export const DUE_SOON_DAYS = 2;

const DAY_MS = 86_400_000;

/** How an item's day reads against today: late, today, in the next days, or later. */
export type DueMark = 'overdue' | 'today' | 'soon' | 'later';

/** Calendar days (00:00 UTC) compared with today's: overdue from the day after the due day (see isOverdue). */
export function dueMark(due: Date, now: Date): DueMark {
  const today = startOfDay(now).getTime();
  const day = startOfDay(due).getTime();
  if (day < today) return 'overdue';
  if (day === today) return 'today';
  return day - today <= DUE_SOON_DAYS * DAY_MS ? 'soon' : 'later';
}

/** The last day counted as due: today plus the horizon (items due on it are included). */
export function horizonEnd(now: Date, days = WORK_HORIZON_DAYS): Date {
  return new Date(startOfDay(now).getTime() + days * DAY_MS);
}

/** The last day that is overdue today: yesterday (items due on or before it are late). */
export function overdueEnd(now: Date): Date {
  return new Date(startOfDay(now).getTime() - DAY_MS);
}
