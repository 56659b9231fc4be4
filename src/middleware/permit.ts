/**
 * Each route names the permission it needs (SECURITY.md C1, default deny; STYLE.md 5). The handler
 * carries that name, so the authorization test can list every route with its permission and fail on a
 * route that has none.
 */
import type { Request, RequestHandler } from 'express';
import type { RoutePermission } from '../domain/permissions.js';
import { requireAction } from '../services/access.js';

export type PermitHandler = RequestHandler & { permission: RoutePermission };

/** Where to go back to after signing in: a local path only, never another site. */
export function returnPath(value: unknown): string | undefined {
  return typeof value === 'string' && /^\/(?![/\\])[\w\-./?=&%@+:,]*$/.test(value) && value.length < 300 ? value : undefined;
}

function toSignIn(req: Request): string {
  return req.method === 'GET' ? `/login?next=${encodeURIComponent(req.originalUrl)}` : '/login';
}

export function permit(permission: RoutePermission): PermitHandler {
  const handler: RequestHandler = async (req, res, next) => {
    if (permission === 'public') return next();
    if (!req.user || !req.caller) return res.redirect(303, toSignIn(req));
    if (permission === 'signed-in') return next();
    if (!req.mfaDone) return res.redirect(303, req.user.mfaEnrolled ? '/mfa' : '/mfa/setup');
    if (req.user.mustChangePassword && req.path !== '/account/password') return res.redirect(303, '/account/password');
    if (permission !== 'account') await requireAction(req.caller, permission, req.path);
    next();
  };
  return Object.assign(handler, { permission });
}
