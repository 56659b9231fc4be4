/**
 * Scores over time, as the numbers a small server-drawn chart needs (one chart per domain, no script):
 * each point's score and date, and where it sits in the chart's box. The template draws the SVG from
 * these and a table of the same numbers beside it, which is what screen readers and print read.
 */
import { CARE_DOMAINS, SCORES, type CareDomain, type Score } from '../../domain/assessments.js';

/** The chart's box, in SVG user units; the page scales it to its width. */
export const CHART = Object.freeze({ width: 240, height: 110, left: 22, right: 10, top: 10, bottom: 12 });

export interface ChartPoint {
  date: Date;
  /** `YYYY-MM-DD`, for `<time datetime>`. */
  day: string;
  score: Score;
  x: number;
  y: number;
}

export interface DomainSeries {
  domain: CareDomain;
  /** Oldest first. */
  points: ChartPoint[];
  /** The SVG polyline's `points`. */
  line: string;
  first: Score;
  latest: Score;
  trend: 'better' | 'worse' | 'same';
}

export interface ScoreSeries {
  domains: DomainSeries[];
  /** The horizontal lines of the scale, 1 (bottom) to 5 (top). */
  grid: { score: Score; y: number }[];
  box: typeof CHART;
  from?: Date | undefined;
  to?: Date | undefined;
}

const round = (n: number) => Math.round(n * 10) / 10;

export function yOf(score: number): number {
  const inner = CHART.height - CHART.top - CHART.bottom;
  return round(CHART.top + ((5 - score) / 4) * inner);
}

/**
 * The series of every domain scored at least once, on one time axis shared by all the charts (so they
 * can be compared), from the first assessment to the last. Input in any order; a day's two assessments
 * keep the order they were recorded in.
 */
export function scoreSeries(rows: readonly { date: Date; createdAt: Date; scores: Partial<Record<CareDomain, Score>> }[]): ScoreSeries {
  const ordered = [...rows].sort((a, b) => a.date.getTime() - b.date.getTime() || a.createdAt.getTime() - b.createdAt.getTime());
  const from = ordered[0]?.date;
  const to = ordered[ordered.length - 1]?.date;
  const span = from && to ? to.getTime() - from.getTime() : 0;
  const innerWidth = CHART.width - CHART.left - CHART.right;
  const xOf = (d: Date) => round(CHART.left + (span === 0 ? innerWidth / 2 : ((d.getTime() - from!.getTime()) / span) * innerWidth));
  const domains: DomainSeries[] = [];
  for (const domain of CARE_DOMAINS) {
    const points = ordered.filter((r) => r.scores[domain] !== undefined).map((r) => ({ date: r.date, day: r.date.toISOString().slice(0, 10), score: r.scores[domain]!, x: xOf(r.date), y: yOf(r.scores[domain]!) }));
    if (points.length === 0) continue;
    const first = points[0]!.score;
    const latest = points[points.length - 1]!.score;
    domains.push({ domain, points, line: points.map((p) => `${p.x},${p.y}`).join(' '), first, latest, trend: latest > first ? 'better' : latest < first ? 'worse' : 'same' });
  }
  return { domains, grid: SCORES.map((score) => ({ score, y: yOf(score) })), box: CHART, from, to };
}
