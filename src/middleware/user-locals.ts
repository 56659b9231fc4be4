import type { RequestHandler } from 'express';
import { can } from '../domain/permissions.js';
import { languageLocals, type PageLocals } from './page-locals.js';

/**
 * What the layout shows a signed-in user: the page in their profile's language and calendar, their
 * name, and the sections their roles open.
 */
export function userLocals(options: { reviewed: ReadonlySet<string> }): RequestHandler {
  return (req, res, next) => {
    const user = req.user;
    if (user) {
      const page = res.locals.page as PageLocals;
      if (page.lang !== user.locale) {
        Object.assign(page, languageLocals(user.locale, options.reviewed));
        res.setHeader('Content-Language', user.locale);
      }
      page.calendar = user.calendar;
      res.locals.signedIn = {
        name: user.name,
        complete: req.mfaDone === true,
        admin: can(user.roles, 'admin.users'),
        audit: can(user.roles, 'audit.read'),
        cases: can(user.roles, 'case.list'),
        returnTo: req.originalUrl.slice(0, 300),
      };
    }
    next();
  };
}
