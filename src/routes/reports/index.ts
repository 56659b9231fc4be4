/**
 * Outcome reports (DOMAIN.md "Outcomes managers report"; SECURITY.md P4): the dashboard with its
 * filters, its CSV and PDF downloads, and the period summary for donors and governments (a quarter or
 * a year, the figures the organisation chose). The filters are a GET form, so a filtered report is a
 * link a manager can keep; a bad filter shows the form again with a translated error and no figures.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { Invalid } from '../../domain/errors.js';
import { LOCALES } from '../../domain/locales.js';
import { LOOKUPS } from '../../domain/lookups.js';
import { PERIOD_KINDS, REPORT_FIGURES, SMALL_TEXT, periodRange, type PeriodKind } from '../../domain/reports.js';
import { formatYear, regionName, type Calendar } from '../../lib/i18n/format.js';
import { plainLabels } from '../../lib/i18n/index.js';
import { permit } from '../../middleware/permit.js';
import { clock } from '../../lib/clock.js';
import type { ReportFilters } from '../../services/reports/pipeline.js';
import { caseSummaryPdf } from '../../services/reports/case-summary.js';
import { choosePeriodFigures } from '../../services/reports/dashboard.js';
import type { Translate } from '../../services/reports/dashboard.js';
import type { Reader } from '../../services/reports/export.js';
import { exportReport, viewPeriod, viewReport, type ReportFile, type ReportFormat } from '../../services/reports/reports.js';
import { sendDownload } from '../downloads.js';
import { form, labelFields, parse, renderInvalid } from '../forms.js';

labelFields('reports/index', { from: 'reports:filters.from', to: 'reports:filters.to', country: 'reports:filters.country', team: 'reports:filters.team', exploitationType: 'reports:filters.exploitationType' });
labelFields('reports/period', { kind: 'reports:periodForm.kind', year: 'reports:periodForm.year', quarter: 'reports:periodForm.quarter', figures: 'reports:periodForm.figures' });

const DAY = 86_400_000;
const blank = z.literal('').transform(() => undefined);
const day = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v));

const filterQuery = z.strictObject({
  from: z.union([day, blank]).optional(),
  to: z.union([day, blank]).optional(),
  country: z.union([z.string().trim().regex(/^[A-Z]{2}$/), blank]).optional(),
  team: z.union([z.string().trim().min(1).max(60), blank]).optional(),
  exploitationType: z.union([z.enum(LOOKUPS.exploitationType), blank]).optional(),
  lng: z.string().max(20).optional(),
});
type FilterQuery = z.infer<typeof filterQuery>;

const periodQuery = z.strictObject({
  kind: z.enum(PERIOD_KINDS).optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  quarter: z.coerce.number().int().min(1).max(4).optional(),
  saved: z.literal('1').optional(),
  error: z.literal('noFigures').optional(),
  lng: z.string().max(20).optional(),
});

const figuresForm = form({ figures: z.union([z.enum(REPORT_FIGURES), z.array(z.enum(REPORT_FIGURES)).max(REPORT_FIGURES.length)]).optional() });

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const startOfDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));

/**
 * The filters as the report reads them. Without dates: the twelve months to today. The form's "to"
 * is the last day included; the report counts up to the day after it.
 */
function filtersOf(q: FilterQuery, now: Date): ReportFilters {
  const today = startOfDay(now);
  const to = q.to ? new Date(Date.parse(`${q.to}T00:00:00Z`) + DAY) : new Date(today.getTime() + DAY);
  const from = q.from ? new Date(`${q.from}T00:00:00Z`) : new Date(Date.UTC(today.getUTCFullYear() - 1, today.getUTCMonth(), today.getUTCDate() + 1));
  if (from >= to) throw new Invalid({ to: 'reports:errors.order' });
  return { from, to, country: q.country, team: q.team, exploitationType: q.exploitationType };
}

/** A report or a summary as a download: never kept by a cache, since it is about children. */
function sendFile(res: Response, file: ReportFile): void {
  res.setHeader('Cache-Control', 'no-store');
  sendDownload(res, file);
}

/** The query string of the current filters, for the download links. */
function queryOf(req: Request): string {
  const pairs = Object.entries(req.query).filter(([k, v]) => k !== 'lng' && typeof v === 'string' && v !== '') as [string, string][];
  return new URLSearchParams(pairs).toString();
}

/** What the filter form offers, with the current choice marked. */
function filterLocals(req: Request, q: FilterQuery, options: { teams: { code: string; name: string }[]; countries: string[] }) {
  const lang = req.language ?? 'en';
  return {
    query: { from: q.from ?? '', to: q.to ?? '' },
    countries: options.countries.map((c) => ({ value: c, label: regionName(c, lang) ?? c, selected: c === q.country })).sort((a, b) => a.label.localeCompare(b.label, lang)),
    teams: req.caller!.roles.includes('manager') ? options.teams.map((x) => ({ value: x.code, label: x.name, selected: x.code === q.team })) : [],
    exploitationTypes: LOOKUPS.exploitationType.map((e) => ({ value: e, selected: e === q.exploitationType })),
  };
}

/**
 * Whom a file is written for: the language asked for (`?lng=`, one of Haven's), else the page's; the
 * reader's own calendar in their own language, that language's default calendar in another.
 */
function readerOf(req: Request, lng: string | undefined): Reader {
  const user = req.user!;
  const locale = lng && (LOCALES as readonly string[]).includes(lng) ? lng : (req.language ?? user.locale);
  return { locale, calendar: locale === user.locale ? user.calendar : 'default' };
}

const translate = (req: Request): Translate => (key: string, vars?: Record<string, unknown>) => req.t(key, { ...vars, interpolation: { escapeValue: false } });

export const reportRoutes = Router();

reportRoutes.get('/reports', permit('report.read'), async (req, res) => {
  res.locals.page.section = 'reports';
  const now = clock.now();
  let q: FilterQuery = {};
  let filters: ReportFilters;
  try {
    q = parse(filterQuery, req.query);
    filters = filtersOf(q, now);
  } catch (err) {
    const fallback = { teams: [], countries: [] };
    return renderInvalid(err, req, res, 'reports/index', { title: req.t('reports:title'), ...filterLocals(req, q, fallback) });
  }
  const lang = req.language ?? 'en';
  const { report, figures } = await viewReport(req.caller!, filters, translate(req), lang, now);
  const query = queryOf(req);
  res.render('reports/index', {
    title: req.t('reports:title'),
    ...filterLocals(req, { ...q, from: isoDay(filters.from), to: isoDay(new Date(filters.to.getTime() - DAY)) }, report),
    period: { from: filters.from, to: new Date(filters.to.getTime() - DAY) },
    team: report.scope.team ? report.teams.find((x) => x.code === report.scope.team)?.name ?? report.scope.team : undefined,
    figures,
    smallText: SMALL_TEXT,
    canExport: req.caller!.roles.some((r) => r === 'manager' || r === 'supervisor'),
    csvHref: `/reports/export.csv${query ? `?${query}` : ''}`,
    pdfHref: `/reports/export.pdf${query ? `?${query}` : ''}`,
    periodHref: '/reports/period',
  });
});

for (const format of ['csv', 'pdf'] as const satisfies readonly ReportFormat[]) {
  reportRoutes.get(`/reports/export.${format}`, permit('report.export'), async (req, res) => {
    const q = parse(filterQuery, req.query);
    const now = clock.now();
    sendFile(res, await exportReport(req.caller!, filtersOf(q, now), format, readerOf(req, q.lng), now));
  });
}

/** The period asked for, or the last full quarter before today. */
function periodOf(q: z.infer<typeof periodQuery>, now: Date): { kind: PeriodKind; year: number; quarter: number } {
  if (q.kind && q.year) return { kind: q.kind, year: q.year, quarter: q.quarter ?? 1 };
  const current = Math.floor(now.getUTCMonth() / 3);
  return current === 0 ? { kind: 'quarter', year: now.getUTCFullYear() - 1, quarter: 4 } : { kind: 'quarter', year: now.getUTCFullYear(), quarter: current };
}

function periodLabel(t: Translate, p: { kind: PeriodKind; year: number; quarter: number }, lang: string, calendar: Calendar) {
  const range = periodRange(p.kind, p.year, p.quarter)!;
  const label = t(`reports:periodName.${p.kind}`, { quarter: p.quarter, year: formatYear(range.from, lang, calendar) });
  return { range, label, slug: p.kind === 'year' ? `${p.year}` : `${p.year}-q${p.quarter}` };
}

reportRoutes.get('/reports/period', permit('report.read'), async (req, res) => {
  res.locals.page.section = 'reports';
  const q = parse(periodQuery, req.query);
  const now = clock.now();
  const p = periodOf(q, now);
  const lang = req.language ?? 'en';
  const { range, label } = periodLabel(translate(req), p, lang, req.user!.calendar);
  const { figures, chosen } = await viewPeriod(req.caller!, { from: range.from, to: range.to }, translate(req), lang, now);
  const query = new URLSearchParams({ kind: p.kind, year: String(p.year), ...(p.kind === 'quarter' ? { quarter: String(p.quarter) } : {}) }).toString();
  const years = Array.from({ length: 6 }, (_, i) => now.getUTCFullYear() - i);
  res.render('reports/period', {
    title: req.t('reports:periodTitle', { period: label, interpolation: { escapeValue: false } }),
    periodLabel: label,
    period: { from: range.from, to: new Date(range.to.getTime() - DAY) },
    kinds: PERIOD_KINDS.map((k) => ({ value: k, selected: k === p.kind })),
    years: years.map((y) => ({ value: y, label: formatYear(new Date(Date.UTC(y, 6, 1)), lang, req.user!.calendar), selected: y === p.year })),
    quarters: [1, 2, 3, 4].map((n) => ({ value: n, selected: p.kind === 'quarter' && n === p.quarter })),
    figures,
    smallText: SMALL_TEXT,
    canConfigure: req.caller!.roles.includes('manager'),
    choices: REPORT_FIGURES.map((f) => ({ value: f, checked: chosen.includes(f) })),
    csvHref: `/reports/period.csv?${query}`,
    pdfHref: `/reports/period.pdf?${query}`,
    saved: q.saved === '1',
    figuresError: q.error === 'noFigures' ? req.t('reports:errors.noFigures') : undefined,
  });
});

for (const format of ['csv', 'pdf'] as const satisfies readonly ReportFormat[]) {
  reportRoutes.get(`/reports/period.${format}`, permit('report.export'), async (req, res) => {
    const q = parse(periodQuery, req.query);
    const now = clock.now();
    const reader = readerOf(req, q.lng);
    const p = periodOf(q, now);
    const t = await plainLabels(reader.locale);
    const { range, label, slug } = periodLabel(t, p, reader.locale, reader.calendar);
    sendFile(res, await exportReport(req.caller!, { from: range.from, to: range.to }, format, reader, now, { label, slug }));
  });
}

reportRoutes.post('/reports/period/figures', permit('report.configure'), async (req, res) => {
  const body = parse(figuresForm, req.body);
  const chosen = body.figures === undefined ? [] : Array.isArray(body.figures) ? body.figures : [body.figures];
  // Nothing chosen: the page again with the error, the saved choice unchanged.
  if (chosen.length === 0) return res.redirect(303, '/reports/period?error=noFigures');
  await choosePeriodFigures(req.caller!, chosen);
  res.redirect(303, '/reports/period?saved=1');
});

// One child's case summary: whoever may read the case (its filter decides), every download audited.
reportRoutes.get('/cases/:id/summary.pdf', permit('case.read'), async (req, res) => {
  const q = parse(z.strictObject({ lng: z.string().max(20).optional() }), req.query);
  const file = await caseSummaryPdf(req.caller!, String(req.params.id), readerOf(req, q.lng));
  sendFile(res, { ...file, type: 'application/pdf' });
});
