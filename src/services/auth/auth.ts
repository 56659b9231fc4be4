/**
 * Signing in (SECURITY.md A1-A4) and who the session belongs to (S1-S5). Failures are indistinguishable:
 * an unknown email, a wrong password, a disabled or not yet activated account all end the same way,
 * after the same amount of work.
 */
import { TooManyAttempts } from '../../domain/errors.js';
import { requiresMfa, type Caller, type Role } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { keyedHash } from '../../lib/crypto.js';
import { verifyAgainstNothing, verifyPassword } from '../../lib/passwords.js';
import { LoginThrottleModel } from '../../models/login-throttle.js';
import { UserModel } from '../../models/user.js';
import { audit } from '../audit/audit.js';
import { changeOrCreate } from '../create-if-missing.js';
import { startEnrolment } from './mfa.js';

export const LOCKOUT = { failures: 6, windowMs: 15 * 60_000, lockMs: 30 * 60_000 } as const;

/** The wrong email or password: one error for every cause. */
export class SignInFailed extends Error {
  override name = 'SignInFailed';
}

export interface SignedIn {
  userId: string;
  epoch: number;
  /** What the second factor still needs: nothing, a code, or enrolment first. */
  mfa: 'none' | 'verify' | 'enrol';
  /** The profile's language, so that a language picked at sign-in can be offered when it differs. */
  locale: string;
}

function throttleKey(email: string): string {
  return keyedHash('sign-in-throttle', email);
}

export function normaliseEmail(email: string): string {
  return email.normalize('NFC').trim().toLocaleLowerCase('en');
}

export async function signIn(input: { email: string; password: string }, ip: string | undefined): Promise<SignedIn> {
  const email = normaliseEmail(input.email);
  const key = throttleKey(email);
  const now = clock.now();
  const throttle = await LoginThrottleModel.findById(key).lean();
  const user = await UserModel.findOne({ email }).lean();
  const actor = { userId: user ? String(user._id) : undefined, organisationId: user ? String(user.organisationId) : undefined, ip };

  if (throttle?.lockedUntil && throttle.lockedUntil > now) {
    await audit(actor, { action: 'sign_in', outcome: 'denied', reason: 'locked', recordType: 'user', recordId: actor.userId });
    throw new TooManyAttempts();
  }

  const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, input.password) : await verifyAgainstNothing(input.password);
  if (!ok || !user || user.status !== 'active') {
    await recordFailure(key, now, actor);
    throw new SignInFailed();
  }

  if (throttle) await LoginThrottleModel.deleteOne({ _id: key });
  const roles = user.roles as Role[];
  await audit({ ...actor, roles }, { action: 'sign_in', outcome: 'success', recordType: 'user', recordId: actor.userId });
  const mfa = !requiresMfa(roles) ? 'none' : user.mfa?.secret ? 'verify' : 'enrol';
  if (mfa === 'enrol') await startEnrolment(String(user._id));
  return { userId: String(user._id), epoch: user.sessionEpoch ?? 0, mfa, locale: user.locale };
}

interface ThrottleState {
  failures: Date[];
  lockedUntil?: Date | null | undefined;
}

/** A throttle is kept while anything in it still counts. */
function expiry(now: Date): Date {
  return new Date(now.getTime() + Math.max(LOCKOUT.windowMs, LOCKOUT.lockMs));
}

/** Whether the account is locked at `now`. */
function lockedAt(state: ThrottleState | null | undefined, now: Date): boolean {
  return Boolean(state?.lockedUntil && state.lockedUntil > now);
}

/**
 * The rule for one more failure: the failures of the last window plus this one; the one that makes
 * `LOCKOUT.failures` locks the account and clears the list. A failure while locked changes nothing
 * (another attempt, running at the same time, locked it).
 */
function afterFailure(state: ThrottleState | null | undefined, now: Date): ThrottleState & { locks: boolean } {
  if (state && lockedAt(state, now)) return { failures: state.failures, lockedUntil: state.lockedUntil, locks: false };
  const recent = [...(state?.failures ?? []).filter((t) => now.getTime() - t.getTime() < LOCKOUT.windowMs), now];
  const locks = recent.length >= LOCKOUT.failures;
  return { failures: locks ? [] : recent.slice(-LOCKOUT.failures), lockedUntil: locks ? new Date(now.getTime() + LOCKOUT.lockMs) : null, locks };
}

/** `afterFailure` as an update pipeline, so that concurrent failures each count (one atomic step each). */
function failurePipeline(now: Date) {
  const locked = { $gt: ['$lockedUntil', now] };
  const recent = { $concatArrays: [{ $filter: { input: { $ifNull: ['$failures', []] }, cond: { $gt: ['$$this', new Date(now.getTime() - LOCKOUT.windowMs)] } } }, [now]] };
  const locks = { $gte: [{ $size: recent }, LOCKOUT.failures] };
  return [
    {
      $set: {
        failures: { $cond: [locked, '$failures', { $cond: [locks, [], { $slice: [recent, -LOCKOUT.failures] }] }] },
        lockedUntil: { $cond: [locked, '$lockedUntil', { $cond: [locks, new Date(now.getTime() + LOCKOUT.lockMs), null] }] },
        expiresAt: { $cond: [locked, '$expiresAt', expiry(now)] },
      },
    },
  ];
}

/**
 * Counts a failure. Attempts on one account may run at once (a script guessing in parallel), so the
 * count is changed in the database, never written back from what this request read: the document as
 * it was just before this failure tells whether this one locked the account.
 */
async function recordFailure(key: string, now: Date, actor: { userId?: string | undefined; organisationId?: string | undefined; ip?: string | undefined }): Promise<void> {
  // Nothing was there before when this failure created the document.
  const previous = await changeOrCreate<ThrottleState | undefined>(
    () => LoginThrottleModel.findOneAndUpdate({ _id: key }, failurePipeline(now), { returnDocument: 'before', updatePipeline: true }).lean<ThrottleState>(),
    async () => {
      const { failures, lockedUntil } = afterFailure(undefined, now);
      await LoginThrottleModel.create({ _id: key, failures, lockedUntil, expiresAt: expiry(now) });
      return undefined;
    },
  );
  const { locks } = afterFailure(previous, now);
  await audit(actor, { action: 'sign_in', outcome: 'failure', reason: 'wrong_credentials', recordType: 'user', recordId: actor.userId });
  if (locks) {
    await audit(actor, { action: 'account_locked', outcome: 'denied', reason: 'locked', recordType: 'user', recordId: actor.userId });
    throw new TooManyAttempts();
  }
  if (lockedAt(previous, now)) throw new TooManyAttempts();
}

/** What each request needs to know about the signed-in user; loaded fresh every time (C6, A6). */
export interface SessionUser {
  id: string;
  name: string;
  email: string;
  organisationId: string;
  roles: Role[];
  team: string | undefined;
  locale: string;
  calendar: 'default' | 'gregory';
  epoch: number;
  mfaEnrolled: boolean;
  mfaRequired: boolean;
  mustChangePassword: boolean;
}

/** The user behind a session, or undefined when they are gone, disabled, or their sessions were ended. */
export async function sessionUser(userId: string, epoch: number): Promise<SessionUser | undefined> {
  if (!/^[0-9a-f]{24}$/.test(userId)) return undefined;
  const user = await UserModel.findById(userId).lean();
  if (!user || user.status !== 'active' || (user.sessionEpoch ?? 0) !== epoch) return undefined;
  const roles = user.roles as Role[];
  return {
    id: String(user._id),
    name: user.name,
    email: user.email,
    organisationId: String(user.organisationId),
    roles,
    team: user.team ?? undefined,
    locale: user.locale,
    calendar: user.calendar ?? 'default',
    epoch: user.sessionEpoch ?? 0,
    mfaEnrolled: Boolean(user.mfa?.secret),
    mfaRequired: requiresMfa(roles),
    mustChangePassword: user.mustChangePassword ?? false,
  };
}

export function callerOf(user: SessionUser, ip: string | undefined): Caller {
  return { userId: user.id, organisationId: user.organisationId, roles: user.roles, team: user.team, ip };
}

export async function signOut(caller: Caller): Promise<void> {
  await audit(caller, { action: 'sign_out', outcome: 'success', recordType: 'user', recordId: caller.userId });
}
