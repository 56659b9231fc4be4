/** The languages Haven speaks (I18N.md). Pure data: no imports. */
export const LOCALES = ['en', 'fr', 'fil', 'ceb', 'th', 'km', 'lo', 'my', 'vi', 'id', 'ms', 'tet'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

export interface LocaleInfo {
  /** The language's name for itself, shown in the language menu. */
  readonly autonym: string;
  /** The locale handed to Intl (Tetum has no CLDR data of its own). */
  readonly intl: string;
  readonly script: 'Latn' | 'Thai' | 'Khmr' | 'Laoo' | 'Mymr';
}

export const LOCALE_INFO: Readonly<Record<Locale, LocaleInfo>> = {
  en: { autonym: 'English', intl: 'en', script: 'Latn' },
  fr: { autonym: 'Français', intl: 'fr', script: 'Latn' },
  fil: { autonym: 'Filipino', intl: 'fil', script: 'Latn' },
  ceb: { autonym: 'Cebuano', intl: 'ceb', script: 'Latn' },
  th: { autonym: 'ไทย', intl: 'th', script: 'Thai' },
  km: { autonym: 'ខ្មែរ', intl: 'km', script: 'Khmr' },
  lo: { autonym: 'ລາວ', intl: 'lo', script: 'Laoo' },
  my: { autonym: 'မြန်မာ', intl: 'my', script: 'Mymr' },
  vi: { autonym: 'Tiếng Việt', intl: 'vi', script: 'Latn' },
  id: { autonym: 'Bahasa Indonesia', intl: 'id', script: 'Latn' },
  ms: { autonym: 'Bahasa Melayu', intl: 'ms', script: 'Latn' },
  tet: { autonym: 'Tetun', intl: 'pt-TL', script: 'Latn' },
};

/** Old or alternative codes that browsers and users send. */
const ALIASES: Readonly<Record<string, Locale>> = {
  tl: 'fil',
  in: 'id',
  tdt: 'tet',
  zsm: 'ms',
  bur: 'my',
  mya: 'my',
  khm: 'km',
  lao: 'lo',
  tha: 'th',
  vie: 'vi',
  fra: 'fr',
  fre: 'fr',
  eng: 'en',
  ind: 'id',
  msa: 'ms',
  may: 'ms',
};

const TAG = /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/;

/**
 * Maps a language tag (`th-TH`, `tl`, `in`, `FIL_ph`) to a supported locale, or undefined.
 * `extra` lets tests add a pseudo-locale, matched exactly.
 */
export function toLocale(tag: unknown, extra: readonly string[] = []): string | undefined {
  if (typeof tag !== 'string' || tag.length > 35 || !TAG.test(tag)) return undefined;
  const exact = extra.find((e) => e.toLowerCase() === tag.toLowerCase().replace('_', '-'));
  if (exact) return exact;
  const primary = tag.split(/[-_]/)[0]!.toLowerCase();
  if ((LOCALES as readonly string[]).includes(primary)) return primary;
  return ALIASES[primary];
}

/** Parses an Accept-Language header into supported locales, best first. */
export function fromAcceptLanguage(header: unknown, extra: readonly string[] = []): string | undefined {
  if (typeof header !== 'string' || header.length > 1000) return undefined;
  const ranked = header
    .split(',')
    .slice(0, 30)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag: tag.trim(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((r) => r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const r of ranked) {
    const locale = toLocale(r.tag, extra);
    if (locale) return locale;
  }
  return undefined;
}
