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

export function formatDate(
  value: Date | string | number,
  lng: Locale | string,
  options: { calendar?: Calendar; style?: 'short' | 'medium' | 'long' } = {},
): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(intlLocale(lng, options.calendar), {
    dateStyle: options.style ?? 'medium',
    timeZone: 'UTC',
  }).format(date);
}

export function formatNumber(value: number, lng: Locale | string): string {
  return new Intl.NumberFormat(intlLocale(lng)).format(value);
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
