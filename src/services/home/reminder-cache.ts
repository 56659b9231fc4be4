/**
 * A short memory of each user's reminder counts (the header's "N due"), in this process only. It is
 * keyed by user id and remembers the roles, team and organisation the counts were made for, so one
 * user's counts are never shown to another, and a role change counts afresh. Any change to a case
 * (services/facts/facts.ts `refreshCaseFacts`) forgets them all in this process, so the next page shows
 * the change at once; other copies of Haven behind a load balancer show it within REMINDER_TTL_MS.
 */
import { clock } from '../../lib/clock.js';

export const REMINDER_TTL_MS = 60_000;
/** More users than this signed in on one process: the longest remembered are forgotten first. */
const MAX_USERS = 10_000;

interface Entry {
  fingerprint: string;
  at: number;
  value: Promise<unknown>;
}

const entries = new Map<string, Entry>();

/**
 * The counts remembered for the user under this fingerprint, if fresh, else `compute()`'s (remembered
 * from now; a failure is forgotten, so the next page tries again). A computation still running is
 * shared, so a burst of pages asks the database once.
 */
export function remembered<T>(userId: string, fingerprint: string, compute: () => Promise<T>): Promise<T> {
  const now = clock.ms();
  const found = entries.get(userId);
  if (found && found.fingerprint === fingerprint && now - found.at < REMINDER_TTL_MS) return found.value as Promise<T>;
  const value = compute();
  const entry: Entry = { fingerprint, at: now, value };
  entries.delete(userId);
  entries.set(userId, entry);
  if (entries.size > MAX_USERS) entries.delete(entries.keys().next().value!);
  value.catch(() => {
    if (entries.get(userId) === entry) entries.delete(userId);
  });
  return value;
}

/** Forgets the counts of these users (the people a task change concerns). */
export function forgetReminders(userIds: readonly unknown[]): void {
  for (const id of userIds) if (id) entries.delete(String(id));
}

/** Forgets everyone's counts (tests that move the clock or empty the database). */
export function forgetAllReminders(): void {
  entries.clear();
}
