/**
 * The language menu's subset fonts (public/fonts/autonyms-*.woff2) hold every letter of the autonyms
 * in their script and draw each autonym exactly as the full font does: the same glyphs, outlines and
 * positions after shaping (Khmer's stacked consonant, Myanmar's reordered vowel). A changed autonym or
 * font fails here until `npm run fonts:autonyms` is run again.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import fontverter from 'fontverter';
import * as hb from 'harfbuzzjs';
import subsetFont from 'subset-font';
import { LOCALE_INFO, LOCALES } from '../../src/domain/locales.js';
import { AUTONYM_WEIGHT, autonymCodePoints, autonymFontName, buildAssets, SCRIPT_FONTS, scriptFontFile, type ScriptFont } from '../../src/lib/assets.js';
import { PUBLIC_DIR } from '../../src/lib/paths.js';
import { buildAutonymFont } from '../../tools/autonym-fonts.js';

interface Glyph {
  outline: string;
  advance: number;
  x: number;
  y: number;
}

/** Shapes `text` with a font (any format) the way a browser does, answering each glyph as drawn. */
async function shaped(font: Buffer, text: string): Promise<{ glyphs: Glyph[]; missing: number }> {
  const face = new hb.Face(new hb.Blob(await fontverter.convert(font, 'sfnt')));
  const hbFont = new hb.Font(face);
  const buffer = new hb.Buffer();
  buffer.addText(text);
  buffer.guessSegmentProperties();
  hb.shape(hbFont, buffer);
  const infos = buffer.getGlyphInfosAndPositions();
  return {
    glyphs: infos.map((g) => ({ outline: hbFont.glyphToPath(g.codepoint), advance: g.xAdvance ?? 0, x: g.xOffset ?? 0, y: g.yOffset ?? 0 })),
    missing: infos.filter((g) => g.codepoint === 0).length,
  };
}

async function codePointsOf(font: Buffer): Promise<number[]> {
  return [...new hb.Face(new hb.Blob(await fontverter.convert(font, 'sfnt'))).collectUnicodes()].sort((a, b) => a - b);
}

const autonymsIn = (font: ScriptFont) => LOCALES.map((code) => LOCALE_INFO[code]).filter((i) => i.script === font.script).map((i) => i.autonym);
const committed = (font: ScriptFont) => readFileSync(path.join(PUBLIC_DIR, autonymFontName(font)));

describe("the language menu's autonym subset fonts", () => {
  it('exist for each script that an autonym is written in', () => {
    for (const font of SCRIPT_FONTS) {
      expect(autonymsIn(font), font.script).to.have.length.of.at.least(1);
      expect(autonymCodePoints(font).length, font.script).to.be.at.least(3);
      expect(committed(font).subarray(0, 4).toString('latin1'), autonymFontName(font)).to.equal('wOF2');
    }
  });

  for (const font of SCRIPT_FONTS) {
    it(`hold every letter of the ${font.family.replace("Haven Noto Sans ", "")} autonyms and draw them as the full font does`, async () => {
      const subset = committed(font);
      const full = readFileSync(scriptFontFile(font, AUTONYM_WEIGHT));
      expect(await codePointsOf(subset)).to.deep.equal(autonymCodePoints(font));
      expect(subset.length, 'a few hundred bytes to a couple of KB').to.be.below(3000);
      for (const autonym of autonymsIn(font)) {
        const want = await shaped(full, autonym);
        const got = await shaped(subset, autonym);
        expect(want.missing, `the full font draws ${autonym}`).to.equal(0);
        expect(got.missing, `no .notdef box in ${autonym}`).to.equal(0);
        expect(got.glyphs, `${autonym} shaped with the subset`).to.deep.equal(want.glyphs);
      }
    });
  }

  it('are what `npm run fonts:autonyms` makes from the current autonyms and fonts', async () => {
    for (const font of SCRIPT_FONTS) {
      const fresh = await buildAutonymFont(font);
      expect(fresh, font.script).to.not.equal(undefined);
      expect(committed(font).equals(fresh!), `${autonymFontName(font)} is out of date: run npm run fonts:autonyms`).to.equal(true);
    }
  });

  it('need the layout closure (the check can fail): a subset of the mapped glyphs alone draws Khmer wrongly', async () => {
    const font = SCRIPT_FONTS.find((f) => f.script === 'Khmr')!;
    const full = readFileSync(scriptFontFile(font, AUTONYM_WEIGHT));
    const [autonym] = autonymsIn(font);
    const naive = await subsetFont(full, String.fromCodePoint(...autonymCodePoints(font)), { targetFormat: 'woff2', noLayoutClosure: true });
    expect((await shaped(naive, autonym!)).glyphs).to.not.deep.equal((await shaped(full, autonym!)).glyphs);
  });

  it('are named in the font stylesheet with a unicode-range of exactly their letters', () => {
    const assets = buildAssets();
    const css = assets.byUrl(assets.url('css/fonts.css'))!.body.toString('utf8');
    for (const font of SCRIPT_FONTS) {
      const face = css.split('\n').find((line) => line.includes(`'${font.autonyms}'`));
      expect(face, font.autonyms).to.be.a('string');
      expect(face).to.include(`url(${assets.url(autonymFontName(font))})`);
      const range = /unicode-range:([^}]+)\}/.exec(face!)![1]!.split(',').map((u) => parseInt(u.slice(2), 16));
      expect(range).to.deep.equal(autonymCodePoints(font));
    }
  });
});
