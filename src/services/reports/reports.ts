/**
 * What the report routes call: the dashboard (audited as seen), its downloads (their own permission,
 * each audited with its format), the period summary and the choice of its figures. Files are written
 * in one fixed language, the reader's, through the background i18next instance: never the request's
 * language detection, so a file cannot mix two languages.
 */
import { Forbidden } from '../../domain/errors.js';
import { can, type Caller } from '../../domain/permissions.js';
import { REPORT_FIGURES, type ReportFigure } from '../../domain/reports.js';
import { plainLabels } from '../../lib/i18n/index.js';
import { regionName } from '../../lib/i18n/format.js';
import { OrganisationModel } from '../../models/organisation.js';
import { audit } from '../audit/audit.js';
import { organisationName } from '../partner/view.js';
import { buildReport, periodFigures, reportScope, type Report, type Translate } from './dashboard.js';
import { reportCsv, reportPdf, type Reader, type ReportHeading } from './export.js';
import type { ReportFilters } from './pipeline.js';
import { presentReport, type ShownFigure } from './present.js';

export type ReportFormat = 'csv' | 'pdf';

/** The dashboard for the caller's organisation or team, in the reader's language; audited as seen. */
export async function viewReport(caller: Caller, filters: ReportFilters, t: Translate, locale: string, now: Date): Promise<{ report: Report; figures: ShownFigure[] }> {
  const scope = reportScope(caller);
  // The entry is written while the cells are read (access was granted above); nothing is shown unless both succeed.
  const [report] = await Promise.all([buildReport(scope, filters, t, locale, now), audit(caller, { action: 'report_view', outcome: 'success', recordType: 'report', recordId: 'dashboard' })]);
  return { report, figures: presentReport(report, locale, t) };
}

/** Whose report, which period and filters, in words. */
async function headingOf(report: Report, title: string, t: Translate, locale: string, now: Date): Promise<ReportHeading> {
  const org = await OrganisationModel.findById(report.scope.organisationId).select({ name: 1, code: 1 }).lean();
  const orgName = org ? organisationName(org, locale) : '';
  const team = report.scope.team ?? report.filters.team;
  const teamName = team ? (report.teams.find((x) => x.code === team)?.name ?? team) : undefined;
  const filters: string[] = [];
  if (report.filters.country) filters.push(t('reports:filterLine.country', { value: regionName(report.filters.country, locale) ?? report.filters.country }));
  if (report.filters.exploitationType) filters.push(t('reports:filterLine.exploitationType', { value: t(`lookups:exploitationType.${report.filters.exploitationType}`) }));
  return { title, scope: teamName ? `${orgName} · ${teamName}` : orgName, from: report.filters.from, to: report.filters.to, filters, generatedAt: now };
}

export interface ReportFile {
  name: string;
  type: string;
  data: Buffer;
}

/**
 * A report downloaded: the whole dashboard, or an organisation's period summary (`period` names it in
 * the file's name and title). Needs `report.export`; every download is audited with its format.
 */
export async function exportReport(caller: Caller, filters: ReportFilters, format: ReportFormat, reader: Reader, now: Date, period?: { label: string; slug: string }): Promise<ReportFile> {
  const scope = reportScope(caller);
  if (!can(caller.roles, 'report.export')) throw new Forbidden();
  const t = await plainLabels(reader.locale);
  const figures: readonly ReportFigure[] = period ? await periodFigures(caller.organisationId) : REPORT_FIGURES;
  const report = await buildReport(scope, filters, t, reader.locale, now, figures);
  const shown = presentReport(report, reader.locale, t);
  const title = period ? t('reports:periodTitle', { period: period.label }) : t('reports:title');
  const heading = await headingOf(report, title, t, reader.locale, now);
  const base = `haven-report-${period ? period.slug : `${heading.from.toISOString().slice(0, 10)}-${heading.to.toISOString().slice(0, 10)}`}`;
  const file =
    format === 'csv'
      ? { name: `${base}.csv`, type: 'text/csv; charset=utf-8', data: reportCsv(heading, shown, t) }
      : { name: `${base}.pdf`, type: 'application/pdf', data: await reportPdf(heading, shown, reader, t) };
  await audit(caller, { action: 'report_export', outcome: 'success', recordType: 'report', recordId: period ? `period-${format}` : format });
  return file;
}

/** The period summary's figures on a page (audited as a report seen). */
export async function viewPeriod(caller: Caller, filters: ReportFilters, t: Translate, locale: string, now: Date): Promise<{ report: Report; figures: ShownFigure[]; chosen: ReportFigure[] }> {
  const scope = reportScope(caller);
  const chosen = await periodFigures(caller.organisationId);
  const report = await buildReport(scope, filters, t, locale, now, chosen);
  await audit(caller, { action: 'report_view', outcome: 'success', recordType: 'report', recordId: 'period' });
  return { report, figures: presentReport(report, locale, t), chosen };
}
