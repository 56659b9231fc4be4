/**
 * The rules of a case record (DOMAIN.md "Records", "States"). Pure: no imports beyond the domain.
 */
export const CASE_STATUSES = ['open', 'active', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/**
 * The case's status machine: `open` (intake) -> `active` (care plan approved) -> `closed`; a closed case
 * is reopened to `active`. Any other change is refused (422) and changes nothing.
 */
const TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  open: ['active'],
  active: ['closed'],
  closed: ['active'],
};

export function mayMove(from: CaseStatus, to: CaseStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** `PH-2026-00042`: the organisation's case prefix, the year of registration, a counter per year. */
export function formatCaseNumber(prefix: string, year: number, n: number): string {
  return `${prefix}-${year}-${String(n).padStart(5, '0')}`;
}

export const CASE_NUMBER = /^[A-Z]{2,12}-\d{4}-\d{5,}$/;

/** Attachments (SECURITY.md I4): what may be stored, and how much. */
export const ATTACHMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const CASE_QUOTA_BYTES = 50 * 1024 * 1024;

/** Page size of the case list; pages are ranges of the sort key, never skips. */
export const CASE_PAGE_SIZE = 50;

/** A calendar date written `YYYY-MM-DD` that exists (no 30 February, no 31 April). */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}
