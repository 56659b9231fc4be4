import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { clock } from '../../lib/clock.js';
import { toLatinDigits } from '../../lib/i18n/format.js';
import { formToken } from '../../middleware/csrf.js';
import { startSession } from '../../middleware/current-user.js';
import { permit, returnPath } from '../../middleware/permit.js';
import { confirmEnrolment, pendingEnrolment, startEnrolment, verifySecondFactor } from '../../services/auth/mfa.js';
import { form, labelFields, parse, renderInvalid } from '../forms.js';

const codeForm = form({ code: z.string().trim().min(1).max(40), next: z.string().max(300).optional() });
const startForm = form({ start: z.literal('1') });
labelFields('auth/mfa', { code: 'auth:mfa.code' });
labelFields('auth/mfa-setup', { code: 'auth:mfa.code' });

/**
 * After the second factor: a fresh session id again (SECURITY.md S2), marked as fully signed in. A
 * language picked at sign-in that is not the profile's is offered, once, on the page the user lands on.
 */
async function completeSignIn(req: Request): Promise<void> {
  const { userId, epoch, startedAt, language } = req.session;
  const offer = language && language !== req.user!.locale ? { languageOffer: language } : {};
  await startSession(req, { userId, epoch, startedAt, seenAt: clock.ms(), mfa: true, ...offer });
}

export function mfaRoutes(limit: RequestHandler): Router {
  const router = Router();

  router.get('/mfa', permit('signed-in'), (req, res) => {
    if (req.mfaDone) return res.redirect(303, '/');
    if (!req.user!.mfaEnrolled) return res.redirect(303, '/mfa/setup');
    res.render('auth/mfa', { title: req.t('auth:mfa.title'), csrfToken: formToken(req), next: returnPath(req.query.next) });
  });

  router.post('/mfa', permit('signed-in'), limit, async (req, res) => {
    if (req.mfaDone) return res.redirect(303, '/');
    const locals = { title: req.t('auth:mfa.title'), csrfToken: formToken(req) };
    try {
      const input = parse(codeForm, req.body);
      const ok = await verifySecondFactor(req.caller!, toLatinDigits(input.code));
      if (!ok) return res.status(401).render('auth/mfa', { ...locals, next: returnPath(input.next), failed: true });
      await completeSignIn(req);
      res.redirect(303, returnPath(input.next) ?? '/');
    } catch (err) {
      renderInvalid(err, req, res, 'auth/mfa', locals);
    }
  });

  router.get('/mfa/setup', permit('signed-in'), async (req, res) => {
    if (req.user!.mfaEnrolled) return res.redirect(303, req.mfaDone ? '/account' : '/mfa');
    const enrolment = await pendingEnrolment(req.user!.id);
    res.render('auth/mfa-setup', { title: req.t('auth:mfaSetup.title'), csrfToken: formToken(req), enrolment });
  });

  // Either the start button (a new key) or the first code that confirms the key.
  router.post('/mfa/setup', permit('signed-in'), limit, async (req, res) => {
    if (req.user!.mfaEnrolled) return res.redirect(303, req.mfaDone ? '/account' : '/mfa');
    if ((req.body as { start?: unknown } | undefined)?.start === '1') {
      parse(startForm, req.body);
      await startEnrolment(req.user!.id);
      return res.redirect(303, '/mfa/setup');
    }
    try {
      const input = parse(codeForm, req.body);
      const codes = await confirmEnrolment(req.caller!, toLatinDigits(input.code));
      await completeSignIn(req);
      res.render('auth/recovery-codes', { title: req.t('auth:recovery.title'), codes });
    } catch (err) {
      const enrolment = await pendingEnrolment(req.user!.id);
      renderInvalid(err, req, res, 'auth/mfa-setup', { title: req.t('auth:mfaSetup.title'), csrfToken: formToken(req), enrolment });
    }
  });

  return router;
}
