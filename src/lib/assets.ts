/**
 * Static assets under content-hashed names, served from memory with a year-long immutable cache.
 * The font stylesheet is generated here so that it names the hashed font files (I18N.md: self-hosted
 * Noto Sans Thai, Khmer, Lao and Myanmar as WOFF2 with unicode-range, no third-party origins).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
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
  { family: 'Haven Noto Sans Thai', pkg: 'noto-sans-thai', subset: 'thai' },
  { family: 'Haven Noto Sans Khmer', pkg: 'noto-sans-khmer', subset: 'khmer' },
  { family: 'Haven Noto Sans Lao', pkg: 'noto-sans-lao', subset: 'lao' },
  { family: 'Haven Noto Sans Myanmar', pkg: 'noto-sans-myanmar', subset: 'myanmar' },
] as const;
const WEIGHTS = [400, 700] as const;

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

function unicodeRange(pkg: string, subset: string, weight: number): string {
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
      const file = `${font.pkg}-${font.subset}-${weight}-normal.woff2`;
      const name = `fonts/${file}`;
      add(name, readFileSync(path.join(NODE_MODULES_DIR, '@fontsource', font.pkg, 'files', file)));
      faces.push(
        `@font-face{font-family:'${font.family}';font-style:normal;font-weight:${weight};font-display:swap;` +
          `src:url(${byName.get(name)!.url}) format('woff2');unicode-range:${unicodeRange(font.pkg, font.subset, weight)}}`,
      );
    }
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
