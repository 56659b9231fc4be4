// Types for the two font packages that ship none (dev dependencies: the autonym subsets and their test).

declare module 'subset-font' {
  /** Subsets a font to the glyphs that `text` needs, harfbuzz's layout closure included (hb-subset). */
  export default function subsetFont(
    font: Buffer,
    text: string,
    options?: { targetFormat?: 'sfnt' | 'truetype' | 'woff' | 'woff2'; keepFeatures?: string[]; noLayoutClosure?: boolean },
  ): Promise<Buffer>;
}

declare module 'fontverter' {
  export function detectFormat(font: Buffer): 'sfnt' | 'woff' | 'woff2';
  export function convert(font: Buffer, to: 'sfnt' | 'truetype' | 'woff' | 'woff2', from?: 'sfnt' | 'truetype' | 'woff' | 'woff2'): Promise<Buffer>;
}
