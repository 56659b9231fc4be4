/**
 * CSRF protection for every unsafe method (SECURITY.md O4, S4) with csrf-sync: a synchroniser token kept
 * in the session and sent back in a hidden form field. A request without the session's token gets 403.
 */
import { csrfSync } from 'csrf-sync';
import type { Request, RequestHandler } from 'express';
import { ANONYMOUS_LIMIT_MS } from './session.js';

const { csrfSynchronisedProtection, generateToken } = csrfSync({
  getTokenFromState: (req) => req.session?.csrfToken,
  storeTokenInState: (req, token) => {
    req.session.csrfToken = token;
  },
  getTokenFromRequest: (req) => {
    const fromBody = (req.body as Record<string, unknown> | undefined)?._csrf;
    if (typeof fromBody === 'string') return fromBody;
    const header = req.headers['x-csrf-token'];
    return typeof header === 'string' ? header : undefined;
  },
  size: 32,
});

export const csrfProtection: RequestHandler = csrfSynchronisedProtection;

/**
 * The token for a form on this page; creates the session's token the first time. A visitor who is not
 * signed in gets a session of an hour for it, not the 12 hours of a signed-in one.
 */
export function formToken(req: Request): string {
  if (!req.session.userId) req.session.cookie.maxAge = ANONYMOUS_LIMIT_MS;
  return generateToken(req);
}

/** Signed-in pages carry forms in the header (sign out, language), so they always get a token. */
export const csrfLocals: RequestHandler = (req, res, next) => {
  if (req.user) res.locals.csrfToken = formToken(req);
  next();
};
