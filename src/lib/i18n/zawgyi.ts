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

export function isZawgyi(text: string): boolean {
  return MYANMAR.test(text) && detector.getZawgyiProbability(text) > THRESHOLD;
}

/** Unicode text comes back unchanged; Zawgyi text comes back as Unicode. */
export function fromZawgyi(text: string): string {
  return isZawgyi(text) ? converter.zawgyiToUnicode(text) : text;
}
