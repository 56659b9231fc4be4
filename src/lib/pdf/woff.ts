/**
 * A WOFF 1.0 font file unpacked to the plain TrueType/OpenType file it wraps (W3C WOFF File Format 1.0,
 * section 5). The fonts Haven embeds come as WOFF, whose tables are zlib-compressed one by one; fontkit
 * inflates a table again at each glyph it reads from it, which made most of a PDF's time. Unpacked once
 * when a face is loaded, each table is read in place.
 */
import { inflateSync } from 'node:zlib';

const WOFF_SIGNATURE = 0x774f4646; // 'wOFF'
const WOFF_HEADER = 44;
const WOFF_ENTRY = 20;
const SFNT_HEADER = 12;
const SFNT_ENTRY = 16;

const padded = (n: number) => (n + 3) & ~3;

/** The sfnt inside `woff`; a file that is not WOFF is returned as it is. */
export function unwrapWoff(woff: Buffer): Buffer {
  if (woff.length < WOFF_HEADER || woff.readUInt32BE(0) !== WOFF_SIGNATURE) return woff;
  const flavor = woff.readUInt32BE(4);
  const count = woff.readUInt16BE(12);
  const tables = Array.from({ length: count }, (_, i) => {
    const at = WOFF_HEADER + i * WOFF_ENTRY;
    const [tag, offset, compLength, origLength, checksum] = [woff.readUInt32BE(at), woff.readUInt32BE(at + 4), woff.readUInt32BE(at + 8), woff.readUInt32BE(at + 12), woff.readUInt32BE(at + 16)];
    const stored = woff.subarray(offset, offset + compLength);
    const data = compLength < origLength ? inflateSync(stored) : stored;
    if (data.length !== origLength) throw new Error('a font table did not unpack to its stated length');
    return { tag, checksum, data };
  });
  // The sfnt's table directory asks for its records sorted by tag (WOFF keeps them so; sorted again to be sure).
  tables.sort((a, b) => a.tag - b.tag);
  let size = SFNT_HEADER + count * SFNT_ENTRY;
  const offsets = tables.map((t) => {
    const at = size;
    size += padded(t.data.length);
    return at;
  });
  const out = Buffer.alloc(size);
  const power = 2 ** Math.floor(Math.log2(count));
  out.writeUInt32BE(flavor, 0);
  out.writeUInt16BE(count, 4);
  out.writeUInt16BE(power * 16, 6);
  out.writeUInt16BE(Math.log2(power), 8);
  out.writeUInt16BE(count * 16 - power * 16, 10);
  tables.forEach((t, i) => {
    const at = SFNT_HEADER + i * SFNT_ENTRY;
    out.writeUInt32BE(t.tag, at);
    out.writeUInt32BE(t.checksum, at + 4);
    out.writeUInt32BE(offsets[i]!, at + 8);
    out.writeUInt32BE(t.data.length, at + 12);
    t.data.copy(out, offsets[i]!);
  });
  return out;
}
