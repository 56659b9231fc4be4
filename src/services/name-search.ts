/**
 * Name search over encrypted names (SECURITY.md D3; I18N.md): at write time each name is cut into
 * normalised parts and each part is stored as a keyed hash, so the database holds no name and an exact
 * part can still be found. Thai, Khmer, Lao and Burmese write names without spaces between words, so
 * their parts also come from Intl.Segmenter; Latin parts are stored with and without diacritics.
 */
import { keyedHash } from '../lib/crypto.js';
import { fromZawgyi } from '../lib/i18n/zawgyi.js';

const PURPOSE = 'name-search';
const SCRIPTS: readonly [RegExp, string][] = [
  [/\p{Script=Thai}/u, 'th'],
  [/\p{Script=Khmer}/u, 'km'],
  [/\p{Script=Lao}/u, 'lo'],
  [/\p{Script=Myanmar}/u, 'my'],
];
const segmenters = new Map<string, Intl.Segmenter>();

function segmenter(lang: string): Intl.Segmenter {
  let s = segmenters.get(lang);
  if (!s) segmenters.set(lang, (s = new Intl.Segmenter(lang, { granularity: 'word' })));
  return s;
}

function unspaced(part: string): string | undefined {
  return SCRIPTS.find(([re]) => re.test(part))?.[1];
}

/** NFC, Zawgyi converted, lower case, and cut at anything that is not a letter, mark or digit. */
export function nameParts(name: string): string[] {
  const clean = fromZawgyi(name.normalize('NFC')).normalize('NFC').toLocaleLowerCase('und');
  return clean.match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
}

function stripMarks(part: string): string {
  return part.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').normalize('NFC');
}

/** The words a part is made of, for the scripts that write no spaces. */
function words(part: string): string[] {
  const lang = unspaced(part);
  if (!lang) return [];
  return [...segmenter(lang).segment(part)].filter((s) => s.isWordLike).map((s) => s.segment);
}

function variants(part: string): string[] {
  if (unspaced(part)) return [part, ...words(part)];
  const plain = stripMarks(part);
  return plain === part ? [part] : [part, plain];
}

const hash = (token: string) => keyedHash(PURPOSE, token);

/**
 * The tokens stored on a record for its names. A name written without spaces (`สมชายใจดี`) is also
 * stored joined, with its words, so that it is found however it is typed.
 */
export function nameTokens(names: readonly (string | undefined)[]): string[] {
  const out = new Set<string>();
  for (const name of names) {
    if (!name) continue;
    const parts = nameParts(name);
    for (const part of parts) for (const v of variants(part)) out.add(v);
    if (parts.length > 1 && parts.every((p) => unspaced(p))) {
      const joined = parts.join('');
      out.add(joined);
      for (const w of words(joined)) out.add(w);
    }
  }
  return [...out].map(hash);
}

/**
 * What a query must match, as alternatives: every part as typed, or (for the scripts without spaces)
 * every word of it. An empty list means the query has nothing to search for.
 */
export function queryTokenSets(query: string): string[][] {
  const parts = nameParts(query);
  if (parts.length === 0) return [];
  const sets = [parts.map(hash)];
  const segmented = parts.flatMap((p) => (unspaced(p) ? words(p) : [p]));
  if (segmented.length > 0 && segmented.join('|') !== parts.join('|')) sets.push(segmented.map(hash));
  return sets;
}
