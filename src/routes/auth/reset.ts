import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { Invalid } from '../../domain/errors.js';
import { formToken } from '../../middleware/csrf.js';
import { permit } from '../../middleware/permit.js';
import { acceptInvitation, invitationUser, requestReset, resetPassword, resetUser } from '../../services/auth/account.js';
import { form, labelFields, parse, renderInvalid, secret } from '../forms.js';
import { translatorFor } from './translator.js';

const requestForm = form({ email: z.string().trim().max(254) });
const passwordForm = form({ token: z.string().max(100), password: secret, confirm: secret });
labelFields('auth/set-password', { password: 'auth:password.new', confirm: 'auth:password.confirm' });

type Kind = 'reset' | 'invite';

function passwordLocals(req: Request, kind: Kind, token: string) {
  return {
    title: req.t(`auth:${kind}.title`),
    kind,
    action: kind === 'reset' ? '/reset/password' : '/invite',
    intro: `auth:${kind}.intro`,
    token: token.slice(0, 100),
    csrfToken: formToken(req),
  };
}

function tokenInvalid(req: Request, res: Response) {
  res.status(404).render('auth/token-invalid', { title: req.t('auth:token.title') });
}

async function setPassword(req: Request, res: Response, kind: Kind) {
  let input: z.infer<typeof passwordForm>;
  try {
    input = parse(passwordForm, req.body);
    if (input.password !== input.confirm) throw new Invalid({ confirm: 'auth:password.errors.mismatch' });
    if (kind === 'reset') await resetPassword(input.token, input.password, req.ip);
    else await acceptInvitation(input.token, input.password, req.ip);
  } catch (err) {
    const token = typeof (req.body as { token?: unknown })?.token === 'string' ? (req.body as { token: string }).token : '';
    if (err instanceof Invalid && err.fields.token) return tokenInvalid(req, res);
    return renderInvalid(err, req, res, 'auth/set-password', passwordLocals(req, kind, token));
  }
  res.redirect(303, `/login?${kind === 'reset' ? 'reset' : 'welcome'}=1`);
}

export function resetRoutes(limit: RequestHandler): Router {
  const router = Router();

  router.get('/reset', permit('public'), (req, res) => {
    res.render('auth/reset-request', { title: req.t('auth:reset.title'), csrfToken: formToken(req) });
  });

  // The same page whether or not the address is known (SECURITY.md A3).
  router.post('/reset', permit('public'), limit, async (req, res) => {
    try {
      const input = parse(requestForm, req.body);
      if (input.email) await requestReset(input.email, req.ip, translatorFor(req));
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
    }
    res.render('auth/reset-sent', { title: req.t('auth:reset.title') });
  });

  router.get('/reset/password', permit('public'), async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    if (!(await resetUser(token))) return tokenInvalid(req, res);
    res.render('auth/set-password', passwordLocals(req, 'reset', token));
  });

  router.post('/reset/password', permit('public'), limit, (req, res) => setPassword(req, res, 'reset'));

  router.get('/invite', permit('public'), async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    if (!(await invitationUser(token))) return tokenInvalid(req, res);
    res.render('auth/set-password', passwordLocals(req, 'invite', token));
  });

  router.post('/invite', permit('public'), limit, (req, res) => setPassword(req, res, 'invite'));

  return router;
}
