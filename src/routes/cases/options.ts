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

/**
 * A spoken language's name in the reader's language: Intl's where it has one; where it only gives the
 * code back (Karen, Mon, Cham anywhere; most languages in Cebuano), Haven's own label; the code itself
 * only for a code Haven does not know.
 */
export function languageName(req: Request, code: string): string {
  let name: string | undefined;
  try {
    name = new Intl.DisplayNames([intlOf(req), 'en'], { type: 'language', fallback: 'none' }).of(code);
  } catch {
    name = undefined;
  }
  if (name && name.toLowerCase() !== code.toLowerCase()) return name;
  const key = `lookups:spokenLanguage.${code}`;
  return /^[a-z]{2,3}$/.test(code) && req.i18n.exists(key) ? req.t(key) : code;
}

export function formOptions(req: Request) {
  return {
    lookups: LOOKUPS,
    nationalities: COMMON_NATIONALITIES.map((code) => ({ code, name: countryName(req, code) })),
    spokenLanguages: SPOKEN_LANGUAGES.map((code) => ({ code, name: languageName(req, code) })),
    // The area codes offered as the location's choices (typing a place's name instead is fine).
    areaCodes: COMMON_NATIONALITIES.map((code) => ({ code, name: countryName(req, code) })),
  };
}
