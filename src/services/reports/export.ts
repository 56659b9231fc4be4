/**
 * A report as a file (SECURITY.md P4, I5): CSV for a spreadsheet, PDF for a board or a donor. Both are
 * written from the same presented figures as the page, so a cell hidden there is hidden here. The CSV
 * starts with a byte-order mark (so spreadsheets read Thai or Khmer labels as UTF-8), writes numbers in
 * Latin digits (so they stay numbers), and neutralises any text a spreadsheet would run as a formula.
 * The PDF embeds its fonts (lib/pdf), so it reads the same on a computer without Thai or Khmer fonts.
 */
import { SMALL_TEXT, csvCell } from '../../domain/reports.js';
import { formatDate, type Calendar } from '../../lib/i18n/format.js';
import { PdfWriter } from '../../lib/pdf/document.js';
import type { Translate } from './dashboard.js';
import type { ShownCell, ShownFigure } from './present.js';

/** What a file says about itself: whose report, which period, which filters, when it was made. */
export interface ReportHeading {
  title: string;
  /** The organisation, or the organisation and the team. */
  scope: string;
  from: Date;
  /** The first day after the period. */
  to: Date;
  /** The filters in words ("Country: Cambodia"), empty for none. */
  filters: string[];
  generatedAt: Date;
}

export interface Reader {
  locale: string;
  calendar: Calendar;
}

const lastDay = (to: Date) => new Date(to.getTime() - 86_400_000);
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** A shown value as a spreadsheet reads it: Latin digits, a share in percent, or the reason it is hidden. */
function csvValue(cell: ShownCell, kind: 'rate' | 'other'): string {
  if (cell.value === undefined) return cell.text;
  if (kind === 'rate') return `${Math.round(cell.value * 1000) / 10}%`;
  return String(Math.round(cell.value * 10) / 10);
}

/** The report as CSV, one value per line: period, filters, figure, category, measure, value. */
export function reportCsv(heading: ReportHeading, figures: readonly ShownFigure[], t: Translate): Buffer {
  const lines: string[][] = [[t('reports:csv.from'), t('reports:csv.to'), t('reports:csv.scope'), t('reports:csv.filters'), t('reports:csv.figure'), t('reports:csv.category'), t('reports:csv.measure'), t('reports:csv.value')]];
  const lead = [isoDay(heading.from), isoDay(lastDay(heading.to)), heading.scope, heading.filters.join('; ')];
  for (const f of figures) {
    const kinds = f.columns.map((c) => (c.kind === 'rate' ? 'rate' : 'other') as 'rate' | 'other');
    for (const row of f.rows) row.cells.forEach((cell, i) => lines.push([...lead, f.title, row.label, f.columns[i]!.label, csvValue(cell, kinds[i]!)]));
    f.totals?.forEach((cell, i) => {
      if (cell.text !== '') lines.push([...lead, f.title, t('reports:total'), f.columns[i]!.label, csvValue(cell, kinds[i]!)]);
    });
    for (const s of f.stats) lines.push([...lead, f.title, s.label, '', csvValue(s.cell, 'other')]);
  }
  const text = lines.map((l) => l.map(csvCell).join(',')).join('\r\n');
  return Buffer.from(`\uFEFF${text}\r\n`, 'utf8');
}

const MUTED = '#444444';
const BAR = '#1f3a5f';
const LABEL_WIDTH = 130;

/** The heading every report PDF starts with. */
function writeHeading(pdf: PdfWriter, heading: ReportHeading, reader: Reader, t: Translate): void {
  const date = (d: Date) => formatDate(d, reader.locale, { calendar: reader.calendar, style: 'long' });
  pdf.text(heading.title, { lang: reader.locale, size: 16, weight: 700 });
  pdf.space(4);
  pdf.text(heading.scope, { lang: reader.locale, size: 11 });
  pdf.text(t('reports:period', { from: date(heading.from), to: date(lastDay(heading.to)) }), { lang: reader.locale });
  if (heading.filters.length > 0) pdf.text(heading.filters.join(' · '), { lang: reader.locale });
  pdf.text(t('reports:generated', { date: date(heading.generatedAt) }), { lang: reader.locale, size: 8, color: MUTED });
  pdf.text(t('reports:suppressionNote', { small: SMALL_TEXT }), { lang: reader.locale, size: 8, color: MUTED });
  pdf.space(6);
  pdf.rule();
}

/** One figure: its title, what it counts, the sentence, the chart, then its table. */
function writeFigure(pdf: PdfWriter, f: ShownFigure, reader: Reader, t: Translate): void {
  const lang = reader.locale;
  pdf.space(8);
  pdf.ensure(120);
  pdf.text(f.title, { lang, size: 12, weight: 700 });
  pdf.text(f.note, { lang, size: 8, color: MUTED });
  pdf.space(2);
  pdf.text(f.summary, { lang, size: 9 });
  pdf.space(4);
  const chartWidth = pdf.width - LABEL_WIDTH - 50;
  for (const row of f.rows) {
    pdf.ensure(14);
    const top = pdf.y;
    pdf.columns([{ text: row.label, lang, size: 8, width: LABEL_WIDTH - 6 }]);
    const height = Math.max(pdf.y - top, 10);
    pdf.y = top;
    if (f.chartKind === 'bar') {
      if (row.bar !== undefined) pdf.box(LABEL_WIDTH, (row.bar / 100) * chartWidth, 8, { fill: BAR });
      else if (row.hidden) pdf.box(LABEL_WIDTH, 12, 8, { stroke: MUTED, dash: true });
    } else if (row.line) {
      // First score on the left, latest on the right; the box is 100 × 40 scaled to 60 × 10.
      pdf.line([LABEL_WIDTH, (row.line.y1 / 40) * 10], [LABEL_WIDTH + 60, (row.line.y2 / 40) * 10], { color: BAR, width: 1.5 });
    }
    const chartCell = row.cells[f.chartIndex];
    pdf.columns([{ text: chartCell?.text ?? '', lang, size: 8, indent: LABEL_WIDTH + chartWidth + 6, width: 44 }]);
    pdf.y = top + height + 3;
  }
  pdf.space(4);
  writeTable(pdf, f, lang, t('reports:total'));
}

function writeTable(pdf: PdfWriter, f: ShownFigure, lang: string, total: string): void {
  const width = Math.min(70, (pdf.width - LABEL_WIDTH) / f.columns.length);
  const row = (label: string, cells: string[], weight: 400 | 700 = 400) => {
    pdf.columns([{ text: label, lang, size: 8, weight, width: LABEL_WIDTH - 6 }, ...cells.map((text, i) => ({ text, lang, size: 8, weight, indent: LABEL_WIDTH + i * width, width: width - 4 }))]);
    pdf.space(1);
  };
  row('', f.columns.map((c) => c.label), 700);
  for (const r of f.rows) row(r.label, r.cells.map((c) => c.text));
  if (f.totals) row(total, f.totals.map((c) => c.text), 700);
  for (const s of f.stats) row(s.label, [s.cell.text]);
}

/** The report as PDF: the heading, then every figure with its chart and table. */
export async function reportPdf(heading: ReportHeading, figures: readonly ShownFigure[], reader: Reader, t: Translate): Promise<Buffer> {
  const pdf = new PdfWriter({ lang: reader.locale, title: heading.title });
  writeHeading(pdf, heading, reader, t);
  for (const f of figures) writeFigure(pdf, f, reader, t);
  return pdf.finish((page, count) => t('reports:footer', { page, count }));
}
