/** What the case forms offer: lookups (labelled in the templates), countries and languages by Intl. */
import type { Request } from 'express';
import { LOCALES, LOCALE_INFO, type Locale } from '../../domain/locales.js';
import { COMMON_NATIONALITIES, LOOKUPS, SPOKEN_LANGUAGES } from '../../domain/lookups.js';

function intlOf(req: Request): string {
  const lng = req.language as Locale;
  return (LOCALES as readonly string[]).includes(lng) ? LOCALE_INFO[lng].intl : 'en';
}

export function countryName(req: Request, code: string): string {
  if (!code) return '';
  try {
    return new Intl.DisplayNames([intlOf(req), 'en'], { type: 'region', fallback: 'code' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function languageName(req: Request, code: string): string {
  try {
    return new Intl.DisplayNames([intlOf(req), 'en'], { type: 'language', fallback: 'code' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function formOptions(req: Request) {
  return {
    lookups: LOOKUPS,
    nationalities: COMMON_NATIONALITIES.map((code) => ({ code, name: countryName(req, code) })),
    spokenLanguages: SPOKEN_LANGUAGES.map((code) => ({ code, name: languageName(req, code) })),
  };
}
