// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ambient types for two packages that ship none
/// <reference path="./font-modules.d.ts" />
/**
 * `npm run fonts:autonyms`: writes public/fonts/autonyms-<script>.woff2, the language menu's subset
 * of each script font: only the glyphs its autonyms need. It subsets by the autonyms' code points
 * with harfbuzz's hb-subset (through subset-font), which keeps every layout feature and follows the
 * GSUB closure, so the stacked Khmer consonant and the reordered Myanmar vowel of "ខ្មែរ" and "မြန်မာ"
 * are in the subset as they are in the full font. Run it again after an autonym or a font changes;
 * test/unit/autonym-fonts.test.ts fails until then.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import subsetFont from 'subset-font';
import { AUTONYM_WEIGHT, autonymCodePoints, autonymFontName, SCRIPT_FONTS, scriptFontFile, type ScriptFont } from '../src/lib/assets.js';
import { PUBLIC_DIR } from '../src/lib/paths.js';

/** The autonym subset of one script font, as WOFF2; undefined when no menu name uses the script. */
export async function buildAutonymFont(font: ScriptFont): Promise<Buffer | undefined> {
  const points = autonymCodePoints(font);
  if (points.length === 0) return undefined;
  return subsetFont(readFileSync(scriptFontFile(font, AUTONYM_WEIGHT)), String.fromCodePoint(...points), { targetFormat: 'woff2' });
}

async function main(): Promise<void> {
  for (const font of SCRIPT_FONTS) {
    const body = await buildAutonymFont(font);
    if (!body) continue;
    const file = path.join(PUBLIC_DIR, autonymFontName(font));
    writeFileSync(file, body);
    process.stdout.write(`${path.relative(process.cwd(), file)}: ${body.length} bytes, ${autonymCodePoints(font).length} code points\n`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
