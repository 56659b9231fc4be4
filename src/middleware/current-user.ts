/**
 * Who is asking (ARCHITECTURE.md, request step 2). The user is loaded fresh on every request, so a
 * role change, a disabled account or revoked sessions take effect at once (SECURITY.md C6, A6, S5).
 * The idle and absolute limits are enforced here, on the server, by the session's own times (S3).
 */
import type { Request, RequestHandler } from 'express';
import type { Caller } from '../domain/permissions.js';
import { clock } from '../lib/clock.js';
import { callerOf, sessionUser, type SessionUser } from '../services/auth/auth.js';
import { ABSOLUTE_LIMIT_MS, IDLE_LIMIT_MS } from './session.js';

declare module 'express-serve-static-core' {
  interface Request {
    user?: SessionUser;
    caller?: Caller;
    /** The second factor is done for this session, or the user's roles need none. */
    mfaDone?: boolean;
  }
}

/** Seen-at is written at most once a minute, not on every request. */
const SEEN_RESOLUTION_MS = 60_000;

export function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}

/**
 * A new session id holding `fields`, saved before the caller answers. express-session would save it
 * only while the response ends, after the redirect's head has gone out, and a browser that follows
 * the redirect at once could arrive before the session exists and be sent back to sign in.
 */
export async function startSession(req: Request, fields: Partial<Request['session']>): Promise<void> {
  await regenerate(req);
  Object.assign(req.session, fields);
  await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
}

export const currentUser: RequestHandler = async (req, res, next) => {
  const data = req.session;
  if (!data?.userId) return next();
  const now = clock.ms();
  const expired = now - (data.startedAt ?? 0) > ABSOLUTE_LIMIT_MS || now - (data.seenAt ?? 0) > IDLE_LIMIT_MS;
  const user = expired ? undefined : await sessionUser(data.userId, data.epoch ?? -1);
  if (!user) {
    // Timed out, revoked, disabled or deleted: from here on this is an anonymous visitor.
    await regenerate(req);
    res.locals.sessionEnded = true;
    return next();
  }
  if (now - (data.seenAt ?? 0) > SEEN_RESOLUTION_MS) data.seenAt = now;
  req.user = user;
  req.caller = callerOf(user, req.ip);
  req.mfaDone = data.mfa === true || !user.mfaRequired;
  // The profile's language comes first (ARCHITECTURE.md, request step 3); until the second factor is
  // given, the language picked on the sign-in page does, so the whole sign-in reads in one language.
  const locale = !req.mfaDone && data.language ? data.language : user.locale;
  if (req.language !== locale && req.i18n) {
    await req.i18n.changeLanguage(locale);
    req.language = locale;
  }
  next();
};
