import { Router, type RequestHandler } from 'express';
import { loginRoutes } from './login.js';
import { mfaRoutes } from './mfa.js';
import { resetRoutes } from './reset.js';

/** Signing in and out, the second factor, password resets and invitations. */
export function authRoutes(limit: RequestHandler): Router {
  const router = Router();
  router.use(loginRoutes(limit));
  router.use(mfaRoutes(limit));
  router.use(resetRoutes(limit));
  return router;
}
