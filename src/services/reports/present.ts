/**
 * A report as people read it: each figure's title, a sentence that says what the chart shows, its
 * table's cells as text in the reader's language and digits, and the geometry of its chart (bars, or
 * a line from a first to a latest score). The page, the PDF and the CSV share this, so a cell hidden
 * on one is hidden on all.
 *
 * A hidden cell reads "< 5" when it is a small count, "hidden" when it is hidden so that a small count
 * cannot be worked out from the others, and "too few" for a rate, median or mean of fewer than 5 values;
 * a chart draws no bar for it, only an outline.
 */
import { SCORES } from '../../domain/assessments.js';
import { SMALL_TEXT, type Cell, type Column, type Hidden } from '../../domain/reports.js';
import { formatNumber, intlLocale } from '../../lib/i18n/format.js';
import { rememberLabels, type Figure, type Report, type Translate } from './dashboard.js';

export interface ShownCell {
  text: string;
  /** The number, when it is shown (a CSV writes it in Latin digits). */
  value?: number | undefined;
  hidden?: Hidden | undefined;
  /** The column's heading, which a phone shows beside the value (the table becomes cards there). */
  label?: string | undefined;
}

export interface ShownRow {
  key: string;
  label: string;
  cells: ShownCell[];
  /** The text of the cell the chart draws, written beside its bar or line. */
  chartText: string;
  /** A bar's length, 0 to 100 (of the longest shown); absent when the value is hidden. */
  bar?: number | undefined;
  hidden?: boolean;
  /** The line chart's two points, on a 100 × 40 box (score 5 at the top). */
  line?: { y1: number; y2: number; trend: 'better' | 'worse' | 'same' } | undefined;
}

export interface ShownFigure {
  id: string;
  title: string;
  note: string;
  summary: string;
  chartKind: 'bar' | 'line';
  chartColumn: string;
  /** Which of the columns the chart draws. */
  chartIndex: number;
  columns: { key: string; label: string; kind: Column['kind'] }[];
  rows: ShownRow[];
  totals?: ShownCell[] | undefined;
  stats: { key: string; label: string; cell: ShownCell }[];
}

const percentFormats = new Map<string, Intl.NumberFormat>();
const meanFormats = new Map<string, Intl.NumberFormat>();

function cached(map: Map<string, Intl.NumberFormat>, locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let format = map.get(locale);
  if (!format) map.set(locale, (format = new Intl.NumberFormat(intlLocale(locale), options)));
  return format;
}

/** One cell as text: the number in the reader's digits, or why it is not shown. */
export function cellText(cell: Cell | undefined, kind: Column['kind'], locale: string, t: Translate): ShownCell {
  if (!cell || cell.value === null) return { text: t('reports:cell.none') };
  if (cell.hidden) return { text: cell.hidden === 'small' ? SMALL_TEXT : t(`reports:cell.${cell.hidden}`), hidden: cell.hidden };
  const v = cell.value;
  if (kind === 'rate') return { text: cached(percentFormats, locale, { style: 'percent', maximumFractionDigits: 0 }).format(v), value: v };
  if (kind === 'mean') return { text: cached(meanFormats, locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v), value: v };
  return { text: formatNumber(v, locale), value: v };
}

const SCORE_TOP = SCORES[SCORES.length - 1]!;
const SCORE_BOTTOM = SCORES[0]!;
/** A mean score's height on the line chart's box (score 5 at 4, score 1 at 36). */
const scoreY = (score: number) => Math.round((4 + ((SCORE_TOP - score) / (SCORE_TOP - SCORE_BOTTOM)) * 32) * 10) / 10;

function summaryOf(figure: Figure, rows: ShownRow[], locale: string, t: Translate): string {
  const parts: string[] = [];
  const hidden = rows.filter((r) => r.hidden).length;
  if (figure.chart.kind === 'line') {
    const shown = rows.filter((r) => r.line);
    if (shown.length === 0) parts.push(t('reports:summary.noScores'));
    else parts.push(t('reports:summary.wellbeing', { better: shown.filter((r) => r.line!.trend === 'better').length, worse: shown.filter((r) => r.line!.trend === 'worse').length, count: shown.length }));
  } else {
    const column = figure.chart.column;
    const kind = figure.columns.find((c) => c.key === column)!.kind;
    const total = figure.totals?.[column];
    if (total && !total.hidden && total.value !== null) parts.push(t('reports:summary.total', { total: cellText(total, kind, locale, t).text }));
    const values = figure.rows.map((r, i) => ({ row: rows[i]!, cell: r.cells[column]! })).filter((x) => !x.cell.hidden && (x.cell.value ?? 0) > 0);
    const largest = values.sort((a, b) => (b.cell.value ?? 0) - (a.cell.value ?? 0))[0];
    if (largest) parts.push(t('reports:summary.largest', { label: largest.row.label, value: cellText(largest.cell, kind, locale, t).text }));
    else if (hidden === 0) parts.push(t('reports:summary.none'));
  }
  if (hidden > 0) parts.push(t('reports:summary.hidden', { count: hidden }));
  return parts.join(' ');
}

export function presentFigure(figure: Figure, locale: string, t: Translate): ShownFigure {
  const chartColumn = figure.chart.kind === 'bar' ? figure.chart.column : figure.chart.to;
  const max = Math.max(0, ...figure.rows.map((r) => (r.cells[chartColumn]?.hidden ? 0 : (r.cells[chartColumn]?.value ?? 0))));
  const chartIndex = figure.columns.findIndex((c) => c.key === chartColumn);
  const labels = figure.columns.map((c) => t(`reports:columns.${c.key}`));
  const rows: ShownRow[] = figure.rows.map((r) => {
    const cells = figure.columns.map((c, i) => ({ ...cellText(r.cells[c.key], c.kind, locale, t), label: labels[i] }));
    if (figure.chart.kind === 'line') {
      const a = r.cells[figure.chart.from];
      const b = r.cells[figure.chart.to];
      const hidden = Boolean(a?.hidden || b?.hidden);
      const line = !hidden && typeof a?.value === 'number' && typeof b?.value === 'number' ? { y1: scoreY(a.value), y2: scoreY(b.value), trend: b.value - a.value >= 0.05 ? ('better' as const) : a.value - b.value >= 0.05 ? ('worse' as const) : ('same' as const) } : undefined;
      return { key: r.key, label: r.label, cells, chartText: cells[chartIndex]?.text ?? '', hidden, line };
    }
    const cell = r.cells[chartColumn];
    const hidden = Boolean(cell?.hidden);
    const bar = hidden || max === 0 ? undefined : Math.round(((cell?.value ?? 0) / max) * 1000) / 10;
    return { key: r.key, label: r.label, cells, chartText: cells[chartIndex]?.text ?? '', hidden, bar };
  });
  return {
    id: figure.id,
    title: t(`reports:figures.${figure.id}.title`),
    note: t(`reports:figures.${figure.id}.note`),
    summary: summaryOf(figure, rows, locale, t),
    chartKind: figure.chart.kind,
    chartColumn,
    chartIndex,
    columns: figure.columns.map((c, i) => ({ key: c.key, label: labels[i]!, kind: c.kind })),
    rows,
    totals: figure.totals ? figure.columns.map((c, i) => ({ ...(figure.totals![c.key] ? cellText(figure.totals![c.key], c.kind, locale, t) : { text: '' }), label: labels[i] })) : undefined,
    stats: figure.stats.map((s) => ({ key: s.key, label: t(`reports:stats.${s.key}`), cell: cellText(s.cell, 'median', locale, t) })),
  };
}

export function presentReport(report: Report, locale: string, t: Translate): ShownFigure[] {
  const label = rememberLabels(t);
  return report.figures.map((f) => presentFigure(f, locale, label));
}
