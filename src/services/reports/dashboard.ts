/**
 * The outcome report a manager or a supervisor reads (DOMAIN.md "Outcomes managers report"; SECURITY.md
 * P4): who may read which cases' figures, the reads of the report cells that compute them,
 * and the tables it becomes, every cell that could point at a child already hidden (domain/reports.ts).
 * The page, the CSV and the PDF all draw from the same `Report`, so none of them can show more.
 *
 * Labels are resolved here, in the reader's language, by the caller's `t` (the request's, or a fixed
 * language's for a download), because a category is a code (a status), a team's name or a person's name.
 */
import { Types } from 'mongoose';
import { CARE_DOMAINS } from '../../domain/assessments.js';
import { CASE_STATUSES } from '../../domain/cases.js';
import { Forbidden } from '../../domain/errors.js';
import { LEGAL_STATUSES, VERDICTS } from '../../domain/legal.js';
import { COMMON_NATIONALITIES, LOOKUPS } from '../../domain/lookups.js';
import { can, type Caller } from '../../domain/permissions.js';
import { FOLLOW_UP_MONTHS } from '../../domain/closure.js';
import { DEFAULT_PERIOD_FIGURES, PLAN_DAY_BUCKETS, REPORT_FIGURES, SMALL_CELL, suppress, type Cell, type Column, type RawRow, type ReportFigure, type Table } from '../../domain/reports.js';
import { ReportCellModel } from '../../models/report-cell.js';
import { OrganisationModel } from '../../models/organisation.js';
import { teamsOf } from '../admin/teams.js';
import { audit } from '../audit/audit.js';
import { trusted } from '../auth/trusted.js';
import { userNames } from '../cases/records.js';
import { organisationNamesFor } from '../partner/view.js';
import { readReport, type FacetResult, type Group, type ReportFilters, type ReportScope } from './pipeline.js';

/** Translates a label key in the reader's language (plain text: templates escape, PDFs and CSVs need none). */
export type Translate = (key: string, vars?: Record<string, unknown>) => string;

/**
 * `t` that looks each label without variables up once: a report asks for the same column headings,
 * category names and "too few" hundreds of times, and each lookup costs i18next some microseconds.
 */
export function rememberLabels(t: Translate): Translate {
  const seen = new Map<string, string>();
  return (key, vars) => {
    if (vars !== undefined) return t(key, vars);
    let text = seen.get(key);
    if (text === undefined) seen.set(key, (text = t(key)));
    return text;
  };
}

/**
 * The cases whose figures a caller may read: a manager's whole organisation, a supervisor's team. A
 * supervisor without a team has no report (their own supervised cases would be too few to show).
 */
export function reportScope(caller: Caller): ReportScope {
  if (!can(caller.roles, 'report.read')) throw new Forbidden();
  if (caller.roles.includes('manager')) return { organisationId: caller.organisationId };
  if (caller.roles.includes('supervisor') && caller.team) return { organisationId: caller.organisationId, team: caller.team };
  throw new Forbidden();
}

export interface FigureRow {
  key: string;
  label: string;
  cells: Record<string, Cell>;
}

/** A single number beside a figure's table (the median days to a plan). */
export interface FigureStat {
  key: string;
  cell: Cell;
}

export interface Figure {
  id: ReportFigure;
  columns: readonly Column[];
  rows: FigureRow[];
  totals?: Record<string, Cell> | undefined;
  stats: FigureStat[];
  /** The column the chart draws, and how: bars of a count, or a line from a first to a latest mean. */
  chart: { kind: 'bar'; column: string } | { kind: 'line'; from: string; to: string };
}

export interface Report {
  scope: ReportScope;
  filters: ReportFilters;
  figures: Figure[];
  /** What the filters offer: the organisation's teams and the countries its cases are in. */
  teams: { code: string; name: string }[];
  countries: string[];
}

const num = (g: Group | undefined, field: string): number => (typeof g?.[field] === 'number' ? (g[field] as number) : 0);
const orNull = (g: Group | undefined, field: string): number | null => (typeof g?.[field] === 'number' ? (g[field] as number) : null);
const byId = (groups: readonly Group[] | undefined) => new Map((groups ?? []).map((g) => [String(g._id), g]));

const countColumn: Column[] = [{ key: 'cases', kind: 'count' }];

/** Rows for a fixed list of codes (zeros included, so a reader sees what is not there), from `{_id, n}` groups. */
function countRows(codes: readonly string[], groups: readonly Group[] | undefined): RawRow[] {
  const found = byId(groups);
  return codes.map((code) => ({ key: code, values: { cases: num(found.get(code), 'n') } }));
}

const sum = (rows: readonly RawRow[], key: string) => rows.reduce((s, r) => s + (r.values[key] ?? 0), 0);

const REFERRAL_COLUMNS: Column[] = [
  { key: 'sent', kind: 'count' },
  { key: 'accepted', kind: 'count', within: 'sent' },
  { key: 'declined', kind: 'count', within: 'sent' },
  { key: 'completed', kind: 'count', within: 'sent' },
  // Of the referrals answered (accepted or declined), the share accepted.
  { key: 'acceptance', kind: 'rate', part: 'accepted', of: 'answered' },
  { key: 'daysToAcknowledge', kind: 'median' },
  { key: 'daysToAccept', kind: 'median' },
  { key: 'daysToComplete', kind: 'median' },
];

function referralRow(key: string, g: Group | undefined): RawRow {
  const accepted = num(g, 'accepted');
  const declined = num(g, 'declined');
  return {
    key,
    values: {
      sent: num(g, 'sent'),
      accepted,
      declined,
      completed: num(g, 'completed'),
      answered: accepted + declined,
      acceptance: accepted + declined > 0 ? accepted / (accepted + declined) : null,
      daysToAcknowledge: orNull(g, 'daysToAcknowledge'),
      daysToAccept: orNull(g, 'daysToAccept'),
      daysToComplete: orNull(g, 'daysToComplete'),
    },
    n: { daysToAcknowledge: num(g, 'nAcknowledge'), daysToAccept: num(g, 'nAccept'), daysToComplete: num(g, 'nComplete') },
  };
}

/** The label of a bucket of days: "0–7", ..., "91+". */
export function bucketRange(index: number): { from: number; to?: number | undefined } {
  const next = PLAN_DAY_BUCKETS[index + 1];
  return { from: PLAN_DAY_BUCKETS[index]!, to: next === undefined ? undefined : next - 1 };
}

interface Names {
  teams: Map<string, string>;
  users: Map<string, string>;
  partners: Map<string, string>;
}

type Build = { columns: Column[]; rows: RawRow[]; totals?: Record<string, number>; stats?: { key: string; value: number | null; n: number }[]; chart: Figure['chart']; label: (key: string) => string };

/** Each figure's table, from the pipeline's groups, before suppression. */
function builders(facet: FacetResult, t: Translate, names: Names): Record<ReportFigure, () => Build> {
  const codeLabel = (prefix: string) => (key: string) => t(`${prefix}.${key}`);
  const counted = (codes: readonly string[], groups: Group[] | undefined, prefix: string, total = true): Build => {
    const rows = countRows(codes, groups);
    return { columns: countColumn, rows, totals: total ? { cases: sum(rows, 'cases') } : undefined, chart: { kind: 'bar', column: 'cases' }, label: codeLabel(prefix) };
  };
  const named = (groups: Group[] | undefined, nameOf: Map<string, string>, none: string) => {
    const rows = (groups ?? []).map((g) => ({ key: g._id === null || g._id === undefined ? 'none' : String(g._id), values: { cases: num(g, 'n') } }));
    rows.sort((a, b) => (nameOf.get(a.key) ?? '').localeCompare(nameOf.get(b.key) ?? ''));
    return { rows, label: (key: string) => (key === 'none' ? t(none) : (nameOf.get(key) ?? t('reports:unknownName'))) };
  };
  return {
    caseload_status: () => counted(CASE_STATUSES, facet.status, 'cases:status'),
    caseload_risk: () => counted(LOOKUPS.riskLevel, facet.risk, 'lookups:riskLevel'),
    // A child can be exploited in more than one way: the categories overlap, so they are not summed.
    caseload_exploitation: () => counted(LOOKUPS.exploitationType, facet.exploitation, 'lookups:exploitationType', false),
    caseload_team: () => {
      const { rows, label } = named(facet.team, names.teams, 'reports:noTeam');
      return { columns: countColumn, rows, totals: { cases: sum(rows, 'cases') }, chart: { kind: 'bar', column: 'cases' }, label };
    },
    // A case can have two caseworkers: not summed either.
    caseload_caseworker: () => {
      const { rows, label } = named(facet.caseworker, names.users, 'reports:unassigned');
      return { columns: countColumn, rows, chart: { kind: 'bar', column: 'cases' }, label };
    },
    plan_days: () => {
      const found = byId(facet.planBuckets);
      const rows = PLAN_DAY_BUCKETS.map((lower) => ({ key: String(lower), values: { cases: num(found.get(String(lower)), 'n') } }));
      const median = facet.planMedian?.[0];
      const missing = num(facet.planMissing?.[0], 'n');
      return {
        columns: countColumn,
        rows,
        totals: { cases: sum(rows, 'cases') },
        stats: [
          { key: 'median', value: orNull(median, 'median'), n: num(median, 'n') },
          { key: 'withoutPlan', value: missing, n: missing },
        ],
        chart: { kind: 'bar', column: 'cases' },
        label: (key) => {
          const range = bucketRange(PLAN_DAY_BUCKETS.indexOf(Number(key) as (typeof PLAN_DAY_BUCKETS)[number]));
          return range.to === undefined ? t('reports:days.atLeast', { from: range.from }) : t('reports:days.range', { from: range.from, to: range.to });
        },
      };
    },
    goals_domain: () => {
      const found = byId(facet.goals);
      const rows = CARE_DOMAINS.map((d) => {
        const g = found.get(d);
        const set = num(g, 'set');
        return { key: d, values: { set, achieved: num(g, 'achieved'), share: set > 0 ? num(g, 'achieved') / set : null } };
      });
      return {
        columns: [
          { key: 'set', kind: 'count' },
          { key: 'achieved', kind: 'count', within: 'set' },
          { key: 'share', kind: 'rate', part: 'achieved', of: 'set' },
        ],
        rows,
        totals: { set: sum(rows, 'set'), achieved: sum(rows, 'achieved') },
        chart: { kind: 'bar', column: 'set' },
        label: codeLabel('assessments:domains'),
      };
    },
    wellbeing_domain: () => {
      const found = byId(facet.wellbeing);
      const rows = CARE_DOMAINS.map((d) => {
        const g = found.get(d);
        const n = num(g, 'n');
        return { key: d, values: { children: n, first: orNull(g, 'first'), latest: orNull(g, 'latest') }, n: { first: n, latest: n } };
      });
      return {
        columns: [
          { key: 'children', kind: 'count' },
          { key: 'first', kind: 'mean' },
          { key: 'latest', kind: 'mean' },
        ],
        rows,
        chart: { kind: 'line', from: 'first', to: 'latest' },
        label: codeLabel('assessments:domains'),
      };
    },
    referrals_service: () => {
      const found = byId(facet.referralService);
      const rows = LOOKUPS.serviceType.map((s) => referralRow(s, found.get(s)));
      return { columns: REFERRAL_COLUMNS, rows, totals: { sent: sum(rows, 'sent') }, chart: { kind: 'bar', column: 'sent' }, label: codeLabel('lookups:serviceType') };
    },
    referrals_partner: () => {
      const rows = (facet.referralPartner ?? []).map((g) => referralRow(String(g._id), g));
      rows.sort((a, b) => (names.partners.get(a.key) ?? '').localeCompare(names.partners.get(b.key) ?? ''));
      return { columns: REFERRAL_COLUMNS, rows, totals: { sent: sum(rows, 'sent') }, chart: { kind: 'bar', column: 'sent' }, label: (key) => names.partners.get(key) ?? t('reports:unknownName') };
    },
    legal_stage: () => counted(LEGAL_STATUSES, facet.legalStage, 'legal:status'),
    legal_verdict: () => counted(VERDICTS, facet.legalVerdict, 'legal:verdict'),
    closures_reason: () => counted(LOOKUPS.closureReason, facet.closures, 'lookups:closureReason'),
    follow_ups: () => {
      const found = byId(facet.followUps);
      const rows = FOLLOW_UP_MONTHS.map((m) => {
        const g = found.get(String(m));
        const done = num(g, 'done');
        return {
          key: String(m),
          values: { due: num(g, 'due'), done, safe: num(g, 'safe'), livingAsPlanned: num(g, 'livingAsPlanned'), inSchoolOrWork: num(g, 'inSchoolOrWork'), safeShare: done > 0 ? num(g, 'safe') / done : null },
        };
      });
      return {
        columns: [
          { key: 'due', kind: 'count' },
          { key: 'done', kind: 'count', within: 'due' },
          { key: 'safe', kind: 'count', within: 'done' },
          { key: 'livingAsPlanned', kind: 'count', within: 'done' },
          { key: 'inSchoolOrWork', kind: 'count', within: 'done' },
          { key: 'safeShare', kind: 'rate', part: 'safe', of: 'done' },
        ],
        rows,
        chart: { kind: 'bar', column: 'safe' },
        label: (key) => t('reports:followUpMonths', { count: Number(key) }),
      };
    },
    overdue: () => {
      const g = facet.overdue?.[0];
      const rows = [
        { key: 'reviews', values: { cases: num(g, 'reviews') } },
        { key: 'casesWithTasks', values: { cases: num(g, 'casesWithTasks') } },
        { key: 'tasks', values: { cases: num(g, 'tasks') } },
      ];
      return { columns: countColumn, rows, chart: { kind: 'bar', column: 'cases' }, label: codeLabel('reports:overdueRows') };
    },
  };
}

/**
 * The countries of origin the filter offers: the nationalities a case form offers first (the region's),
 * and the one asked for. Not a distinct over the facts: that would read every case of the organisation
 * a second time.
 */
function countriesOf(asked: string | undefined): string[] {
  return [...new Set([...COMMON_NATIONALITIES, ...(asked ? [asked] : [])])];
}

/** Reads the report's cells and builds every figure asked for (all of them by default). */
export async function buildReport(scope: ReportScope, filters: ReportFilters, t: Translate, locale: string, now: Date, figures: readonly ReportFigure[] = REPORT_FIGURES): Promise<Report> {
  // What does not depend on the figures is read alongside the cells.
  const aside = Promise.all([teamsOf(scope.organisationId), countriesOf(filters.country)]);
  // Handled below; this only keeps a failure from being reported as unhandled if the cells' reads fail first.
  aside.catch(() => undefined);
  const result = await readReport(ReportCellModel.collection, scope, filters, now);
  const [[teamRows, countries], users, partners] = await Promise.all([
    aside,
    figures.includes('caseload_caseworker') ? userNames((result.caseworker ?? []).map((g) => g._id)) : new Map<string, string>(),
    figures.includes('referrals_partner') ? organisationNamesFor((result.referralPartner ?? []).map((g) => g._id as Types.ObjectId), locale) : new Map<string, string>(),
  ]);
  const names: Names = { teams: new Map(teamRows.map((r) => [r.code, r.name])), users, partners };
  const build = builders(result, rememberLabels(t), names);
  return {
    scope,
    filters,
    figures: figures.map((id) => {
      const b = build[id]();
      const table: Table = suppress({ columns: b.columns, rows: b.rows, totals: b.totals });
      const stats = (b.stats ?? []).map((s) => ({ key: s.key, cell: s.n > 0 && s.n < SMALL_CELL ? { value: s.value, hidden: s.key === 'median' ? ('few' as const) : ('small' as const) } : { value: s.value } }));
      return { id, columns: table.columns, rows: table.rows.map((r) => ({ ...r, label: b.label(r.key) })), totals: table.totals, stats, chart: b.chart };
    }),
    teams: teamRows.map((r) => ({ code: r.code, name: r.name })),
    countries,
  };
}

/** The figures an organisation's period summary shows, in the dashboard's order; none chosen: the default list. */
export async function periodFigures(organisationId: string): Promise<ReportFigure[]> {
  const org = await OrganisationModel.findById(organisationId).select({ reportFigures: 1 }).lean();
  const chosen = new Set((org?.reportFigures ?? []) as string[]);
  const figures = REPORT_FIGURES.filter((f) => chosen.has(f));
  return figures.length > 0 ? figures : [...DEFAULT_PERIOD_FIGURES];
}

/** Sets the figures of the organisation's period summary (an empty choice is refused by the route). */
export async function choosePeriodFigures(caller: Caller, figures: readonly ReportFigure[]): Promise<void> {
  if (!can(caller.roles, 'report.configure')) throw new Forbidden();
  await OrganisationModel.updateOne(trusted({ _id: new Types.ObjectId(caller.organisationId) }), { $set: { reportFigures: REPORT_FIGURES.filter((f) => figures.includes(f)) } });
  await audit(caller, { action: 'report_configure', outcome: 'success', recordType: 'organisation', recordId: caller.organisationId });
}
