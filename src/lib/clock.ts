/**
 * The time as Haven sees it. Everything that expires (sessions, lockouts, tokens, TOTP steps) asks
 * this clock, so tests can move time forward instead of waiting (SECURITY.md S3, A4, A5).
 */
let source: () => number = () => Date.now();

export const clock = {
  now(): Date {
    return new Date(source());
  },
  ms(): number {
    return source();
  },
};

/** Tests only: replace the time source; call with no argument to go back to the real clock. */
export function setClock(next?: () => number): void {
  source = next ?? (() => Date.now());
}
