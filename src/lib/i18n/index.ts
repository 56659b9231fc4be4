/**
 * i18next set up once per process; each request gets its own clone through i18next-http-middleware,
 * so a page never renders in another request's language (I18N.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type i18n } from 'i18next';
import Backend from 'i18next-fs-backend';
import { LanguageDetector } from 'i18next-http-middleware';
import type { Request } from 'express';
import { DEFAULT_LOCALE, LOCALES, fromAcceptLanguage, toLocale } from '../../domain/locales.js';
import { LOCALES_DIR } from '../paths.js';

export const LANGUAGE_COOKIE = 'lng';

export function namespaces(): string[] {
  return readdirSync(path.join(LOCALES_DIR, DEFAULT_LOCALE))
    .filter((f) => f.endsWith('.json') && !f.startsWith('_'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** The locales whose `_meta.json` says a native speaker reviewed them. */
export function reviewedLocales(): Set<string> {
  const reviewed = new Set<string>();
  for (const lng of LOCALES) {
    const meta = JSON.parse(readFileSync(path.join(LOCALES_DIR, lng, '_meta.json'), 'utf8')) as { nativeReview?: boolean };
    if (meta.nativeReview === true) reviewed.add(lng);
  }
  return reviewed;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/**
 * Detection order (ARCHITECTURE.md): the user's profile, then ?lng=, then the cookie, then
 * Accept-Language, then English. Malformed values are ignored, never an error.
 */
export function detectLanguage(req: Request, supported: readonly string[]): string {
  const extra = supported.filter((l) => !(LOCALES as readonly string[]).includes(l));
  const profile = (req as Request & { user?: { locale?: string } }).user?.locale;
  const query = typeof req.query?.lng === 'string' ? req.query.lng : undefined;
  return (
    toLocale(profile, extra) ??
    toLocale(query, extra) ??
    toLocale(cookieValue(req.headers.cookie, LANGUAGE_COOKIE), extra) ??
    fromAcceptLanguage(req.headers['accept-language'], extra) ??
    DEFAULT_LOCALE
  );
}

/**
 * The language a visitor picked themselves (the menu's `?lng=`, kept in the cookie), not the one a
 * browser asks for: what sign-in carries over to the second factor and offers for the profile.
 */
export function pickedLanguage(req: Request): string | undefined {
  const query = typeof req.query?.lng === 'string' ? req.query.lng : undefined;
  return toLocale(query) ?? toLocale(cookieValue(req.headers.cookie, LANGUAGE_COOKIE));
}

export interface I18nOptions {
  /** Extra resources by language and namespace, e.g. a pseudo-locale for tests. */
  extra?: Record<string, Record<string, object>>;
}

export async function createI18n(options: I18nOptions = {}): Promise<i18n> {
  const extraLanguages = Object.keys(options.extra ?? {});
  const supportedLngs = [...LOCALES, ...extraLanguages];
  const detector = new LanguageDetector();
  detector.addDetector({
    name: 'haven',
    lookup: (req) => detectLanguage(req as unknown as Request, supportedLngs),
  });
  const instance = i18next.createInstance();
  await instance
    .use(Backend)
    .use(detector)
    .init({
      initAsync: false,
      supportedLngs,
      preload: [...LOCALES],
      fallbackLng: DEFAULT_LOCALE,
      load: 'currentOnly',
      ns: namespaces(),
      defaultNS: 'common',
      fallbackNS: false,
      returnNull: false,
      returnEmptyString: false,
      interpolation: { escapeValue: true },
      backend: { loadPath: path.join(LOCALES_DIR, '{{lng}}', '{{ns}}.json') },
      detection: { order: ['haven'], caches: false },
    });
  for (const [lng, bundles] of Object.entries(options.extra ?? {})) {
    for (const [ns, resources] of Object.entries(bundles)) instance.addResourceBundle(lng, ns, resources, true, true);
  }
  return instance;
}

let background: Promise<i18n> | undefined;

/**
 * One i18next instance for text made outside any request (emails, PDF forms, a snapshot's default
 * goal texts), each asked with a fixed language: never a request's, always the reader's.
 */
export function backgroundI18n(): Promise<i18n> {
  background ??= createI18n();
  return background;
}

/** Labels in one language, as plain text (a PDF or a CSV is not HTML: nothing is escaped). */
export interface PlainLabels {
  (key: string, vars?: Record<string, unknown>): string;
  has(key: string): boolean;
}

/** The background instance asked in one fixed language: for files written for one reader (PDFs, CSVs). */
export async function plainLabels(locale: string): Promise<PlainLabels> {
  const instance = await backgroundI18n();
  const t = instance.getFixedT(locale);
  const label = ((key: string, vars: Record<string, unknown> = {}) => t(key, { ...vars, interpolation: { escapeValue: false } }) as string) as PlainLabels;
  label.has = (key) => instance.exists(key, { lng: locale });
  return label;
}
