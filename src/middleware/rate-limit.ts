/**
 * The per-address limit on the sign-in, second-factor, reset and invitation forms (SECURITY.md A4),
 * separate from the per-account lockout. Generous, because a whole office often shares one address.
 */
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { TooManyAttempts } from '../domain/errors.js';
import { audit } from '../services/audit/audit.js';
import { DatabaseHitStore } from '../services/auth/rate-limit-store.js';

export interface IpLimitOptions {
  /** Attempts allowed per address in the window. */
  limit: number;
  windowMs: number;
}

export const IP_LIMIT_DEFAULTS: IpLimitOptions = { limit: 100, windowMs: 15 * 60_000 };

export function ipLimit(options: IpLimitOptions = IP_LIMIT_DEFAULTS): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: new DatabaseHitStore('auth-ip'),
    skip: (req) => req.method === 'GET' || req.method === 'HEAD',
    handler: (req, _res, next) => {
      audit({ ip: req.ip }, { action: 'sign_in', outcome: 'denied', reason: 'ip_limited' }).then(
        () => next(new TooManyAttempts()),
        next,
      );
    },
  });
}
