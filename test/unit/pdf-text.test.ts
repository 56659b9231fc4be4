/**
 * The PDF text layer (src/lib/pdf): break opportunities from Intl.Segmenter in scripts without
 * spaces, runs of one face each (Vietnamese letters from the vietnamese subset, Thai digits and spaces
 * kept in the Thai face), wrapping inside the margins, and extraction in logical order: poppler reads
 * Khmer pre-base vowels in glyph order unless the run carries its ActualText.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import PDFDocument from 'pdfkit';
import { faceFile } from '../../src/lib/pdf/fonts.js';
import { PdfWriter } from '../../src/lib/pdf/document.js';
import { breakPieces, runsOf } from '../../src/lib/pdf/text.js';

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'haven-pdf-text-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** The text poppler extracts from a PDF, with the layout it sees (`-layout` off: reading order). */
function extract(pdf: Buffer, ...args: string[]): string {
  const file = path.join(dir, `t${(n += 1)}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('/usr/bin/pdftotext', [...args, '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

const squeeze = (s: string) => s.normalize('NFC').replace(/\s+/gu, '');

function pdfkitBuffer(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.end();
  });
}

describe('pdf text layer', () => {
  it('finds word breaks in Thai, Khmer, Lao and Burmese, and gives back the text exactly', () => {
    const samples: [string, string][] = [
      ['th', 'บริการดูแลเด็กในบ้านพักพิง'],
      ['km', 'សេវាថែទាំកុមារ'],
      ['lo', 'ການສົ່ງຕໍ່ບໍລິການ'],
      ['my', 'ကလေးစောင့်ရှောက်မှုဝန်ဆောင်မှု'],
      ['en', 'A fictional (test) sentence, with punctuation.'],
    ];
    for (const [lang, text] of samples) {
      const pieces = breakPieces(text, lang);
      expect(pieces.join(''), lang).to.equal(text);
      expect(pieces.length, `${lang}: ${pieces.join('|')}`).to.be.greaterThan(2);
    }
    expect(breakPieces('one (two) three', 'en')).to.deep.equal(['one ', '(two) ', 'three']);
  });

  it('sets each letter in a face that has it: Vietnamese from two Noto Sans subsets, Thai letters in the Thai face', () => {
    const vi = runsOf('Việt', 400);
    expect(vi.map((r) => r.text)).to.deep.equal(['Vi', 'ệ', 't']);
    expect(vi.map((r) => r.face.name)).to.deep.equal(['noto-sans-latin-400', 'noto-sans-vietnamese-400', 'noto-sans-latin-400']);
    // A space stays in the face in use; the Thai subset has no ASCII digits, so they come from Noto Sans.
    const th = runsOf('เด็ก 12 คน', 700);
    expect(th.map((r) => [r.text, r.face.name])).to.deep.equal([['เด็ก ', 'noto-sans-thai-thai-700'], ['12 ', 'noto-sans-latin-700'], ['คน', 'noto-sans-thai-thai-700']]);
    // A Khmer sign of the Khmer block stays in the Khmer run.
    expect(runsOf('កុមារ។', 400).map((r) => r.face.script)).to.deep.equal(['khmer']);
    const mixed = runsOf('RF-1 សេវា', 400).map((r) => r.face.script);
    expect(mixed).to.deep.equal(['latin', 'khmer']);
  });

  it('pdftotext reads a Khmer pre-base vowel in glyph order without ActualText, and in logical order with it', async () => {
    const bare = new PDFDocument();
    bare.font(faceFile('noto-sans-khmer', 'khmer', 400)).fontSize(14).text('សេវា', 72, 72, { lineBreak: false });
    expect(squeeze(extract(await pdfkitBuffer(bare)))).to.equal('េសវា');

    const w = new PdfWriter({ lang: 'km', title: 'RF-TEST-1' });
    w.text('សេវា', { lang: 'km', size: 14 });
    expect(squeeze(extract(await w.finish(() => '')))).to.equal('សេវា');
  });

  it('sets Khmer NIKAHIT in the regular weight, on which fontkit fails with the font\'s default features', async () => {
    const probe = new PDFDocument();
    probe.font(faceFile('noto-sans-khmer', 'khmer', 400));
    expect(() => probe.widthOfString('ស្នើសុំ')).to.throw();
    const w = new PdfWriter({ lang: 'km', title: 'RF-TEST-4' });
    w.text('សេវាដែលស្នើសុំ កំពុងរៀបចំ', { lang: 'km' });
    expect(squeeze(extract(await w.finish(() => '')))).to.equal('សេវាដែលស្នើសុំកំពុងរៀបចំ');
  });

  it('wraps long text without spaces inside the margins, one line after another, and keeps every letter in order', async () => {
    const sentences: [string, string][] = [
      ['th', 'เด็กสมมุติได้รับการดูแลในบ้านพักพิงและไปโรงเรียนทุกวัน'],
      ['km', 'កុមារសម្មតិទទួលបានការថែទាំនៅមណ្ឌលស្នាក់នៅបណ្ដោះអាសន្ន'],
      ['lo', 'ເດັກສົມມຸດໄດ້ຮັບການເບິ່ງແຍງຢູ່ສູນພັກພິງ'],
      ['my', 'စမ်းသပ်ကလေးသည် ယာယီစောင့်ရှောက်ရေးဂေဟာတွင် စောင့်ရှောက်မှုခံယူနေသည်'],
      ['vi', 'Trẻ em hư cấu được chăm sóc tại nhà tạm lánh và đi học mỗi ngày'],
    ];
    for (const [lang, sentence] of sentences) {
      const text = Array.from({ length: 6 }, () => sentence).join(' ');
      const w = new PdfWriter({ lang, title: 'RF-TEST-2' });
      w.text(text, { lang, width: 200 });
      const pdf = await w.finish(() => '');
      const lines = extract(pdf, '-layout').split('\n').filter((l) => l.trim());
      expect(lines.length, lang).to.be.greaterThan(4);
      expect(squeeze(extract(pdf)), lang).to.equal(squeeze(text));
      // No line runs past the 200 points asked for (from the 56-point margin), but for a mark's overhang.
      const boxes = [...extract(pdf, '-bbox').matchAll(/xMax="([\d.]+)"/g)].map((m) => Number(m[1]));
      expect(Math.max(...boxes), lang).to.be.at.most(56 + 200 + 4);
    }
  });

  it('embeds every face it uses, as subsets, and names the document by its title and language', async () => {
    const w = new PdfWriter({ lang: 'th', title: 'RF-TEST-3' });
    w.text('ภาษาไทย English Tiếng Việt ខ្មែរ ລາວ မြန်မာ', { lang: 'th', weight: 700 });
    const pdf = await w.finish((p, c) => `${p}/${c}`);
    const file = path.join(dir, 'fonts.pdf');
    writeFileSync(file, pdf);
    const rows = execFileSync('/usr/bin/pdffonts', [file], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
    const names = rows.map((r) => r.split(/\s+/)[0]!.replace(/^[A-Z]{6}\+/, ''));
    for (const font of ['NotoSans-Bold', 'NotoSans-Regular', 'NotoSansThai-Bold', 'NotoSansKhmer-Bold', 'NotoSansLao-Bold', 'NotoSansMyanmar-Bold']) expect(names).to.include(font);
    for (const row of rows) expect(row.split(/\s+/).slice(-5, -2), row).to.deep.equal(['yes', 'yes', 'yes']);
    const info = execFileSync('/usr/bin/pdfinfo', [file], { encoding: 'utf8' });
    expect(info).to.match(/^Title:\s+RF-TEST-3$/m);
    expect(pdf.toString('latin1')).to.include('/Lang (th)');
  });
});
