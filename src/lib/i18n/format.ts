/**
 * Dates and numbers through Intl, in the reader's locale and calendar (I18N.md). Identifiers such as
 * case numbers never go through these: they stay in Latin digits.
 */
import { LOCALE_INFO, type Locale } from '../../domain/locales.js';

export type Calendar = 'default' | 'gregory';

export function intlLocale(lng: string, calendar: Calendar = 'default'): string {
  const base = (LOCALE_INFO as Record<string, { intl: string } | undefined>)[lng]?.intl ?? 'en';
  // Thai defaults to the Buddhist era through Intl's own `th` data; Gregorian is a user option.
  return calendar === 'gregory' ? `${base}-u-ca-gregory` : base;
}

/**
 * Formatters are costly to make and a page formats many dates: one per locale, calendar and style is
 * kept (at most 12 locales x 2 calendars x 3 styles).
 */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();

export function formatDate(
  value: Date | string | number,
  lng: Locale | string,
  options: { calendar?: Calendar; style?: 'short' | 'medium' | 'long' } = {},
): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  const locale = intlLocale(lng, options.calendar);
  const style = options.style ?? 'medium';
  const key = `${locale} ${style}`;
  let format = dateFormats.get(key);
  if (!format) dateFormats.set(key, (format = new Intl.DateTimeFormat(locale, { dateStyle: style, timeZone: 'UTC' })));
  return format.format(date);
}

/** A year alone, in the reader's calendar and digits (2026 is 2569 in the Thai Buddhist era). */
export function formatYear(value: Date, lng: Locale | string, calendar: Calendar = 'default'): string {
  const locale = intlLocale(lng, calendar);
  const key = `${locale} year`;
  let format = dateFormats.get(key);
  if (!format) dateFormats.set(key, (format = new Intl.DateTimeFormat(locale, { year: 'numeric', timeZone: 'UTC' })));
  return format.format(value);
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * A moment with its time, in a time zone (an organisation's, or UTC), with the zone's offset shown
 * ("1 Jun 2026, 11:05 GMT+8"), so a reader in another zone knows which clock is meant.
 */
export function formatDateTime(
  value: Date | string | number,
  lng: Locale | string,
  options: { calendar?: Calendar; timeZone?: string } = {},
): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  const locale = intlLocale(lng, options.calendar);
  const zone = options.timeZone || 'UTC';
  const key = `${locale} ${zone}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    const make = (timeZone: string) =>
      new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'shortOffset' });
    try {
      format = make(zone);
    } catch {
      // A zone this runtime does not know: UTC, with its offset shown, rather than no time at all.
      format = make('UTC');
    }
    // Time zones come from stored settings: a bounded set, so the cache stays small.
    if (dateTimeFormats.size < 500) dateTimeFormats.set(key, format);
  }
  return format.format(date);
}

export function formatNumber(value: number, lng: Locale | string): string {
  const locale = intlLocale(lng);
  let format = numberFormats.get(locale);
  if (!format) numberFormats.set(locale, (format = new Intl.NumberFormat(locale)));
  return format.format(value);
}

const DIGIT_ZEROS = [0x0e50 /* Thai */, 0x17e0 /* Khmer */, 0x0ed0 /* Lao */, 0x1040 /* Myanmar */, 0x1090 /* Myanmar Shan */];

/** Turns Thai, Khmer, Lao and Burmese digits into ASCII ones, for numeric input. */
export function toLatinDigits(input: string): string {
  let out = '';
  for (const ch of input) {
    const code = ch.codePointAt(0)!;
    const zero = DIGIT_ZEROS.find((z) => code >= z && code <= z + 9);
    out += zero === undefined ? ch : String(code - zero);
  }
  return out;
}

/**
 * A country's name (ISO 3166 code) in the reader's language through Intl, English where Intl has none
 * in that language; undefined for a code Intl cannot take.
 */
export function regionName(code: string, lng: string): string | undefined {
  try {
    return new Intl.DisplayNames([intlLocale(lng), 'en'], { type: 'region', fallback: 'code' }).of(code) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * A language's name (BCP 47 tag) in the reader's language through Intl; undefined where Intl only
 * knows the code (Karen, Mon, Cham anywhere; most languages in Cebuano), so that Haven's own label of
 * a spoken language (`lookups:spokenLanguage.<code>`) can stand in.
 */
export function languageDisplayName(code: string, lng: string): string | undefined {
  try {
    const name = new Intl.DisplayNames([intlLocale(lng), 'en'], { type: 'language', fallback: 'none' }).of(code);
    return name && name.toLowerCase() !== code.toLowerCase() ? name : undefined;
  } catch {
    return undefined;
  }
}
