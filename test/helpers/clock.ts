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
