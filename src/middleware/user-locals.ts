import type { Request, RequestHandler } from 'express';
import { LOCALES, LOCALE_INFO, type Locale } from '../domain/locales.js';
import { can } from '../domain/permissions.js';
import { reminderFor } from '../services/home/reminders.js';
import { unreadCount } from '../services/notifications/list.js';
import { languageLocals, type PageLocals } from './page-locals.js';

/**
 * The language picked at sign-in, offered once as the profile's on the first page after it (when it
 * differs from the profile's), in that language: the user picked it because they read it.
 */
function languageOffer(req: Request) {
  const offer = req.session?.languageOffer;
  if (!offer || req.method !== 'GET' || !req.mfaDone || !(LOCALES as readonly string[]).includes(offer)) return undefined;
  delete req.session.languageOffer;
  if (offer === req.user!.locale) return undefined;
  const t = req.i18n.getFixedT(offer);
  const plain = { interpolation: { escapeValue: false } };
  const language = LOCALE_INFO[offer as Locale].autonym;
  const current = LOCALE_INFO[req.user!.locale as Locale]?.autonym ?? req.user!.locale;
  return {
    lang: offer,
    locale: offer,
    current: req.user!.locale,
    question: t('account:languageOffer.question', { language, ...plain }),
    accept: t('account:languageOffer.accept', { language, ...plain }),
    keep: t('account:languageOffer.keep', { language: current, ...plain }),
  };
}

/**
 * What the layout shows a signed-in user: the page in their profile's language and calendar, their
 * name, the sections their roles open, their unread notifications, and for case work the reminder of what is due (pages only:
 * a GET, signed in all the way; it never holds the page up, see services/home/reminders.ts).
 */
export function userLocals(options: { reviewed: ReadonlySet<string> }): RequestHandler {
  return async (req, res, next) => {
    const user = req.user;
    if (user) {
      const page = res.locals.page as PageLocals;
      // The profile's language, or the one picked at sign-in while the second factor is still due.
      const lang = req.language ?? user.locale;
      if (page.lang !== lang) {
        Object.assign(page, languageLocals(lang, options.reviewed));
        res.setHeader('Content-Language', lang);
      }
      res.locals.languageOffer = languageOffer(req);
      page.calendar = user.calendar;
      res.locals.signedIn = {
        name: user.name,
        complete: req.mfaDone === true,
        admin: can(user.roles, 'admin.users'),
        audit: can(user.roles, 'audit.read'),
        cases: can(user.roles, 'case.list'),
        partner: can(user.roles, 'referral.respond'),
        // In the menu for those whose work is the reports (managers); a supervisor, whose work is the
        // cases, finds the team's report from the start page, and the menu stays short on a phone.
        reports: can(user.roles, 'report.read') && !can(user.roles, 'case.read'),
        teamReport: can(user.roles, 'report.read') && Boolean(user.team),
        returnTo: req.originalUrl.slice(0, 300),
      };
      if (req.method === 'GET' && req.mfaDone && req.caller && !user.mustChangePassword) {
        // The unread notifications beside the reminder: one indexed count (services/notifications/list.ts).
        [res.locals.reminder, res.locals.unreadNotifications] = await Promise.all([reminderFor(req.caller), unreadCount(req.caller)]);
      }
    }
    next();
  };
}
