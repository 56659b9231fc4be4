/**
 * The legal case forms' schemas (SECURITY.md I1, C5): strict, capped, codes from domain/legal.ts. The
 * status is not a field of the add or edit form (a form that sends one is refused as an unknown field);
 * it moves through the status form only.
 */
import { z } from 'zod';
import { LOCALES } from '../../domain/locales.js';
import { AUTHORITIES, CHARGES, HEARING_KINDS, HEARING_OUTCOMES, MAX_OFFENDERS, OFFENDER_RELATIONSHIPS, STARTING_STATUSES, SUPPORT_KINDS } from '../../domain/legal.js';
import { toLatinDigits } from '../../lib/i18n/format.js';
import { form, labelFields, line, optionalFreeText, optionalText } from '../forms.js';
import { many, version } from '../cases/forms.js';

const date = line().min(1).max(10).transform(toLatinDigits);
const oneOf = (values: readonly string[]) => z.enum(values as [string, ...string[]]);
const language = z.enum(LOCALES);

/** Repeated fields of the offender rows, kept in order (one value arrives as a string). */
const rows = <T extends z.ZodType<string>>(value: T) =>
  z
    .union([value, z.array(value).max(MAX_OFFENDERS + 4)])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

const legalFields = {
  complaintDate: date,
  authority: oneOf(AUTHORITIES),
  authorityName: optionalText(200),
  reference: optionalText(100),
  charges: many(oneOf(CHARGES), CHARGES.length),
  offenderName: rows(line().max(200)),
  offenderRelationship: rows(z.union([oneOf(OFFENDER_RELATIONSHIPS), z.literal('')])),
};

export interface OffenderRow {
  name: string;
  relationship: string;
}

/** The offender rows as typed, without the rows left empty. */
export function offendersOf(names: readonly string[], relationships: readonly string[]): OffenderRow[] {
  const out: OffenderRow[] = [];
  for (let i = 0; i < Math.max(names.length, relationships.length); i++) {
    const name = names[i] ?? '';
    const relationship = relationships[i] ?? '';
    if (name || relationship) out.push({ name, relationship });
  }
  return out;
}

/**
 * The rules across fields, checked with the form's own so one answer lists every problem: at least one
 * charge, and a relationship for every offender named (the relationship is what the page and the
 * reports need).
 */
function withLegalRules<T extends z.ZodObject>(schema: T) {
  return schema.superRefine((raw, ctx) => {
    const v = raw as { charges?: string[] | string; offenderName?: string[]; offenderRelationship?: string[] };
    if (v.charges === undefined || (Array.isArray(v.charges) && v.charges.length === 0)) ctx.addIssue({ code: 'custom', path: ['charges'], message: 'legal:errors.chargeRequired' });
    if (!Array.isArray(v.offenderName) || !Array.isArray(v.offenderRelationship)) return;
    const offenders = offendersOf(v.offenderName, v.offenderRelationship);
    if (offenders.some((o) => !o.relationship)) ctx.addIssue({ code: 'custom', path: ['offenders'], message: 'legal:errors.offenderRelationship' });
    if (offenders.length > MAX_OFFENDERS) ctx.addIssue({ code: 'custom', path: ['offenders'], message: 'legal:errors.tooManyOffenders' });
  }, { when: () => true });
}

export const legalNewForm = withLegalRules(form({ ...legalFields, status: oneOf(STARTING_STATUSES) }));
export const legalEditForm = withLegalRules(form({ ...legalFields, version }));
export const legalStatusForm = form({ to: line().max(20), date, verdict: line().max(40).optional().default(''), reason: line().max(40).optional().default(''), version });
export const hearingForm = form({ date, kind: oneOf(HEARING_KINDS), note: optionalFreeText(5000), language });
export const outcomeForm = form({ outcome: oneOf(HEARING_OUTCOMES), note: optionalFreeText(5000), language });
export const supportForm = form({ kinds: many(oneOf(SUPPORT_KINDS), SUPPORT_KINDS.length), date, note: optionalFreeText(2000), language });

const LEGAL_LABELS = {
  status: 'legal:fields.startingStatus',
  complaintDate: 'legal:fields.complaintDate',
  authority: 'legal:fields.authority',
  authorityName: 'legal:fields.authorityName',
  reference: 'legal:fields.reference',
  charges: 'legal:fields.charges',
  offenders: 'legal:fields.offenders',
  offenderName: 'legal:fields.offenderName',
  offenderRelationship: 'legal:fields.offenderRelationship',
};
labelFields('legal/form', LEGAL_LABELS);
labelFields('legal/status', { to: 'legal:fields.status', date: 'legal:fields.stageDate', verdict: 'legal:fields.verdict', reason: 'legal:fields.closeReason' });
labelFields('legal/hearing-form', { date: 'legal:fields.hearingDate', kind: 'legal:fields.hearingKind', language: 'legal:fields.noteLanguage', note: 'legal:fields.hearingNote' });
labelFields('legal/outcome', { outcome: 'legal:fields.outcome', language: 'legal:fields.noteLanguage', note: 'legal:fields.hearingNote' });
labelFields('legal/support-form', { kinds: 'legal:fields.supportKinds', date: 'legal:fields.supportDate', language: 'legal:fields.noteLanguage', note: 'legal:fields.supportNote' });
