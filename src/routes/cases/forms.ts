/**
 * The case forms' schemas (SECURITY.md I1, C5): strict, capped, codes from the lookups. A field a form
 * does not have (status, organisation, case number, assignment on the details form) is refused as an
 * unknown field with 422.
 */
import { z } from 'zod';
import { LOCALES } from '../../domain/locales.js';
import { LOOKUPS, type LookupList } from '../../domain/lookups.js';
import { toLatinDigits } from '../../lib/i18n/format.js';
import { form, optionalText, text } from '../forms.js';

/** One code from a lookup. */
export const code = <L extends LookupList>(list: L) => z.enum(LOOKUPS[list] as unknown as [string, ...string[]]) as unknown as z.ZodType<(typeof LOOKUPS)[L][number]>;
/** A code or nothing. */
const optionalCode = (list: LookupList) => z.union([z.enum(LOOKUPS[list] as unknown as [string, ...string[]]), z.literal('')]).optional().default('');

/** A checkbox group: one value arrives as a string, several as a list. */
export const many = (values: z.ZodType<string>, max: number) =>
  z
    .union([values, z.array(values).max(max)])
    .optional()
    .transform((v) => [...new Set(v === undefined ? [] : Array.isArray(v) ? v : [v])]);

/** Digits typed in Thai, Khmer, Lao or Burmese are read as Latin digits. */
const digits = (max: number) => z.string().trim().max(max).optional().default('').transform(toLatinDigits);
const date = z.string().trim().min(1).max(10).transform(toLatinDigits);
export const version = z.string().trim().max(12).transform((v) => Number(toLatinDigits(v))).pipe(z.number().int().min(0).max(1e9));

export const detailFields = {
  riskLevel: code('riskLevel'),
  exploitationTypes: many(code('exploitationType'), LOOKUPS.exploitationType.length),
  intakeDate: date,
  identifiedBy: code('identifiedBy'),
  source: code('intakeSource'),
  givenName: optionalText(100),
  familyName: optionalText(100),
  givenNameLocal: optionalText(100),
  familyNameLocal: optionalText(100),
  nickname: optionalText(100),
  sex: optionalCode('sex'),
  dateOfBirth: digits(10),
  estimatedAge: digits(3),
  nationality: z.string().trim().toUpperCase().max(2).optional().default(''),
  languages: many(z.string().max(8), 10),
  disability: optionalCode('disability'),
  placement: optionalCode('placement'),
  location: z.string().trim().toUpperCase().max(60).optional().default(''),
  school: optionalText(200),
};

const objectId = z.string().regex(/^[0-9a-f]{24}$/i);

/** Registration: details, plus the assignment that only supervisors may send (checked by the service). */
export const registerForm = form({
  ...detailFields,
  caseworkerIds: many(objectId, 10),
  supervisorId: z.union([objectId, z.literal('')]).optional().default(''),
});
export const detailsForm = form({ ...detailFields, version });
export const assignForm = form({ caseworkerIds: many(objectId, 10), supervisorId: z.union([objectId, z.literal('')]).optional().default(''), version });
export const statusForm = form({ reason: z.string().max(40), date, version });

const checkbox = z.literal('on').optional().transform((v) => v === 'on');
export const familyForm = form({
  relationship: code('relationship'),
  exploitationRole: code('exploitationRole'),
  livesWithChild: checkbox,
  guardian: checkbox,
  givenName: optionalText(100),
  familyName: optionalText(100),
  localName: optionalText(100),
  age: digits(3),
  contact: optionalText(200),
  protectiveFactors: optionalText(2000),
});
export const familyEditForm = familyForm.extend({ version });

const language = z.enum(LOCALES);
export const assessmentForm = form({ rating: code('familyAssessment'), text: optionalText(10_000), language, version });
export const consentForm = form({
  purpose: code('consentPurpose'),
  organisationId: z.union([objectId, z.literal('')]).optional().default(''),
  givenBy: code('consentGivenBy'),
  date,
  formVersion: text(40),
});
export const noteForm = form({ type: code('noteType'), date, language, text: text(20_000) });
export const taskForm = form({ title: text(300), dueDate: date });
export const uploadForm = form({ kind: code('attachmentKind') });
export const emptyForm = form({});

/** The list's query string: every filter optional, codes only. */
export const listQuery = z.strictObject({
  status: z.union([z.enum(['open', 'active', 'closed']), z.literal('')]).optional(),
  risk: optionalCode('riskLevel'),
  type: optionalCode('exploitationType'),
  caseworker: z.union([objectId, z.literal('')]).optional(),
  team: z.string().trim().max(60).optional(),
  q: z.string().trim().max(200).optional(),
  sort: z.enum(['newest', 'oldest', 'intake', 'risk']).optional().default('newest'),
  after: z.string().max(200).optional(),
  lng: z.string().max(20).optional(),
});
