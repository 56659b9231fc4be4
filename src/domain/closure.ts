/**
 * Closing a case with a supervisor's approval, and the follow-up visits after a reintegration (DOMAIN.md
 * "States": "A caseworker proposes a closure; a supervisor approves it or returns it"; "Outcomes":
 * "children still safe at 6 and 12 months after reintegration"). Pure: imports only from the domain.
 *
 * Which reasons a case may close with, and where a reopened case goes, are the case's own rules
 * (domain/cases.ts `closureReasonsFrom`, `reopenedStatus`); this file holds the steps around them.
 */
import { startOfDay, isOverdue, type CaseStatus } from './cases.js';

/** The states a closure proposal document is stored in. */
export const PROPOSAL_STATUSES = ['proposed', 'approved', 'returned'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/**
 * Where a case stands on its way to closure: no proposal (or the last cycle ended in a reopening), a
 * proposal waiting for a supervisor, a proposal returned to the caseworker, or approved (the case is
 * closed).
 */
export const CLOSURE_STATES = ['none', 'proposed', 'returned', 'approved'] as const;
export type ClosureState = (typeof CLOSURE_STATES)[number];

export const CLOSURE_MOVES = ['propose', 'approve', 'return', 'reopen'] as const;
export type ClosureMove = (typeof CLOSURE_MOVES)[number];

/**
 * The machine: none -> proposed -> approved | returned; returned -> proposed (proposed again, as a new
 * proposal); approved -> none by reopening the case. One proposal at a time: nothing is proposed while
 * one waits. Any other move is refused (422) and changes nothing.
 */
const MOVES: Readonly<Record<ClosureState, Partial<Record<ClosureMove, ClosureState>>>> = {
  none: { propose: 'proposed' },
  proposed: { approve: 'approved', return: 'returned' },
  returned: { propose: 'proposed' },
  approved: { reopen: 'none' },
};

/** The state a move leads to, or undefined when the machine refuses it. */
export function closureMove(from: ClosureState, move: ClosureMove): ClosureState | undefined {
  return MOVES[from][move];
}

/**
 * A case's closure state, from its status and its latest proposal. A closed case is approved whether
 * or not a proposal closed it (cases closed before approvals existed); an approved proposal of a case
 * that is no longer closed belongs to a cycle its reopening ended.
 */
export function closureState(caseStatus: CaseStatus, latest: ProposalStatus | undefined): ClosureState {
  if (caseStatus === 'closed') return 'approved';
  if (latest === 'proposed') return 'proposed';
  if (latest === 'returned') return 'returned';
  return 'none';
}

/**
 * Four eyes: whoever proposed a closure never decides it, even when they hold the supervisor role too
 * (a supervisor's own proposal waits for another supervisor of the team).
 */
export function isOwnSubmission(proposedBy: string, deciderId: string): boolean {
  return proposedBy === deciderId;
}

/** Closures after which the child is visited again: back with the family, or with relatives. */
export const FOLLOW_UP_REASONS: readonly string[] = ['reintegrated_family', 'kinship_care'];
/** Months after the date of closure at which a follow-up visit is due. */
export const FOLLOW_UP_MONTHS: readonly number[] = [6, 12];
/** A follow-up visit counts as due from this many days before its date (a visit is planned ahead). */
export const FOLLOW_UP_DUE_DAYS = 30;

export const FOLLOW_UP_STATUSES = ['scheduled', 'recorded', 'cancelled'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

/**
 * The same calendar day `months` later (dates are days at 00:00 UTC); a day the month does not have
 * becomes its last day (31 August + 6 months is 28 or 29 February).
 */
export function addMonths(day: Date, months: number): Date {
  const y = day.getUTCFullYear();
  const m = day.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(day.getUTCDate(), last)));
}

/** The follow-up visits a closure schedules: at 6 and 12 months for a reintegration, none otherwise. */
export function followUpsFor(reason: string, closedOn: Date): { months: number; dueDate: Date }[] {
  if (!FOLLOW_UP_REASONS.includes(reason)) return [];
  return FOLLOW_UP_MONTHS.map((months) => ({ months, dueDate: addMonths(startOfDay(closedOn), months) }));
}

/** A scheduled visit is recorded once, or cancelled when the case is reopened; both are final. */
export function mayRecordFollowUp(status: FollowUpStatus): boolean {
  return status === 'scheduled';
}

export type FollowUpStanding = 'upcoming' | 'due' | 'overdue' | 'recorded' | 'cancelled';

/**
 * How a follow-up visit stands today: upcoming, due (from FOLLOW_UP_DUE_DAYS before its date to the
 * date itself), overdue (from the day after, the one overdue rule of domain/cases.ts), or done with.
 */
export function followUpStanding(status: FollowUpStatus, dueDate: Date, now: Date): FollowUpStanding {
  if (status !== 'scheduled') return status;
  if (isOverdue(dueDate, now)) return 'overdue';
  const dueFrom = new Date(dueDate.getTime() - FOLLOW_UP_DUE_DAYS * 86_400_000);
  return startOfDay(now) >= dueFrom ? 'due' : 'upcoming';
}
