/**
 * A small layer over pdfkit that writes text in any of Haven's scripts (I18N.md): each run of text
 * in the face that has its letters (fonts.ts), lines broken between words found by Intl.Segmenter
 * (text.ts), runs of one line aligned on a common baseline, and pages numbered at the end.
 *
 * Extraction and screen readers: poppler's pdftotext (and other readers that follow the glyphs) give
 * Khmer pre-base vowels and some Burmese marks in the order the glyphs are drawn, not the order they
 * are written ("សេវា" comes out "េសវា"). Every run in a complex script is therefore wrapped in a
 * marked-content span whose ActualText is the run's own text, in logical order. A run whose language
 * differs from the document's also carries its `Lang`.
 */
import PDFDocument from 'pdfkit';
import { facesOf, type Face, type Weight } from './fonts.js';
import { clustersOf, runsOf, unitsOf, type Run, type Unit } from './text.js';

export interface TextOptions {
  /** The language the text is written in (BCP 47): how words are found, and the span's Lang. */
  lang: string;
  size?: number;
  weight?: Weight;
  color?: string;
  /** Where the text starts, from the left margin, and how wide it may run (default: to the right margin). */
  indent?: number;
  width?: number;
}

export interface PdfOptions {
  /** The document's language (the catalog's Lang). */
  lang: string;
  /** The document's title (shown by readers instead of the file name). */
  title: string;
}

const MARGIN = 56;
const FOOTER_SIZE = 8;
export const BODY_SIZE = 10;
/** Extra space between lines, as a fraction of the font size. */
const LEADING = 0.15;

const COMPLEX = new Set(['thai', 'khmer', 'lao', 'myanmar']);

/** Every positioning feature off: the last resort when fontkit cannot position a run at all. */
const POSITIONING_OFF: Record<string, boolean> = { abvm: false, blwm: false, mark: false, mkmk: false, dist: false, kern: false };
/** pdfkit's types name feature tags to add only; fontkit also takes `{ tag: false }`, which turns one off. */
function withFeatures(features: Record<string, boolean> | undefined): PDFKit.Mixins.TextOptions {
  return features ? { features: features as unknown as PDFKit.Mixins.OpenTypeFeatures[] } : {};
}

/** What to try, in order: the font's defaults, then without above-base mark positioning, then without positioning. */
const FEATURE_FALLBACKS: readonly (Record<string, boolean> | undefined)[] = [undefined, { abvm: false }, POSITIONING_OFF];

interface Line {
  units: Unit[];
}

export class PdfWriter {
  private readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;
  private readonly lang: string;
  private readonly widths = new Map<string, number>();
  private readonly features = new Map<string, Record<string, boolean> | undefined>();
  /** The top of the next line to write. */
  y = MARGIN;

  constructor(options: PdfOptions) {
    this.lang = options.lang;
    this.doc = new PDFDocument({
      size: 'A4',
      margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
      bufferPages: true,
      lang: options.lang,
      displayTitle: true,
      pdfVersion: '1.7',
      info: { Title: options.title, Creator: 'Haven', Producer: 'Haven' },
    });
    for (const weight of [400, 700] as const) for (const face of facesOf(weight)) this.doc.registerFont(face.name, face.data);
    this.done = new Promise((resolve, reject) => {
      this.doc.on('data', (c: Buffer) => this.chunks.push(c));
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
  }

  get left(): number {
    return MARGIN;
  }

  /** The width between the margins. */
  get width(): number {
    return this.doc.page.width - 2 * MARGIN;
  }

  private get bottom(): number {
    return this.doc.page.height - MARGIN;
  }

  private widthOf(run: Pick<Run, 'face' | 'text'>, size: number): number {
    const key = `${run.face.name} ${size} ${run.text}`;
    let w = this.widths.get(key);
    if (w === undefined) {
      const features = this.featuresOf(run);
      w = this.doc.font(run.face.name).fontSize(size).widthOfString(run.text, withFeatures(features));
      if (this.widths.size < 20_000) this.widths.set(key, w);
    }
    return w;
  }

  /**
   * The OpenType features to set a run with: the defaults, unless fontkit fails on them. fontkit
   * 2.0.4 throws on a NULL anchor in a mark-to-base lookup, which the Noto Sans Khmer regular subset
   * has for NIKAHIT (U+17C6) in `abvm` ("ស្នើសុំ"); the run is then set without that feature (the
   * mark keeps the position the font draws it at), or at worst without any positioning feature,
   * rather than failing the whole document.
   */
  private featuresOf(run: Pick<Run, 'face' | 'text'>): Record<string, boolean> | undefined {
    const key = `${run.face.name} ${run.text}`;
    if (this.features.has(key)) return this.features.get(key);
    const font = this.doc.font(run.face.name);
    let chosen: Record<string, boolean> | undefined;
    for (const candidate of FEATURE_FALLBACKS) {
      try {
        font.widthOfString(run.text, withFeatures(candidate));
        chosen = candidate;
        break;
      } catch {
        chosen = POSITIONING_OFF;
      }
    }
    if (this.features.size < 20_000) this.features.set(key, chosen);
    return chosen;
  }

  private unitWidth(unit: Unit, size: number): { full: number; fit: number } {
    const full = unit.runs.reduce((sum, r) => sum + this.widthOf(r, size), 0);
    const last = unit.runs[unit.runs.length - 1];
    const fit = last && unit.trailing ? full - this.widthOf({ face: last.face, text: unit.trailing }, size) : full;
    return { full, fit };
  }

  /** Cuts a unit wider than a whole line between grapheme clusters, into pieces that each fit. */
  private cut(unit: Unit, size: number, width: number, weight: Weight): Unit[] {
    const pieces: Unit[] = [];
    let text = '';
    for (const cluster of clustersOf(unit.runs.map((r) => r.text).join(''))) {
      const next = text + cluster;
      const w = runsOf(next, weight).reduce((sum, r) => sum + this.widthOf(r, size), 0);
      if (text && w > width) {
        pieces.push({ runs: runsOf(text, weight), trailing: '' });
        text = cluster;
      } else text = next;
    }
    if (text) pieces.push({ runs: runsOf(text, weight), trailing: unit.trailing });
    return pieces;
  }

  private layout(text: string, lang: string, size: number, width: number, weight: Weight): Line[] {
    const lines: Line[] = [];
    for (const source of text.normalize('NFC').split('\n')) {
      let current: Unit[] = [];
      let used = 0;
      for (const unit of unitsOf(source, lang, weight)) {
        const w = this.unitWidth(unit, size);
        if (current.length > 0 && used + w.fit > width) {
          lines.push({ units: current });
          current = [];
          used = 0;
        }
        if (current.length === 0 && w.fit > width) {
          const parts = this.cut(unit, size, width, weight);
          for (const part of parts.slice(0, -1)) lines.push({ units: [part] });
          const last = parts[parts.length - 1]!;
          current = [last];
          used = this.unitWidth(last, size).full;
          continue;
        }
        current.push(unit);
        used += w.full;
      }
      lines.push({ units: current });
    }
    return lines;
  }

  /** The height of a line: the tallest face in it, above and below the baseline. */
  private metrics(line: Line, size: number, weight: Weight): { ascent: number; descent: number } {
    const faces: Face[] = line.units.flatMap((u) => u.runs.map((r) => r.face));
    if (faces.length === 0) faces.push(facesOf(weight)[0]!);
    return {
      ascent: Math.max(...faces.map((f) => f.ascent)) * size,
      descent: Math.max(...faces.map((f) => f.descent)) * size + LEADING * size,
    };
  }

  /**
   * Draws one run. A span must sit inside the text's own graphics state: pdfkit draws each piece of
   * text as `q <flip> cm BT ... ET Q` on a page whose matrix is flipped, and poppler places an
   * ActualText by the state at its EMC, so a span around the whole `q ... Q` is read upside down
   * (the words of a line come out one per line, in reverse). The span is therefore opened just before
   * pdfkit's BT and closed just after its ET, with pdfkit's own markContent (which encodes the text).
   */
  private drawRun(run: Run, x: number, baseline: number, size: number, lang: string): number {
    const complex = COMPLEX.has(run.face.script);
    const foreign = lang !== this.lang;
    const doc = this.doc.font(run.face.name).fontSize(size);
    const features = this.featuresOf(run);
    const options: PDFKit.Mixins.TextOptions = { lineBreak: false, baseline: 'alphabetic', ...withFeatures(features) };
    if (!complex && !foreign) {
      doc.text(run.text, x, baseline, options);
      return this.widthOf(run, size);
    }
    const span = { ...(complex ? { actual: run.text } : {}), ...(foreign ? { lang } : {}) };
    const content = doc as unknown as { addContent(data: string): unknown };
    const addContent = content.addContent;
    content.addContent = function (this: PDFKit.PDFDocument, data: string) {
      if (data === 'BT') this.markContent('Span', span);
      addContent.call(this, data);
      if (data === 'ET') this.endMarkedContent();
      return this;
    };
    try {
      doc.text(run.text, x, baseline, options);
    } finally {
      content.addContent = addContent;
    }
    return this.widthOf(run, size);
  }

  /** Starts a new page when `height` points do not fit on this one. */
  ensure(height: number): void {
    if (this.y + height > this.bottom) this.newPage();
  }

  newPage(): void {
    this.doc.addPage();
    this.y = MARGIN;
  }

  /**
   * Writes text (line feeds start new lines) from the current position, breaking lines between words
   * and pages between lines, and moves the position below it.
   */
  text(text: string, options: TextOptions): void {
    this.columns([{ ...options, text }]);
  }

  /**
   * Texts side by side from the same top (a label and its value), each in its own column, line by
   * line: each row of lines is as tall as its tallest line, and a page breaks between rows.
   */
  columns(cells: readonly (TextOptions & { text: string })[]): void {
    const laid = cells.map((cell) => {
      const size = cell.size ?? BODY_SIZE;
      const weight = cell.weight ?? 400;
      const indent = cell.indent ?? 0;
      const width = cell.width ?? this.width - indent;
      return { cell, size, weight, indent, lines: this.layout(cell.text, cell.lang, size, width, weight) };
    });
    const rows = Math.max(...laid.map((l) => l.lines.length));
    for (let i = 0; i < rows; i += 1) {
      const present = laid.filter((l) => l.lines[i]);
      const metrics = present.map((l) => this.metrics(l.lines[i]!, l.size, l.weight));
      const ascent = Math.max(...metrics.map((m) => m.ascent));
      const descent = Math.max(...metrics.map((m) => m.descent));
      this.ensure(ascent + descent);
      for (const l of present) {
        this.doc.fillColor(l.cell.color ?? '#000000');
        let x = MARGIN + l.indent;
        for (const unit of l.lines[i]!.units) for (const run of unit.runs) x += this.drawRun(run, x, this.y + ascent, l.size, l.cell.lang);
      }
      this.y += ascent + descent;
    }
  }

  space(points: number): void {
    this.y += points;
  }

  /** A thin line across the page. */
  rule(color = '#888888'): void {
    this.ensure(8);
    this.doc.save().moveTo(MARGIN, this.y + 3).lineTo(MARGIN + this.width, this.y + 3).lineWidth(0.5).strokeColor(color).stroke().restore();
    this.y += 8;
  }

  /**
   * A rectangle from the current line's top, `indent` from the left margin; the position does not
   * move. Filled, or only outlined (dashed, for a value a report does not show).
   */
  box(indent: number, width: number, height: number, style: { fill?: string; stroke?: string; dash?: boolean }): void {
    const doc = this.doc.save();
    doc.rect(MARGIN + indent, this.y, Math.max(width, 0.5), height);
    if (style.dash) doc.dash(2, { space: 2 });
    if (style.fill && style.stroke) doc.lineWidth(0.6).fillAndStroke(style.fill, style.stroke);
    else if (style.fill) doc.fill(style.fill);
    else doc.lineWidth(0.6).strokeColor(style.stroke ?? '#000000').stroke();
    doc.undash().restore();
  }

  /** A straight line between two points, each given from the left margin and the current line's top. */
  line(from: [number, number], to: [number, number], style: { color?: string; width?: number } = {}): void {
    this.doc
      .save()
      .moveTo(MARGIN + from[0], this.y + from[1])
      .lineTo(MARGIN + to[0], this.y + to[1])
      .lineWidth(style.width ?? 1)
      .strokeColor(style.color ?? '#000000')
      .stroke()
      .restore();
  }

  /** An empty square to tick by hand, then its label. */
  checkbox(label: string, lang: string, indent = 0): void {
    const size = BODY_SIZE;
    this.ensure(size * 2);
    const box = size * 0.9;
    this.doc.save().rect(MARGIN + indent, this.y + size * 0.15, box, box).lineWidth(0.7).strokeColor('#000000').stroke().restore();
    this.text(label, { lang, indent: indent + box + 6 });
    this.space(2);
  }

  /** A label, then a line to write on by hand. */
  blank(label: string, lang: string, options: { indent?: number; lines?: number } = {}): void {
    const indent = options.indent ?? 0;
    this.ensure(BODY_SIZE * 3);
    this.text(label, { lang, indent });
    for (let i = 0; i < (options.lines ?? 1); i += 1) {
      this.space(BODY_SIZE * 1.6);
      this.doc.save().moveTo(MARGIN + indent, this.y).lineTo(MARGIN + this.width, this.y).lineWidth(0.5).strokeColor('#000000').stroke().restore();
    }
    this.space(BODY_SIZE * 0.8);
  }

  /**
   * Writes a footer on every page (`footer(page, count)` gives its text, pages counted from 1) and
   * ends the document.
   */
  async finish(footer: (page: number, count: number) => string): Promise<Buffer> {
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i += 1) {
      this.doc.switchToPage(i);
      const line = this.layout(footer(i - range.start + 1, range.count), this.lang, FOOTER_SIZE, this.width, 400)[0]!;
      const { ascent } = this.metrics(line, FOOTER_SIZE, 400);
      let x = MARGIN;
      this.doc.fillColor('#444444');
      for (const unit of line.units) for (const run of unit.runs) x += this.drawRun(run, x, this.doc.page.height - MARGIN / 2 - ascent / 2, FOOTER_SIZE, this.lang);
    }
    this.doc.end();
    return this.done;
  }
}
