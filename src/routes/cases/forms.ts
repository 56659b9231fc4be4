/**
 * The case forms' schemas (SECURITY.md I1, C5): strict, capped, codes from the lookups. A field a form
 * does not have (status, organisation, case number, assignment on the details form) is refused as an
 * unknown field with 422.
 */
import { z } from 'zod';
import { detailProblems } from '../../domain/cases.js';
import { LOCALES } from '../../domain/locales.js';
import { AREA_CODE, LOCATION_MAX, LOOKUPS, type LookupList } from '../../domain/lookups.js';
import { clock } from '../../lib/clock.js';
import { toLatinDigits } from '../../lib/i18n/format.js';
import { form, freeText, labelFields, line, optionalFreeText, optionalText, text } from '../forms.js';

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
const digits = (max: number) => line().max(max).optional().default('').transform(toLatinDigits);
const date = line().min(1).max(10).transform(toLatinDigits);
export const version = line().max(12).transform((v) => Number(toLatinDigits(v))).pipe(z.number().int().min(0).max(1e9));

/**
 * A location: an area code (typed in any case: `ph-07-072217` is `PH-07-072217`), or the name of the
 * place as typed. Letters and hyphens alone are read as a code only when typed in capitals or two
 * letters long, so that a town such as Pa-an keeps its name.
 */
const location = line()
  .max(LOCATION_MAX)
  .optional()
  .default('')
  .transform((v) => {
    const upper = v.toUpperCase();
    return AREA_CODE.test(upper) && (v === upper || /\d/.test(v) || v.length === 2) ? upper : v;
  });

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
  nationality: line().toUpperCase().max(2).optional().default(''),
  languages: many(z.string().max(8), 10),
  disability: optionalCode('disability'),
  placement: optionalCode('placement'),
  location,
  school: optionalText(200),
};

/** What a details field holds when it parsed, or nothing: the rules across fields then skip it. */
const asText = (v: unknown) => (typeof v === 'string' ? v : '');
const asList = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * The rules across fields (domain/cases.ts), checked with the form's own, so one answer lists every
 * problem: a form sent untouched hears about each field it left out, not only the first kind.
 */
function withDetailRules<T extends z.ZodObject>(schema: T) {
  return schema.superRefine(
    (raw, ctx) => {
      const v = raw as Record<string, unknown>;
      const problems = detailProblems(
        {
          givenName: asText(v.givenName),
          familyName: asText(v.familyName),
          givenNameLocal: asText(v.givenNameLocal),
          familyNameLocal: asText(v.familyNameLocal),
          nickname: asText(v.nickname),
          intakeDate: asText(v.intakeDate),
          dateOfBirth: asText(v.dateOfBirth),
          estimatedAge: asText(v.estimatedAge),
          nationality: asText(v.nationality),
          location: asText(v.location),
          languages: asList(v.languages),
          exploitationTypes: asList(v.exploitationTypes),
        },
        clock.now().toISOString().slice(0, 10),
      );
      for (const [field, key] of Object.entries(problems)) ctx.addIssue({ code: 'custom', path: [field], message: key });
    },
    // Checked even when a field is wrong already: the form's own error for that field comes first.
    { when: () => true },
  );
}

const objectId = z.string().regex(/^[0-9a-f]{24}$/i);

/** Registration: details, plus the assignment that only supervisors may send (checked by the service). */
export const registerForm = withDetailRules(
  form({
    ...detailFields,
    caseworkerIds: many(objectId, 10),
    supervisorId: z.union([objectId, z.literal('')]).optional().default(''),
  }),
);
export const detailsForm = withDetailRules(form({ ...detailFields, version }));
export const assignForm = form({ caseworkerIds: many(objectId, 10), supervisorId: z.union([objectId, z.literal('')]).optional().default(''), version });

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
  protectiveFactors: optionalFreeText(2000),
});
export const familyEditForm = familyForm.extend({ version });

const language = z.enum(LOCALES);
export const consentForm = form({
  purpose: code('consentPurpose'),
  organisationId: z.union([objectId, z.literal('')]).optional().default(''),
  givenBy: code('consentGivenBy'),
  date,
  formVersion: text(40),
});
export const noteForm = form({ type: code('noteType'), date, language, text: freeText(20_000) });
/** A task; its assignee is one of the case's people (checked by the service), or empty for the case's default. */
export const taskForm = form({ title: text(300), dueDate: date, assigneeId: z.union([objectId, z.literal('')]).optional().default('') });
export const taskAssignForm = form({ assigneeId: z.union([objectId, z.literal('')]) });
export const uploadForm = form({ kind: code('attachmentKind') });
export const emptyForm = form({});
/** Recording a consent's withdrawal: the day it was withdrawn, and why (free text, sealed). */
export const withdrawalForm = form({ date, reason: freeText(2000) });

/** The case forms' field labels, in each form's order (routes/forms.ts names every error by them). */
const DETAIL_LABELS = {
  riskLevel: 'cases:fields.riskLevel',
  exploitationTypes: 'cases:fields.exploitationTypes',
  intakeDate: 'cases:fields.intakeDate',
  identifiedBy: 'cases:fields.identifiedBy',
  source: 'cases:fields.source',
  givenName: 'cases:fields.givenName',
  familyName: 'cases:fields.familyName',
  givenNameLocal: 'cases:fields.givenNameLocal',
  familyNameLocal: 'cases:fields.familyNameLocal',
  nickname: 'cases:fields.nickname',
  sex: 'cases:fields.sex',
  dateOfBirth: 'cases:fields.dateOfBirth',
  estimatedAge: 'cases:fields.estimatedAge',
  nationality: 'cases:fields.nationality',
  languages: 'cases:fields.languages',
  disability: 'cases:fields.disability',
  placement: 'cases:fields.placement',
  location: 'cases:fields.location',
  school: 'cases:fields.school',
};
labelFields('cases/new', { ...DETAIL_LABELS, caseworkerIds: 'cases:fields.caseworkerIds', supervisorId: 'cases:fields.supervisorId' });
labelFields('cases/edit', DETAIL_LABELS);
labelFields('cases/assign', { caseworkerIds: 'cases:fields.caseworkerIds', supervisorId: 'cases:fields.supervisorId' });
labelFields('cases/family-form', {
  relationship: 'cases:family.relationship',
  givenName: 'cases:family.givenName',
  familyName: 'cases:family.familyName',
  localName: 'cases:family.localName',
  age: 'cases:family.age',
  livesWithChild: 'cases:family.livesWithChild',
  guardian: 'cases:family.guardian',
  exploitationRole: 'cases:family.exploitationRole',
  contact: 'cases:family.contact',
  protectiveFactors: 'cases:family.protectiveFactors',
});
labelFields('cases/consent-form', { purpose: 'cases:consent.purpose', organisationId: 'cases:consent.organisation', givenBy: 'cases:consent.givenBy', date: 'cases:consent.date', formVersion: 'cases:consent.formVersion' });
labelFields('cases/consent-withdraw', { date: 'cases:consentWithdraw.date', reason: 'cases:consentWithdraw.reason' });
labelFields('cases/note-form', { type: 'cases:notes.type', date: 'cases:notes.date', language: 'cases:textLanguage', text: 'cases:notes.text' });
labelFields('cases/task-form', { title: 'cases:tasks.title', dueDate: 'cases:tasks.dueDate', assigneeId: 'home:taskAssign.assignee' });
labelFields('cases/task-assign', { assigneeId: 'home:taskAssign.assignee' });
labelFields('cases/upload-refused', { kind: 'cases:attachments.kind', file: 'cases:attachments.file' });

/**
 * The list's query string: every filter optional, codes only. Parameters the list does not know are
 * dropped, not refused: links shared through messengers and mail arrive with `fbclid`, `utm_*` and the
 * like, and must still open the list. A known parameter with a bad value is still refused.
 */
export const listQuery = z.object({
  status: z.union([z.enum(['open', 'active', 'closed']), z.literal('')]).optional(),
  risk: optionalCode('riskLevel'),
  type: optionalCode('exploitationType'),
  caseworker: z.union([objectId, z.literal('')]).optional(),
  team: z.string().trim().max(60).optional(),
  q: z.string().trim().max(200).optional(),
  sort: z.enum(['newest', 'oldest', 'intake', 'risk']).optional().default('newest'),
  after: z.string().max(200).optional(),
  before: z.string().max(200).optional(),
  lng: z.string().max(20).optional(),
});
