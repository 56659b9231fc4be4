/**
 * Burmese typed in the Zawgyi font encoding (SECURITY.md I6). Zawgyi reuses Myanmar code points with
 * other meanings, so such text looks right only in that font and never matches the same name typed in
 * Unicode. Google's myanmar-tools detector gives the probability that a string is Zawgyi; above the
 * threshold it is converted to Unicode before anything else sees it.
 */
import { createRequire } from 'node:module';

interface Detector {
  getZawgyiProbability(input: string): number;
}
interface Converter {
  zawgyiToUnicode(input: string): string;
}

const require = createRequire(import.meta.url);
const tools = require('myanmar-tools') as { ZawgyiDetector: new () => Detector; ZawgyiConverter: new () => Converter };
const detector = new tools.ZawgyiDetector();
const converter = new tools.ZawgyiConverter();

/**
 * Short Unicode names can look like Zawgyi (`သန္တာ`, correctly stacked, scores 0.992), so only near
 * certainty converts; clear Zawgyi (`ေမာင္ေမာင္`, `ျမန္မာ`) scores above 0.9999.
 */
const THRESHOLD = 0.999;
const MYANMAR = /[\u1000-\u109F]/;

/**
 * What only Zawgyi writes: the vowel sign E or the medial RA typed before the consonant (in Unicode
 * they always follow one), or its stacked and ligature forms in the block Unicode keeps for Shan, Mon and Karen.
 * Correct Unicode Burmese with stacked consonants (`သန္တာ ဥပမာ`) can score high on the detector
 * alone, so both must agree before anything is converted.
 */
const isConsonant = (c: number) => c >= 0x1000 && c <= 0x1021;
const isMedial = (c: number) => c >= 0x103b && c <= 0x103e;

function hasZawgyiSignature(text: string): boolean {
  let previous = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c === 0x1031 && !isConsonant(previous) && !isMedial(previous)) return true;
    if (c === 0x103b && !isConsonant(previous)) return true;
    if (c >= 0x1060 && c <= 0x1097) return true;
    previous = c;
  }
  return false;
}

export function isZawgyi(text: string): boolean {
  return MYANMAR.test(text) && hasZawgyiSignature(text) && detector.getZawgyiProbability(text) > THRESHOLD;
}

/** Unicode text comes back unchanged; Zawgyi text comes back as Unicode. */
export function fromZawgyi(text: string): string {
  return isZawgyi(text) ? converter.zawgyiToUnicode(text) : text;
}
