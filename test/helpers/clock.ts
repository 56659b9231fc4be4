/**
 * The test clock: real time plus an offset that tests move forward (session time-outs, lockouts,
 * token expiry, TOTP steps) instead of waiting.
 */
import { setClock } from '../../src/lib/clock.js';

let offset = 0;
setClock(() => Date.now() + offset);

export function advance(ms: number): void {
  offset += ms;
}

export function now(): number {
  return Date.now() + offset;
}

/** A calendar day `days` from the test clock's today (UTC), as `YYYY-MM-DD`, the way a date field takes it. */
export function dayFromNow(days: number): string {
  return new Date(now() + days * 86_400_000).toISOString().slice(0, 10);
}
