/**
 * Static assets under content-hashed names, served from memory with a year-long immutable cache.
 * The font stylesheet is generated here so that it names the hashed font files (I18N.md: self-hosted
 * Noto Sans Thai, Khmer, Lao and Myanmar as WOFF2 with unicode-range, no third-party origins).
 *
 * Two kinds of face per script: the full font, which a browser downloads only for a page that has text
 * in that script (its unicode-range is the script's); and a tiny subset holding only the glyphs of the
 * language menu's names in that script (public/fonts/autonyms-*.woff2, made by
 * `npm run fonts:autonyms`), whose unicode-range is exactly those letters. The menu asks for the
 * subsets first (app.css), so an English page downloads a few KB for its menu, not the four fonts.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { LOCALE_INFO, LOCALES, type LocaleInfo } from '../domain/locales.js';
import { NODE_MODULES_DIR, PUBLIC_DIR } from './paths.js';

export const STATIC_PREFIX = '/static/';

export interface Asset {
  readonly url: string;
  readonly body: Buffer;
  readonly type: string;
}

export interface AssetManifest {
  /** Logical name (e.g. `css/app.css`) to hashed URL. */
  url(name: string): string;
  /** The asset a hashed URL names, if any. */
  byUrl(url: string): Asset | undefined;
}

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The script fonts; their family names are our own so an installed font of the same name never shadows them. */
export const SCRIPT_FONTS = [
  { family: 'Haven Noto Sans Thai', autonyms: 'Haven Autonyms Thai', pkg: 'noto-sans-thai', subset: 'thai', script: 'Thai' },
  { family: 'Haven Noto Sans Khmer', autonyms: 'Haven Autonyms Khmer', pkg: 'noto-sans-khmer', subset: 'khmer', script: 'Khmr' },
  { family: 'Haven Noto Sans Lao', autonyms: 'Haven Autonyms Lao', pkg: 'noto-sans-lao', subset: 'lao', script: 'Laoo' },
  { family: 'Haven Noto Sans Myanmar', autonyms: 'Haven Autonyms Myanmar', pkg: 'noto-sans-myanmar', subset: 'myanmar', script: 'Mymr' },
] as const satisfies readonly { family: string; autonyms: string; pkg: string; subset: string; script: LocaleInfo['script'] }[];
export type ScriptFont = (typeof SCRIPT_FONTS)[number];
const WEIGHTS = [400, 700] as const;
/** The menu's names are set in the regular weight (app.css gives the page's own language the page font). */
export const AUTONYM_WEIGHT = 400;

/** The full font file of a script and weight, as @fontsource ships it. */
export function scriptFontFile(font: ScriptFont, weight: number): string {
  return path.join(NODE_MODULES_DIR, '@fontsource', font.pkg, 'files', `${font.pkg}-${font.subset}-${weight}-normal.woff2`);
}

/** The asset name of a script's autonym subset (a file under public/). */
export function autonymFontName(font: ScriptFont): string {
  return `fonts/autonyms-${font.subset}.woff2`;
}

/**
 * The letters and marks of the language menu's names written in a script (spaces and punctuation,
 * which belong to no script, stay with the page's font), each once, in code point order: what the
 * script's autonym subset must hold, and what its unicode-range names.
 */
export function autonymCodePoints(font: ScriptFont): number[] {
  const points = new Set<number>();
  for (const code of LOCALES) {
    const info = LOCALE_INFO[code];
    if (info.script !== font.script) continue;
    for (const ch of info.autonym) if (!/[\p{Script=Latin}\p{Script=Common}]/u.test(ch)) points.add(ch.codePointAt(0)!);
  }
  return [...points].sort((a, b) => a - b);
}

function unicodeRangeOf(points: readonly number[]): string {
  return points.map((p) => `U+${p.toString(16).toUpperCase()}`).join(',');
}

function hashed(name: string, body: Buffer): string {
  const digest = createHash('sha256').update(body).digest('base64url').slice(0, 12);
  const ext = path.extname(name);
  return `${STATIC_PREFIX}${name.slice(0, -ext.length)}.${digest}${ext}`;
}

function walk(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    const rel = prefix ? `${prefix}/${entry}` : entry;
    return statSync(full).isDirectory() ? walk(full, rel) : [rel];
  });
}

function fontsourceRange(pkg: string, subset: string, weight: number): string {
  const css = readFileSync(path.join(NODE_MODULES_DIR, '@fontsource', pkg, `${weight}.css`), 'utf8');
  const block = css.split('@font-face').find((b) => b.includes(`${pkg}-${subset}-${weight}-normal.woff2`));
  const range = block && /unicode-range:\s*([^;]+);/.exec(block)?.[1];
  if (!range) throw new Error(`No unicode-range for ${pkg} ${subset} ${weight}`);
  return range.trim();
}

export function buildAssets(): AssetManifest {
  const byName = new Map<string, Asset>();
  const add = (name: string, body: Buffer) => {
    const type = TYPES[path.extname(name)];
    if (!type) throw new Error(`Unknown asset type: ${name}`);
    byName.set(name, { url: hashed(name, body), body, type });
  };

  for (const name of walk(PUBLIC_DIR)) add(name, readFileSync(path.join(PUBLIC_DIR, name)));

  const faces: string[] = [];
  for (const font of SCRIPT_FONTS) {
    for (const weight of WEIGHTS) {
      const name = `fonts/${font.pkg}-${font.subset}-${weight}-normal.woff2`;
      add(name, readFileSync(scriptFontFile(font, weight)));
      faces.push(
        `@font-face{font-family:'${font.family}';font-style:normal;font-weight:${weight};font-display:swap;` +
          `src:url(${byName.get(name)!.url}) format('woff2');unicode-range:${fontsourceRange(font.pkg, font.subset, weight)}}`,
      );
    }
    const points = autonymCodePoints(font);
    if (points.length === 0) continue;
    const subset = byName.get(autonymFontName(font));
    if (!subset) throw new Error(`Missing ${autonymFontName(font)} under public/: run npm run fonts:autonyms`);
    faces.push(
      `@font-face{font-family:'${font.autonyms}';font-style:normal;font-weight:${AUTONYM_WEIGHT};font-display:swap;` +
        `src:url(${subset.url}) format('woff2');unicode-range:${unicodeRangeOf(points)}}`,
    );
  }
  add('css/fonts.css', Buffer.from(faces.join('\n') + '\n'));

  const byUrl = new Map([...byName.values()].map((a) => [a.url, a]));
  return {
    url(name) {
      const asset = byName.get(name);
      if (!asset) throw new Error(`Unknown asset: ${name}`);
      return asset.url;
    },
    byUrl: (url) => byUrl.get(url),
  };
}
