/**
 * The in-app reminder in the header of every page a caseworker or supervisor sees: how many items of
 * their work are due within the horizon or overdue, and how many of those are overdue. Counted with the
 * same WorkSource functions as the start page, asked for no rows (each answers with a count query),
 * remembered per user for a minute (reminder-cache.ts), and never allowed to hold up a page: when the
 * counts take longer than REMINDER_WAIT_MS, or fail, the page goes without them.
 *
 * A user with both case roles gets the sum of the two; an item both roles see (a task assigned to them
 * on a case that is also their team's) is then counted twice, as the two blocks of the start page show it twice.
 */
import { can, type Caller } from '../../domain/permissions.js';
import { horizonEnd, overdueEnd } from '../../domain/tasks.js';
import { logger } from '../../lib/logger.js';
import { remembered } from './reminder-cache.js';
import { startContext, type CaseRole } from './start-page.js';
import { ROLE_WORK, WORK_SPECS, type WorkSpec } from './work-sources.js';
import type { WorkKind } from './work-items.js';

export interface Reminder {
  /** Items due within the horizon, overdue ones and decisions waiting included. */
  due: number;
  /** Of those, the ones past their day. */
  overdue: number;
}

/** How long a page waits for the counts before it is sent without them. */
let waitMs = 250;

/** Tests on a slow machine wait longer, and a test of the time-out waits less. */
export function setReminderWait(ms: number): void {
  waitMs = ms;
}

/** The case roles of the caller that have work to be reminded of. */
export function reminderRoles(caller: Caller): CaseRole[] {
  if (!can(caller.roles, 'case.read')) return [];
  return (['caseworker', 'supervisor'] as const).filter((r) => caller.roles.includes(r));
}

type Specs = Readonly<Record<WorkKind, WorkSpec>>;

/** The counts, straight from the sources (no memory): each source once up to the horizon, due ones again up to yesterday. */
export async function countReminder(caller: Caller, specs: Specs = WORK_SPECS): Promise<Reminder> {
  const ctx = startContext(caller);
  const horizon = horizonEnd(ctx.now);
  const late = overdueEnd(ctx.now);
  const counts = await Promise.all(
    reminderRoles(caller).flatMap((role) =>
      ROLE_WORK[role]
        .map((kind) => specs[kind])
        .filter((spec) => can(caller.roles, spec.action))
        .map(async (spec) => {
          const [due, overdue] = await Promise.all([spec.source(ctx, role, horizon, 0), spec.dated === 'due' ? spec.source(ctx, role, late, 0) : { total: 0 }]);
          return { due: due.total, overdue: overdue.total };
        }),
    ),
  );
  return counts.reduce((sum, c) => ({ due: sum.due + c.due, overdue: sum.overdue + c.overdue }), { due: 0, overdue: 0 });
}

/** The fingerprint of what the counts depend on besides the user: their roles, team and organisation. */
function fingerprint(caller: Caller): string {
  return JSON.stringify([caller.organisationId, [...caller.roles].sort(), caller.team ?? '']);
}

/**
 * The reminder for the caller's page, or undefined: for roles without case work, when the counts are
 * not ready within the wait (they go on, and the next page has them), or when the database failed.
 */
export async function reminderFor(caller: Caller, specs: Specs = WORK_SPECS): Promise<Reminder | undefined> {
  if (reminderRoles(caller).length === 0) return undefined;
  const counting = remembered(caller.userId, fingerprint(caller), () => countReminder(caller, specs));
  let timer: NodeJS.Timeout | undefined;
  try {
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), waitMs);
    });
    return await Promise.race([counting, late]);
  } catch (err) {
    // The page is more important than its reminder. No personal data: the error's class only.
    logger.warn({ error: (err as Error)?.name ?? 'unknown' }, 'reminder counts skipped');
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
