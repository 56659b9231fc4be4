/**
 * The sending side's referral forms (SECURITY.md I1, C5): strict, capped, codes from
 * domain/referrals.ts and the lookups. The status, the organisation sending, the reference and the
 * snapshot are no fields of any form: a form carrying one is refused as an unknown field (422).
 */
import { z } from 'zod';
import { LOCALES } from '../../domain/locales.js';
import { LOOKUPS } from '../../domain/lookups.js';
import { DECLINE_REASONS, DELIVERY_METHODS, REFERRAL_LIMITS, REFERRAL_MOVE_NAMES, REFERRAL_REASONS, URGENCIES } from '../../domain/referrals.js';
import { toLatinDigits } from '../../lib/i18n/format.js';
import { PLAIN_SECTIONS } from '../../services/referrals/drafts.js';
import { many, version } from '../cases/forms.js';
import { form, labelFields, line, optionalFreeText } from '../forms.js';

const oneOf = (values: readonly string[]) => z.enum(values as unknown as [string, ...string[]]);
const date = line().min(1).max(10).transform(toLatinDigits).pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/));
const language = z.enum(LOCALES);
const id = line().max(24);

const draftFields = {
  toOrganisationId: line().min(1).max(24),
  service: oneOf(LOOKUPS.serviceType),
  urgency: oneOf(URGENCIES),
  reasons: many(oneOf(REFERRAL_REASONS), REFERRAL_REASONS.length).pipe(z.array(z.string()).min(1)),
  dueDate: date,
  note: optionalFreeText(REFERRAL_LIMITS.textLength),
  language,
  sections: many(oneOf(PLAIN_SECTIONS), PLAIN_SECTIONS.length),
  noteIds: many(id, REFERRAL_LIMITS.notes),
  attachmentIds: many(id, REFERRAL_LIMITS.attachments),
};

export const draftForm = form(draftFields);
export const draftEditForm = form({ ...draftFields, version });

/** The partner list's filter (a GET form): a service and a country, each optional. */
export const partnerFilter = z.strictObject({
  service: z.union([oneOf(LOOKUPS.serviceType), z.literal('')]).optional(),
  country: z.union([line().regex(/^[A-Z]{2}$/), z.literal('')]).optional(),
  lng: z.string().max(12).optional(),
});

/** Sending: nothing, or (a supervisor without recorded consent) the reason to send anyway. */
export const sendForm = form({ overrideReason: optionalFreeText(REFERRAL_LIMITS.textLength) });
export const snapshotForm = form({});
export const revokeForm = form({ note: optionalFreeText(REFERRAL_LIMITS.textLength), language });
export const deliveryForm = form({ method: oneOf(DELIVERY_METHODS), date });
export const answerForm = form({
  move: oneOf(REFERRAL_MOVE_NAMES),
  date,
  reason: z.union([oneOf(DECLINE_REASONS), z.literal('')]).optional().default(''),
  note: optionalFreeText(REFERRAL_LIMITS.textLength),
  language,
});

labelFields('referrals/form', {
  toOrganisationId: 'referrals:fields.partner',
  service: 'referrals:fields.service',
  urgency: 'referrals:fields.urgency',
  reasons: 'referrals:fields.reasons',
  dueDate: 'referrals:fields.dueDate',
  note: 'referrals:fields.note',
  language: 'referrals:fields.language',
  sections: 'referrals:fields.sections',
  noteIds: 'referrals:fields.notes',
  attachmentIds: 'referrals:fields.attachments',
});
labelFields('referrals/show', {
  overrideReason: 'referrals:fields.overrideReason',
  note: 'referrals:fields.revokeNote',
  language: 'referrals:fields.language',
  method: 'referrals:fields.deliveryMethod',
  date: 'referrals:fields.date',
  move: 'referrals:fields.answer',
  reason: 'referrals:fields.declineReason',
});
