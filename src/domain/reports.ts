/**
 * Outcome reports (DOMAIN.md "Outcomes managers report"; SECURITY.md P4, I5): the figures a dashboard
 * can show, how a figure's table is laid out, and the rules that keep a report from letting anyone
 * recognise a child. Pure rules: no imports from outside the domain.
 *
 * Small-cell suppression. A count of 1 to 4 is shown as "< 5" (`small`, SMALL_TEXT). A count that would let a
 * reader work one out by subtraction is hidden as well (`derived`): in a column with a total, when the
 * cells hidden so far are all that separates the visible cells from the total, the smallest visible
 * count is hidden too, until at least two cells are hidden or the hidden ones add up to 5 or more
 * (then the difference no longer tells anyone a small count); a total of 1 to 4 hides the whole
 * column. Zero is shown: it tells nothing about any child. A rate, a median or a mean is shown only
 * when the counts it is made of are, and when it is made of 5 values or more (else `few`: "< 5" would
 * read as a number of days).
 */

/** The smallest count a report shows as a number. */
export const SMALL_CELL = 5;

/** What a report shows instead of a count of 1 to 4, in every language: a sign, not a word, like the digits. */
export const SMALL_TEXT = '< 5';

/** The figures of the dashboard, in the order it shows them. */
export const REPORT_FIGURES = [
  'caseload_status',
  'caseload_risk',
  'caseload_exploitation',
  'caseload_team',
  'caseload_caseworker',
  'plan_days',
  'goals_domain',
  'wellbeing_domain',
  'referrals_service',
  'referrals_partner',
  'legal_stage',
  'legal_verdict',
  'closures_reason',
  'follow_ups',
  'overdue',
] as const;
export type ReportFigure = (typeof REPORT_FIGURES)[number];

/** What a period summary shows when an organisation has chosen nothing. */
export const DEFAULT_PERIOD_FIGURES: readonly ReportFigure[] = ['caseload_status', 'caseload_exploitation', 'plan_days', 'goals_domain', 'referrals_service', 'legal_stage', 'legal_verdict', 'closures_reason', 'follow_ups'];

/** Days from intake to the first approved care plan: the distribution's buckets (lower bounds). */
export const PLAN_DAY_BUCKETS = [0, 8, 15, 31, 61, 91] as const;

export type ColumnKind = 'count' | 'rate' | 'median' | 'mean';

/**
 * One column of a figure's table. A `count` column may have a total, and may count a part of another
 * count column of the same row (`within`: the goals achieved of the goals set). A `rate` is the share
 * of the row's value `of` that its value `part` is; a `median` or `mean` is over `n` values, the count
 * kept in the row's `n` under this column's key.
 */
export interface Column {
  key: string;
  kind: ColumnKind;
  within?: string;
  part?: string;
  of?: string;
}

export interface RawRow {
  /** The category's code (a status, a domain, a team code, a user id...). */
  key: string;
  values: Record<string, number | null>;
  /** For a median or a mean column: how many values it was computed from. */
  n?: Record<string, number>;
}

export interface RawTable {
  columns: readonly Column[];
  rows: readonly RawRow[];
  /** Column totals of count columns; a count column without one is not summed (categories overlap). */
  totals?: Record<string, number>;
}

/** A small count; a value from which one could be worked out; a rate, median or mean of fewer than 5 values. */
export type Hidden = 'small' | 'derived' | 'few';

export interface Cell {
  value: number | null;
  /** Why the value is not shown, when it is not. */
  hidden?: Hidden | undefined;
}

export interface Table {
  columns: readonly Column[];
  rows: { key: string; cells: Record<string, Cell> }[];
  totals?: Record<string, Cell> | undefined;
}

const isSmall = (v: number | null | undefined): boolean => typeof v === 'number' && v > 0 && v < SMALL_CELL;

/**
 * Hides more cells of one count column until the hidden ones cannot be worked out from its total
 * (see the file's comment); `cells` already carry their own reasons. Returns the total as a cell.
 */
function protectColumn(cells: Cell[], total: number): Cell {
  if (isSmall(total)) {
    for (const c of cells) if (c.value !== 0) c.hidden ??= 'derived';
    return { value: total, hidden: 'small' };
  }
  const hidden = () => cells.filter((c) => c.hidden);
  const sum = () => hidden().reduce((s, c) => s + (c.value ?? 0), 0);
  while (hidden().length > 0 && (hidden().length < 2 || sum() < SMALL_CELL)) {
    const next = cells.filter((c) => !c.hidden && (c.value ?? 0) > 0).sort((a, b) => (a.value ?? 0) - (b.value ?? 0))[0];
    // Nothing left to hide beside them: the total itself would give the hidden cells away.
    if (!next) return { value: total, hidden: 'derived' };
    next.hidden = 'derived';
  }
  return { value: total };
}

/** A report table with every count, rate, median and mean that could point at a child hidden. */
export function suppress(raw: RawTable): Table {
  const counts = raw.columns.filter((c) => c.kind === 'count');
  const rows = raw.rows.map((r) => ({ key: r.key, cells: Object.fromEntries(raw.columns.map((c) => [c.key, { value: r.values[c.key] ?? null } as Cell])) }));
  rows.forEach((row, i) => {
    const values = raw.rows[i]!.values;
    for (const col of counts) {
      const cell = row.cells[col.key]!;
      if (isSmall(cell.value)) cell.hidden = 'small';
      // A part whose whole is a little more than it tells the rest by subtraction.
      else if (col.within !== undefined && isSmall((values[col.within] ?? 0) - (cell.value ?? 0))) cell.hidden = 'derived';
    }
  });
  const totals: Record<string, Cell> = {};
  for (const col of counts) {
    const total = raw.totals?.[col.key];
    if (total !== undefined) totals[col.key] = protectColumn(rows.map((r) => r.cells[col.key]!), total);
  }
  raw.rows.forEach((r, i) => {
    const row = rows[i]!;
    for (const col of raw.columns) {
      const cell = row.cells[col.key]!;
      if (col.kind === 'count' || cell.value === null) continue;
      if (col.kind === 'rate') {
        const part = r.values[col.part!] ?? 0;
        const of = r.values[col.of!] ?? 0;
        // A rate and its visible whole give its part: hidden whenever the part or the rest could not be shown.
        if (row.cells[col.part!]?.hidden || row.cells[col.of!]?.hidden) cell.hidden = 'derived';
        else if (of < SMALL_CELL) cell.hidden = 'few';
        else if (isSmall(part) || isSmall(of - part)) cell.hidden = 'derived';
      } else if ((r.n?.[col.key] ?? 0) < SMALL_CELL) cell.hidden = 'few';
    }
  });
  return { columns: raw.columns, rows, totals: raw.totals ? totals : undefined };
}

/**
 * A CSV cell that a spreadsheet would not read as a formula (SECURITY.md I5): text starting with
 * = + - @, a tab or a carriage return gets a leading apostrophe. Then quoted when it must be.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Reporting periods for donors and governments: a calendar quarter or year. */
export const PERIOD_KINDS = ['quarter', 'year'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

/** The first day of a period and the first day after it (UTC dates), or undefined for a period that does not exist. */
export function periodRange(kind: PeriodKind, year: number, quarter = 1): { from: Date; to: Date } | undefined {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) return undefined;
  if (kind === 'year') return { from: new Date(Date.UTC(year, 0, 1)), to: new Date(Date.UTC(year + 1, 0, 1)) };
  if (!Number.isInteger(quarter) || quarter < 1 || quarter > 4) return undefined;
  return { from: new Date(Date.UTC(year, (quarter - 1) * 3, 1)), to: new Date(Date.UTC(year, quarter * 3, 1)) };
}
