import type { RequestHandler } from 'express';
import { LOCALES, LOCALE_INFO, toLocale } from '../domain/locales.js';
import { LANGUAGE_COOKIE } from '../lib/i18n/index.js';

export interface PageLocals {
  lang: string;
  languages: { code: string; autonym: string; current: boolean }[];
  reviewed: boolean;
  fonts: boolean;
  calendar: 'default' | 'gregory';
  section?: string;
}

/** The parts of the page locals that follow the page's language. */
export function languageLocals(lang: string, reviewed: ReadonlySet<string>): Pick<PageLocals, 'lang' | 'languages' | 'reviewed'> {
  return {
    lang,
    languages: LOCALES.map((code) => ({ code, autonym: LOCALE_INFO[code].autonym, current: code === lang })),
    reviewed: reviewed.has(lang),
  };
}

/**
 * What the layout needs on every page: the page language, the language menu, whether the translation
 * was reviewed, and whether to load the script fonts (not when the browser asks to save data).
 */
export function pageLocals(options: { reviewed: ReadonlySet<string>; secureCookies: boolean }): RequestHandler {
  return (req, res, next) => {
    const lang = req.language ?? 'en';
    const fromQuery = typeof req.query.lng === 'string' ? toLocale(req.query.lng) : undefined;
    if (fromQuery && fromQuery === lang) {
      // A choice made in the menu sticks. The cookie holds only a language code.
      res.cookie(LANGUAGE_COOKIE, lang, {
        maxAge: 365 * 24 * 3600 * 1000,
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secureCookies,
        path: '/',
      });
    }
    const page: PageLocals = {
      ...languageLocals(lang, options.reviewed),
      fonts: req.get('save-data')?.toLowerCase() !== 'on',
      calendar: 'default',
    };
    res.locals.page = page;
    res.setHeader('Content-Language', lang);
    res.vary('Accept-Language');
    res.vary('Cookie');
    res.vary('Save-Data');
    next();
  };
}
