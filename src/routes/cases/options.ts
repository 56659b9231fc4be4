/** What the case forms offer: lookups (labelled in the templates), countries and languages by Intl. */
import type { Request } from 'express';
import { COMMON_NATIONALITIES, LOOKUPS, SPOKEN_LANGUAGES } from '../../domain/lookups.js';
import { languageDisplayName, regionName } from '../../lib/i18n/format.js';

export function countryName(req: Request, code: string): string {
  if (!code) return '';
  return regionName(code, req.language) ?? code;
}

/**
 * A spoken language's name in the reader's language: Intl's where it has one; where it only gives the
 * code back (Karen, Mon, Cham anywhere; most languages in Cebuano), Haven's own label; the code itself
 * only for a code Haven does not know.
 */
export function languageName(req: Request, code: string): string {
  const name = languageDisplayName(code, req.language);
  if (name) return name;
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
