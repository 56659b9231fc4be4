/**
 * Text cut for setting in a PDF: into the units a line may break between, and each unit into runs
 * of one face. Thai, Khmer, Lao and Burmese put no spaces between words, and the line breaker pdfkit
 * carries treats their letters as one unbreakable word (UAX #14 class SA without a dictionary), so a
 * long Thai sentence would be cut in the middle of a letter cluster. Intl.Segmenter's word
 * segmentation (ICU's dictionaries) gives the break opportunities instead.
 *
 * The lines are laid out by document.ts rather than by pdfkit's wrapper, because the wrapper breaks
 * wherever one `text()` call ends and the next begins: a Vietnamese word whose letters come from two
 * subset files ("Việt": latin, vietnamese, latin) would then split across lines.
 */
import { faceFor, type Face, type Weight } from './fonts.js';

/** A piece of text set in one face. */
export interface Run {
  readonly face: Face;
  readonly text: string;
}

/** A unit no line breaks inside: a word with the spaces and punctuation that follow it. */
export interface Unit {
  readonly runs: readonly Run[];
  /** The unit's trailing white space, which does not count when a line's fit is measured. */
  readonly trailing: string;
}

const segmenters = new Map<string, Intl.Segmenter>();
const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });

function wordSegmenter(lang: string): Intl.Segmenter {
  let s = segmenters.get(lang);
  if (!s) {
    try {
      s = new Intl.Segmenter(lang, { granularity: 'word' });
    } catch {
      s = new Intl.Segmenter('und', { granularity: 'word' });
    }
    segmenters.set(lang, s);
  }
  return s;
}

/** Opening brackets and quotes belong with the word after them. */
const OPENING = /^[\p{Ps}\p{Pi}]+$/u;

/**
 * The pieces of one line of text (no line feeds) between which a line may break, in order: each
 * word-like segment with the white space and closing punctuation after it, an opening bracket with
 * the word it opens. Joined, they give back the text exactly.
 */
export function breakPieces(text: string, lang: string): string[] {
  const pieces: string[] = [];
  let carry = '';
  for (const { segment, isWordLike } of wordSegmenter(lang).segment(text)) {
    if (isWordLike || pieces.length === 0) {
      if (OPENING.test(segment) && !isWordLike) {
        carry += segment;
        continue;
      }
      pieces.push(carry + segment);
      carry = '';
    } else if (OPENING.test(segment)) {
      carry += segment;
    } else {
      pieces[pieces.length - 1] += carry + segment;
      carry = '';
    }
  }
  if (carry) pieces.push(carry);
  return pieces;
}

/** Splits a piece into runs of one face, grapheme cluster by cluster. */
export function runsOf(piece: string, weight: Weight): Run[] {
  const runs: { face: Face; text: string }[] = [];
  let current: Face | undefined;
  for (const { segment } of graphemes.segment(piece)) {
    const face = faceFor(segment, current, weight);
    const last = runs[runs.length - 1];
    if (last && last.face === face) last.text += segment;
    else runs.push({ face, text: segment });
    current = face;
  }
  return runs;
}

/** The units of one line of text, each in its runs. */
export function unitsOf(text: string, lang: string, weight: Weight): Unit[] {
  return breakPieces(text, lang).map((piece) => {
    const trailing = /\s*$/u.exec(piece)![0];
    return { runs: runsOf(piece, weight), trailing };
  });
}

/** The grapheme clusters of a text: a unit too wide for a whole line is cut between them, never inside. */
export function clustersOf(text: string): string[] {
  return [...graphemes.segment(text)].map((s) => s.segment);
}
