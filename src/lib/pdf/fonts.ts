/**
 * The fonts a PDF of Haven is written in (I18N.md "PDFs embed the same fonts so every script renders"):
 * Noto Sans for Latin text (its latin, latin-ext and vietnamese subsets: pdfkit's built-in Helvetica
 * has no Vietnamese letters) and Noto Sans Thai, Khmer, Lao and Myanmar, in the regular and bold
 * weights, as the @fontsource packages ship them (WOFF, which fontkit reads directly). pdfkit embeds
 * each face a document uses as a subset of the glyphs it used.
 *
 * Which face holds which letter is asked of the font itself (fontkit's hasGlyphForCodePoint), not of
 * the unicode-range the stylesheets declare: a range may name code points a subset lacks.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { NODE_MODULES_DIR } from '../paths.js';
import { unwrapWoff } from './woff.js';

export type Weight = 400 | 700;

/** The scripts whose letters pdftotext and screen readers need ActualText for (see document.ts). */
export type FaceScript = 'latin' | 'thai' | 'khmer' | 'lao' | 'myanmar';

interface FaceFile {
  readonly pkg: string;
  readonly subset: string;
  readonly script: FaceScript;
}

/** In the order a letter is looked for when the face in use lacks it: Latin first. */
const FILES: readonly FaceFile[] = [
  { pkg: 'noto-sans', subset: 'latin', script: 'latin' },
  { pkg: 'noto-sans', subset: 'latin-ext', script: 'latin' },
  { pkg: 'noto-sans', subset: 'vietnamese', script: 'latin' },
  { pkg: 'noto-sans-thai', subset: 'thai', script: 'thai' },
  { pkg: 'noto-sans-khmer', subset: 'khmer', script: 'khmer' },
  { pkg: 'noto-sans-lao', subset: 'lao', script: 'lao' },
  { pkg: 'noto-sans-myanmar', subset: 'myanmar', script: 'myanmar' },
];

/** What of a fontkit font this layer reads (fontkit is pdfkit's own font reader). */
interface FontkitFont {
  hasGlyphForCodePoint(codePoint: number): boolean;
  readonly ascent: number;
  readonly descent: number;
  readonly unitsPerEm: number;
}

export interface Face {
  /** The name the face is registered under in each document. */
  readonly name: string;
  readonly script: FaceScript;
  readonly weight: Weight;
  /** The font file's bytes, read once per process. */
  readonly data: Buffer;
  /** Above and below the baseline, as a fraction of the font size. */
  readonly ascent: number;
  readonly descent: number;
  has(codePoint: number): boolean;
}

export function faceFile(pkg: string, subset: string, weight: Weight): string {
  return path.join(NODE_MODULES_DIR, '@fontsource', pkg, 'files', `${pkg}-${subset}-${weight}-normal.woff`);
}

/**
 * Opens a font file with the fontkit that pdfkit carries, through a document that is never written:
 * pdfkit does not export its font reader, and this keeps Haven on the one fontkit pdfkit was built with.
 */
function openFont(data: Buffer): FontkitFont {
  const probe = new PDFDocument({ autoFirstPage: false });
  probe.font(data);
  return (probe as unknown as { _font: { font: FontkitFont } })._font.font;
}

function loadFace(file: FaceFile, weight: Weight): Face {
  const data = unwrapWoff(readFileSync(faceFile(file.pkg, file.subset, weight)));
  const font = openFont(data);
  const known = new Map<number, boolean>();
  return {
    name: `${file.pkg}-${file.subset}-${weight}`,
    script: file.script,
    weight,
    data,
    ascent: font.ascent / font.unitsPerEm,
    descent: -font.descent / font.unitsPerEm,
    has(codePoint) {
      let found = known.get(codePoint);
      if (found === undefined) known.set(codePoint, (found = font.hasGlyphForCodePoint(codePoint)));
      return found;
    },
  };
}

let faces: ReadonlyMap<Weight, readonly Face[]> | undefined;

/** Every face of a weight, in the order letters are looked for; read from disk once per process. */
export function facesOf(weight: Weight): readonly Face[] {
  faces ??= new Map(([400, 700] as const).map((w) => [w, FILES.map((f) => loadFace(f, w))]));
  return faces.get(weight)!;
}

/**
 * The face to set a grapheme cluster in: the face in use when it has every code point of the cluster
 * (so spaces and digits inside Thai text stay in the Thai face), else the first face that has them
 * all, else the first that has its first code point; a letter no face has falls to Latin's .notdef.
 */
export function faceFor(cluster: string, current: Face | undefined, weight: Weight): Face {
  const points = [...cluster].map((c) => c.codePointAt(0)!);
  const all = (f: Face) => points.every((p) => f.has(p));
  if (current && current.weight === weight && all(current)) return current;
  const list = facesOf(weight);
  return list.find(all) ?? list.find((f) => f.has(points[0]!)) ?? list[0]!;
}
