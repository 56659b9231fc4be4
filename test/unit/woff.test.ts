/**
 * The WOFF fonts unpacked for the PDFs (lib/pdf/woff.ts): the plain font holds the same tables, and a
 * PDF reader measures and finds the same glyphs in it as in the WOFF file.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import PDFDocument from 'pdfkit';
import { faceFile } from '../../src/lib/pdf/fonts.js';
import { unwrapWoff } from '../../src/lib/pdf/woff.js';

interface Opened {
  numGlyphs: number;
  unitsPerEm: number;
  hasGlyphForCodePoint(cp: number): boolean;
  layout(text: string): { advanceWidth: number; glyphs: { id: number }[] };
}

function open(data: Buffer): Opened {
  const doc = new PDFDocument({ autoFirstPage: false });
  doc.font(data);
  return (doc as unknown as { _font: { font: Opened } })._font.font;
}

describe('WOFF fonts unpacked for PDFs', () => {
  for (const [pkg, subset, text] of [
    ['noto-sans-thai', 'thai', 'สวัสดีครับ เด็กปลอดภัย'],
    ['noto-sans-khmer', 'khmer', 'សុវត្ថិភាព កុមារ'],
    ['noto-sans', 'latin', 'Fictional child, 2026'],
  ] as const) {
    it(`gives the same glyphs and widths as the WOFF file (${pkg})`, () => {
      const woff = readFileSync(faceFile(pkg, subset, 400));
      expect(woff.toString('latin1', 0, 4)).to.equal('wOFF');
      const sfnt = unwrapWoff(woff);
      expect(sfnt.readUInt32BE(0), 'a TrueType or OpenType file').to.be.oneOf([0x00010000, 0x4f54544f]);
      expect(sfnt.readUInt16BE(4), 'as many tables').to.equal(woff.readUInt16BE(12));
      const [a, b] = [open(woff), open(sfnt)];
      expect(b.numGlyphs).to.equal(a.numGlyphs).and.to.be.greaterThan(10);
      expect(b.unitsPerEm).to.equal(a.unitsPerEm);
      for (const ch of text) expect(b.hasGlyphForCodePoint(ch.codePointAt(0)!), ch).to.equal(a.hasGlyphForCodePoint(ch.codePointAt(0)!));
      const [la, lb] = [a.layout(text), b.layout(text)];
      expect(lb.glyphs.map((g) => g.id)).to.deep.equal(la.glyphs.map((g) => g.id));
      expect(lb.advanceWidth).to.equal(la.advanceWidth).and.to.be.greaterThan(0);
    });
  }

  it('returns a file that is not WOFF as it is', () => {
    const other = Buffer.from('not a font at all, fictional');
    expect(unwrapWoff(other)).to.equal(other);
  });
});
