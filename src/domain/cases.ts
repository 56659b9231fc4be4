/**
 * The rules of a case record (DOMAIN.md "Records", "States"). Pure: no imports beyond the domain.
 */
import { SPOKEN_LANGUAGES, isLocation } from './lookups.js';

export const CASE_STATUSES = ['open', 'active', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/**
 * The case's status machine (DOMAIN.md "States"): `open` (intake) -> `active` (first care plan
 * approved) -> `closed`; `open` -> `closed` as well, with a reason that applies at intake. A closed case
 * is reopened, with a reason, to the state it was closed from (`closedFrom`, kept on the case). Any
 * other change is refused (422) and changes nothing.
 */
const TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  open: ['active', 'closed'],
  active: ['closed'],
  closed: ['open', 'active'],
};

/** Whether the machine allows the move; a reopening must also go back where the case was closed from. */
export function mayMove(from: CaseStatus, to: CaseStatus, closedFrom?: CaseStatus): boolean {
  if (!TRANSITIONS[from].includes(to)) return false;
  return from !== 'closed' || to === reopenedStatus(closedFrom);
}

/** The states a case can be closed from. */
export type ClosableStatus = 'open' | 'active';

/** Where a reopened case goes: the state it was closed from (cases closed before that was kept: `active`). */
export function reopenedStatus(closedFrom: CaseStatus | undefined): ClosableStatus {
  return closedFrom === 'open' ? 'open' : 'active';
}

/**
 * The closure reasons (codes of the `closureReason` lookup) each state may close with. At intake the
 * child has not yet been taken into care, so only the reasons that end an intake apply; once active,
 * every reason applies except "not within mandate", which the intake decided.
 */
export const CLOSURE_REASONS: Readonly<Record<ClosableStatus, readonly string[]>> = {
  open: ['duplicate', 'not_within_mandate', 'transferred', 'moved_away', 'lost_contact'],
  active: ['reintegrated_family', 'kinship_care', 'foster_care', 'independent_living', 'transferred', 'turned_18', 'moved_away', 'lost_contact', 'duplicate', 'death', 'other'],
};

/** The closure reasons a case in this state may close with (none for a closed case). */
export function closureReasonsFrom(status: CaseStatus): readonly string[] {
  return status === 'closed' ? [] : CLOSURE_REASONS[status];
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

/** Whole years from a date of birth to a day, both `YYYY-MM-DD`. */
export function ageOn(dateOfBirth: string, day: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/**
 * Whether an estimated age contradicts a known date of birth. The estimate may have been made at intake
 * or later, so it must be the child's age, give or take a year (it is an estimate), at some day between
 * the intake date and today; anything else says two different children.
 */
export function estimateContradictsBirth(dateOfBirth: string, estimatedAge: string, intakeDate: string, today: string): boolean {
  if (!isIsoDate(dateOfBirth) || dateOfBirth > today || !/^\d{1,3}$/.test(estimatedAge)) return false;
  const from = isIsoDate(intakeDate) && intakeDate >= dateOfBirth && intakeDate <= today ? intakeDate : today;
  const estimate = Number(estimatedAge);
  return estimate < ageOn(dateOfBirth, from) - 1 || estimate > ageOn(dateOfBirth, today) + 1;
}

/** The flat details of a case that the rules across fields look at. */
export interface DetailsToCheck {
  givenName: string;
  familyName: string;
  givenNameLocal: string;
  familyNameLocal: string;
  nickname: string;
  intakeDate: string;
  dateOfBirth: string;
  estimatedAge: string;
  nationality: string;
  location: string;
  languages: readonly string[];
  exploitationTypes: readonly string[];
}

/**
 * What is wrong with a case's details, field by field (message keys), by the rules a single field's
 * schema cannot say: at least one name, dates that exist and are not in the future, an estimated age
 * that fits the date of birth. The details form shows these with the form's own errors; the service
 * checks them again before anything is written.
 */
export function detailProblems(d: DetailsToCheck, today: string): Record<string, string> {
  const fields: Record<string, string> = {};
  if (![d.givenName, d.familyName, d.givenNameLocal, d.familyNameLocal, d.nickname].some(Boolean)) fields.givenName = 'cases:errors.nameRequired';
  if (d.exploitationTypes.length === 0) fields.exploitationTypes = 'common:form.required';
  if (!isIsoDate(d.intakeDate) || d.intakeDate > today) fields.intakeDate = 'cases:errors.date';
  if (d.dateOfBirth && (!isIsoDate(d.dateOfBirth) || d.dateOfBirth > today || d.dateOfBirth < '1990-01-01')) fields.dateOfBirth = 'cases:errors.date';
  if (d.estimatedAge && !/^\d{1,2}$/.test(d.estimatedAge)) fields.estimatedAge = 'cases:errors.age';
  else if (!fields.dateOfBirth && estimateContradictsBirth(d.dateOfBirth, d.estimatedAge, d.intakeDate, today)) fields.estimatedAge = 'cases:errors.ageContradictsBirth';
  if (d.nationality && !/^[A-Z]{2}$/.test(d.nationality)) fields.nationality = 'common:form.invalid';
  if (d.languages.some((l) => !(SPOKEN_LANGUAGES as readonly string[]).includes(l))) fields.languages = 'common:form.invalid';
  if (d.location && !isLocation(d.location)) fields.location = 'cases:errors.location';
  return fields;
}

/**
 * A task is overdue from the day after its due date (dates are calendar days, stored at 00:00 UTC): a
 * task due today is due, not late. The one rule for the case page, the case list and the start page.
 */
export function startOfDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export function isOverdue(dueDate: Date, now: Date): boolean {
  return dueDate < startOfDay(now);
}
