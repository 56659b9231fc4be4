/**
 * The pseudo-locale: every English text wrapped in ⟦ ⟧ with accented vowels, so that any text on a page
 * that did not come from the locale files stands out.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LOCALE_INFO } from '../../src/domain/locales.js';
import { LOCALES_DIR } from '../../src/lib/paths.js';
import { readableAttributes, visibleText } from './pages.js';

export const PSEUDO = 'en-XA';
const ACCENTS: Record<string, string> = { a: 'á', e: 'é', i: 'í', o: 'ó', u: 'ú', A: 'Á', E: 'É', O: 'Ó' };

type Tree = { [key: string]: string | Tree };
function pseudo(tree: Tree): Tree {
  return Object.fromEntries(
    Object.entries(tree).map(([k, v]) => [
      k,
      typeof v === 'string'
        ? `⟦${v.split(/(\{\{[^}]+\}\})/).map((part) => (part.startsWith('{{') ? part : part.replace(/[aeiouAEO]/g, (c) => ACCENTS[c]!))).join('')}⟧`
        : pseudo(v),
    ]),
  );
}

export function pseudoResources(): Record<string, Record<string, object>> {
  const bundles: Record<string, object> = {};
  for (const file of readdirSync(path.join(LOCALES_DIR, 'en')).filter((f) => !f.startsWith('_'))) {
    bundles[file.replace('.json', '')] = pseudo(JSON.parse(readFileSync(path.join(LOCALES_DIR, 'en', file), 'utf8')) as Tree);
  }
  return { [PSEUDO]: bundles };
}

/**
 * What is left of a page's text once the translated parts, the language names and `data` (names,
 * emails, codes the test itself stored) are taken out.
 */
export function untranslated(html: string, data: string[] = []): string[] {
  const autonyms = Object.values(LOCALE_INFO).map((l) => l.autonym);
  return [...visibleText(html), ...readableAttributes(html)]
    .map((text) => text.replace(/⟦[^⟧]*⟧/g, ''))
    .map((text) => data.reduce((t, d) => t.split(d).join(''), text))
    .filter((text) => !autonyms.includes(text.trim()))
    .filter((text) => /\p{L}/u.test(text));
}

