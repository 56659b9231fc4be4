/**
 * What users do for themselves: preferences, their password, accepting an invitation, resetting a
 * forgotten password (SECURITY.md A2, A3, A6).
 */
import { Types } from 'mongoose';
import { Invalid } from '../../domain/errors.js';
import type { Caller } from '../../domain/permissions.js';
import { config } from '../../config/index.js';
import { verifyPassword } from '../../lib/passwords.js';
import { logger } from '../../lib/logger.js';
import { sendMail } from '../../lib/mailer.js';
import { UserModel } from '../../models/user.js';
import { audit } from '../audit/audit.js';
import { normaliseEmail } from './auth.js';
import { acceptablePasswordHash } from './password-policy.js';
import { endSessions } from './sessions.js';
import { consumeToken, issueToken, peekToken } from './tokens.js';

/** Mail goes out in the recipient's language: the route hands over a way to translate into any locale. */
export type Translator = (locale: string) => (key: string, vars?: Record<string, string>) => string;

/**
 * The user's display preferences: language and calendar. Not audited: the audit log records who reached
 * what and who changed accounts, roles and access (L1); how someone's own pages are worded changes none
 * of that, and an auditor reading "user changes" for a breach report must not wade through language
 * switches. (A visitor's language, likewise, is only a cookie.)
 */
export async function updatePreferences(caller: Caller, input: { locale: string; calendar?: 'default' | 'gregory' }): Promise<void> {
  const set = input.calendar ? { locale: input.locale, calendar: input.calendar } : { locale: input.locale };
  await UserModel.updateOne({ _id: new Types.ObjectId(caller.userId) }, { $set: set });
}

/** Changes the password after checking the current one; every session ends. Returns the new epoch. */
export async function changePassword(caller: Caller, input: { current: string; next: string }): Promise<number> {
  const user = await UserModel.findById(caller.userId).lean();
  if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, input.current))) {
    await audit(caller, { action: 'password_change', outcome: 'failure', reason: 'wrong_credentials', recordType: 'user', recordId: caller.userId });
    throw new Invalid({ current: 'auth:password.errors.current' });
  }
  const passwordHash = await acceptablePasswordHash(input.next, user.email, user.organisationId, 'next');
  const epoch = await endSessions(user._id, { passwordHash, mustChangePassword: false });
  await audit(caller, { action: 'password_change', outcome: 'success', recordType: 'user', recordId: caller.userId });
  return epoch;
}

export function invitationUser(token: unknown) {
  return peekToken(token, 'invite');
}

export function resetUser(token: unknown) {
  return peekToken(token, 'reset');
}

/** The user a live link belongs to, if their account is in the state the link is for. */
async function linkHolder(token: unknown, purpose: 'invite' | 'reset') {
  const pending = await peekToken(token, purpose);
  const user = pending ? await UserModel.findById(pending).lean() : undefined;
  if (!user || user.status !== (purpose === 'invite' ? 'invited' : 'active')) throw new Invalid({ token: 'auth:token.invalid' });
  return user;
}

/** A new password from a link: the rules first (a refused password keeps the link usable), then the link is spent. */
async function passwordFromLink(token: unknown, purpose: 'invite' | 'reset', password: string) {
  const user = await linkHolder(token, purpose);
  const passwordHash = await acceptablePasswordHash(password, user.email, user.organisationId);
  if (!(await consumeToken(token, purpose))) throw new Invalid({ token: 'auth:token.invalid' });
  return { user, passwordHash };
}

/** Sets the invited user's first password; they then sign in and enrol their second factor. */
export async function acceptInvitation(token: unknown, password: string, ip: string | undefined): Promise<void> {
  const { user, passwordHash } = await passwordFromLink(token, 'invite', password);
  await UserModel.updateOne({ _id: user._id, status: 'invited' }, { $set: { passwordHash, status: 'active' } });
  await audit({ userId: String(user._id), organisationId: String(user.organisationId), ip }, { action: 'invitation_accepted', outcome: 'success', recordType: 'user', recordId: String(user._id) });
}

/**
 * Starts a reset. The answer never says whether the address is known (A3); the mail goes out in the
 * background so that its delay does not tell either.
 */
export async function requestReset(rawEmail: string, ip: string | undefined, translator: Translator): Promise<void> {
  const email = normaliseEmail(rawEmail);
  const user = await UserModel.findOne({ email, status: 'active' }).lean();
  await audit({ userId: user ? String(user._id) : undefined, organisationId: user ? String(user.organisationId) : undefined, ip }, { action: 'password_reset_request', outcome: user ? 'success' : 'failure', recordType: 'user', recordId: user ? String(user._id) : undefined });
  if (!user) return;
  const token = await issueToken(user._id, 'reset');
  const t = translator(user.locale);
  const link = `${config.baseUrl}/reset/password?token=${token}&lng=${user.locale}`;
  void sendMail({ to: user.email, subject: t('auth:mail.reset.subject'), text: t('auth:mail.reset.body', { link }) }).catch((err: unknown) => {
    logger.error({ err: { type: (err as Error)?.name } }, 'reset mail not sent');
  });
}

/** Sets a new password from a reset link; every session ends, and the next sign-in still asks for the code. */
export async function resetPassword(token: unknown, password: string, ip: string | undefined): Promise<void> {
  const { user, passwordHash } = await passwordFromLink(token, 'reset', password);
  await endSessions(user._id, { passwordHash, mustChangePassword: false });
  await audit({ userId: String(user._id), organisationId: String(user.organisationId), ip }, { action: 'password_reset', outcome: 'success', recordType: 'user', recordId: String(user._id) });
}
