/**
 * Name search over encrypted names (SECURITY.md D3; I18N.md): at write time each name is cut into
 * normalised parts and each part is stored as a keyed hash, so the database holds no name and an exact
 * part can still be found. Thai, Khmer, Lao and Burmese write names without spaces between words, so
 * their parts also come from Intl.Segmenter; Latin parts are stored with and without diacritics.
 *
 * Parts in the other scripts (Latin, mostly) also store their beginnings, 3 to PREFIX_MAX letters, as
 * keyed hashes under a key of their own, so "Sori" finds "Soriano" while a whole-word token can never
 * be mistaken for a beginning. The case number's serial is stored the same way, under a third key, so
 * its digits alone ("00110") find it.
 */
import { keyedHash } from '../../lib/crypto.js';
import { toLatinDigits } from '../../lib/i18n/format.js';
import { fromZawgyi } from '../../lib/i18n/zawgyi.js';

const PURPOSE = 'name-search';
const PREFIX_PURPOSE = 'name-prefix';
const NUMBER_PURPOSE = 'case-number';
/** The shortest beginning that is searched as one: two letters would match half the caseload. */
export const PREFIX_MIN = 3;
/**
 * The longest beginning stored, which bounds the tokens per name part (and what their number says about
 * a name's length). A longer typed part is matched as a whole word only.
 */
export const PREFIX_MAX = 10;
/** Bumped whenever the tokens a record gets change, so `search:reindex` knows a stored run is stale. */
export const TOKEN_SCHEME = 2;
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
const prefixHash = (beginning: string) => keyedHash(PREFIX_PURPOSE, beginning);

const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });
function letters(part: string): string[] {
  return [...graphemes.segment(part)].map((g) => g.segment);
}

/** The beginnings of a part stored for prefix search: 3..PREFIX_MAX letters, shorter than the part. */
function beginnings(part: string): string[] {
  if (unspaced(part)) return [];
  const chars = letters(part);
  const out: string[] = [];
  for (let n = PREFIX_MIN; n < chars.length && n <= PREFIX_MAX; n++) out.push(chars.slice(0, n).join(''));
  return out;
}

/**
 * The tokens stored on a record for its names. A name written without spaces (`สมชายใจดี`) is also
 * stored joined, with its words, so that it is found however it is typed.
 */
export function nameTokens(names: readonly (string | undefined)[]): string[] {
  const out = new Set<string>();
  const starts = new Set<string>();
  for (const name of names) {
    if (!name) continue;
    const parts = nameParts(name);
    for (const part of parts) {
      for (const v of variants(part)) {
        out.add(v);
        for (const b of beginnings(v)) starts.add(b);
      }
    }
    if (parts.length > 1 && parts.every((p) => unspaced(p))) {
      const joined = parts.join('');
      out.add(joined);
      for (const w of words(joined)) out.add(w);
    }
  }
  return [...[...out].map(hash), ...[...starts].map(prefixHash)];
}

const CASE_NUMBER_PARTS = /^[A-Z]{2,12}-(\d{4})-(\d+)$/;
/** A serial without its leading zeros ("00110" and "110" are the same case). */
const serial = (digits: string) => digits.replace(/^0+(?=\d)/, '');

/** The tokens of a case number: its serial, and its year with the serial ("2026-00110"). */
export function caseNumberTokens(caseNumber: string): string[] {
  const m = CASE_NUMBER_PARTS.exec(caseNumber);
  if (!m) return [];
  return [keyedHash(NUMBER_PURPOSE, `serial:${serial(m[2]!)}`), keyedHash(NUMBER_PURPOSE, `year:${m[1]}-${serial(m[2]!)}`)];
}

/**
 * The token a query of digits stands for: a case number's serial ("00110", in any digits Haven reads)
 * or its year and serial ("2026-00110"). Undefined when the query is not digits.
 */
export function caseNumberQueryToken(query: string): string | undefined {
  const q = toLatinDigits(query.trim());
  if (/^\d{1,12}$/.test(q)) return keyedHash(NUMBER_PURPOSE, `serial:${serial(q)}`);
  const m = /^(\d{4})-(\d{1,12})$/.exec(q);
  return m ? keyedHash(NUMBER_PURPOSE, `year:${m[1]}-${serial(m[2]!)}`) : undefined;
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

/**
 * What a query must match, as alternatives (the readings of queryTokenSets), each a list of parts, each
 * part the tokens any one of which it may match: its whole word, and for a Latin part of 3 to PREFIX_MAX
 * letters also the beginning of a longer name part. Shorter and longer parts, and the scripts without
 * spaces, match whole words only.
 */
export function queryMatchSets(query: string): string[][][] {
  const parts = nameParts(query);
  if (parts.length === 0) return [];
  const part = (p: string): string[] => {
    const n = letters(p).length;
    return !unspaced(p) && n >= PREFIX_MIN && n <= PREFIX_MAX ? [hash(p), prefixHash(p)] : [hash(p)];
  };
  const sets = [parts.map(part)];
  const segmented = parts.flatMap((p) => (unspaced(p) ? words(p) : [p]));
  if (segmented.length > 0 && segmented.join('|') !== parts.join('|')) sets.push(segmented.map(part));
  return sets;
}
