import { Router, type Request } from 'express';
import { z } from 'zod';
import { Invalid } from '../../domain/errors.js';
import { LOCALES } from '../../domain/locales.js';
import { clock } from '../../lib/clock.js';
import { startSession } from '../../middleware/current-user.js';
import { permit, returnPath } from '../../middleware/permit.js';
import { changePassword, updatePreferences } from '../../services/auth/account.js';
import { recoveryCodesLeft, renewRecoveryCodes } from '../../services/auth/mfa.js';
import { form, labelFields, parse, renderInvalid, secret } from '../forms.js';

const preferencesForm = form({ locale: z.enum(LOCALES), calendar: z.enum(['default', 'gregory']) });
const languageForm = form({ locale: z.enum(LOCALES), returnTo: z.string().max(300).optional() });
const passwordForm = form({ current: secret, next: secret, confirm: secret });
labelFields('account/index', { locale: 'account:preferences.language', calendar: 'account:preferences.calendar' });
labelFields('account/password', { current: 'account:password.current', next: 'auth:password.new', confirm: 'auth:password.confirm' });

async function accountLocals(req: Request) {
  const user = req.user!;
  return {
    title: req.t('account:title'),
    account: { name: user.name, email: user.email, locale: user.locale, calendar: user.calendar, mfaEnrolled: user.mfaEnrolled },
    recoveryLeft: await recoveryCodesLeft(user.id),
    saved: req.query.saved === '1',
  };
}

export const accountRoutes = Router();

accountRoutes.get('/account', permit('account'), async (req, res) => {
  res.locals.page.section = 'account';
  res.render('account/index', await accountLocals(req));
});

accountRoutes.post('/account/preferences', permit('account'), async (req, res) => {
  try {
    await updatePreferences(req.caller!, parse(preferencesForm, req.body));
    res.redirect(303, '/account?saved=1');
  } catch (err) {
    renderInvalid(err, req, res, 'account/index', await accountLocals(req));
  }
});

/**
 * The confirmations a page shows once, after a save, from its address (`?done=`, `?saved=`): going back
 * to the page in another language must not say "saved" again for a save that was not repeated.
 */
const FLASH_PARAMETERS = ['done', 'saved', 'reset', 'welcome', 'ended', 'lng'];

export function withoutFlash(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const url = new URL(path, 'http://haven.invalid');
  for (const name of FLASH_PARAMETERS) url.searchParams.delete(name);
  return `${url.pathname}${url.search}`;
}

// The language menu of a signed-in user: a small form, since a GET may not change the profile (O4).
// Before the second factor it changes only this sign-in's language, never the profile: a password
// alone does not get to change an account.
accountRoutes.post('/account/language', permit('signed-in'), async (req, res) => {
  const input = parse(languageForm, req.body);
  if (req.mfaDone) await updatePreferences(req.caller!, { locale: input.locale });
  else req.session.language = input.locale;
  delete req.session.languageOffer;
  // Checked again after the rewrite: whatever URL made of it, only a local path goes out.
  res.redirect(303, returnPath(withoutFlash(returnPath(input.returnTo))) ?? '/');
});

accountRoutes.get('/account/password', permit('account'), (req, res) => {
  res.render('account/password', { title: req.t('account:password.title'), forced: req.user!.mustChangePassword });
});

accountRoutes.post('/account/password', permit('account'), async (req, res) => {
  try {
    const input = parse(passwordForm, req.body);
    if (input.next !== input.confirm) throw new Invalid({ confirm: 'auth:password.errors.mismatch' });
    const epoch = await changePassword(req.caller!, { current: input.current, next: input.next });
    // Every other session has ended; this one continues under a new id and the new epoch.
    const { userId, startedAt } = req.session;
    await startSession(req, { userId, epoch, startedAt, seenAt: clock.ms(), mfa: true });
    res.redirect(303, '/account?saved=1');
  } catch (err) {
    renderInvalid(err, req, res, 'account/password', { title: req.t('account:password.title'), forced: req.user!.mustChangePassword });
  }
});

accountRoutes.post('/account/recovery-codes', permit('account'), async (req, res) => {
  const codes = await renewRecoveryCodes(req.caller!);
  res.render('auth/recovery-codes', { title: req.t('auth:recovery.title'), codes, fromAccount: true });
});
