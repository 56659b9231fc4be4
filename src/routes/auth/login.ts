import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { TooManyAttempts } from '../../domain/errors.js';
import { clock } from '../../lib/clock.js';
import { pickedLanguage } from '../../lib/i18n/index.js';
import { formToken } from '../../middleware/csrf.js';
import { startSession } from '../../middleware/current-user.js';
import { permit, returnPath } from '../../middleware/permit.js';
import { SignInFailed, signIn, signOut } from '../../services/auth/auth.js';
import { form, parse, secret } from '../forms.js';

const loginForm = form({ email: z.string().trim().max(254), password: secret.max(1024), next: z.string().max(300).optional() });

function renderLogin(req: Request, res: Response, status: number, locals: Record<string, unknown> = {}) {
  res.locals.page.section = 'login';
  res.status(status).render('auth/login', {
    title: req.t('auth:login.title'),
    csrfToken: formToken(req),
    next: returnPath(req.query.next ?? (req.body as { next?: unknown } | undefined)?.next),
    ended: res.locals.sessionEnded === true || req.query.ended === '1',
    notice: req.query.reset === '1' ? 'auth:login.resetDone' : req.query.welcome === '1' ? 'auth:login.welcome' : undefined,
    ...locals,
  });
}

export function loginRoutes(limit: RequestHandler): Router {
  const router = Router();

  router.get('/login', permit('public'), (req, res) => {
    if (req.user && req.mfaDone) return res.redirect(303, '/');
    renderLogin(req, res, 200);
  });

  router.post('/login', permit('public'), limit, async (req, res) => {
    let input: z.infer<typeof loginForm>;
    try {
      input = parse(loginForm, req.body);
    } catch {
      return renderLogin(req, res, 401, { failed: true });
    }
    try {
      const result = await signIn(input, req.ip);
      // A new session id at sign-in (SECURITY.md S2); the second factor gets yet another.
      const now = clock.ms();
      // The language picked on this page stays through the second factor, then is offered for the profile.
      const picked = pickedLanguage(req);
      const language = picked && picked !== result.locale ? (result.mfa === 'none' ? { languageOffer: picked } : { language: picked }) : {};
      await startSession(req, { userId: result.userId, epoch: result.epoch, mfa: result.mfa === 'none', startedAt: now, seenAt: now, ...language });
      // Signed in, the start page (`/`) is where everyone lands, unless the sign-in came from a page.
      const next = returnPath(input.next) ?? '/';
      if (result.mfa === 'none') return res.redirect(303, next);
      return res.redirect(303, result.mfa === 'verify' ? `/mfa?next=${encodeURIComponent(next)}` : '/mfa/setup');
    } catch (err) {
      // One answer for every failure (A3): same status, same page, same words.
      if (err instanceof SignInFailed) return renderLogin(req, res, 401, { failed: true, email: input.email });
      if (err instanceof TooManyAttempts) return renderLogin(req, res, 429, { locked: true });
      throw err;
    }
  });

  router.post('/logout', permit('signed-in'), async (req, res) => {
    await signOut(req.caller!);
    await new Promise<void>((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
    res.clearCookie(req.app.get('session cookie') as string, { path: '/' });
    res.redirect(303, '/login?ended=1');
  });

  return router;
}
