/**
 * The partner portal's forms and query (SECURITY.md I1, C5): strict, capped, codes from
 * domain/referrals.ts. A move is one of the partner's moves by name; the sender's (send, revoke) are
 * refused here as an unknown value, before anything is loaded.
 */
import { z } from 'zod';
import { LOCALES } from '../../domain/locales.js';
import { DECLINE_REASONS, REFERRAL_LIMITS, REFERRAL_STATUSES } from '../../domain/referrals.js';
import { INBOX_FILTERS } from '../../services/partner/inbox.js';
import { PARTNER_MOVES } from '../../services/partner/portal.js';
import { form, freeText, labelFields, line, optionalFreeText } from '../forms.js';

const language = z.enum(LOCALES);

export const inboxQuery = z.strictObject({
  filter: z.enum(INBOX_FILTERS).optional().default('open'),
  after: z.string().max(40).optional(),
  before: z.string().max(40).optional(),
  done: z.string().max(20).optional(),
  lng: z.string().max(20).optional(),
});

export const moveForm = form({
  move: z.enum(PARTNER_MOVES as [string, ...string[]]),
  reason: z.union([z.enum(DECLINE_REASONS), z.literal('')]).optional().default(''),
  note: optionalFreeText(REFERRAL_LIMITS.textLength),
  language: language.optional(),
  /** The state the page showed, so a refusal can tell a move someone else made first from a wrong one. */
  status: z.enum(REFERRAL_STATUSES).optional(),
});

export const messageForm = form({ text: freeText(REFERRAL_LIMITS.messageLength), language });

export const translationForm = form({ field: line().min(1).max(40), language, text: freeText(REFERRAL_LIMITS.textLength) });

/** The page of a referral holds all three forms: each error names its field. */
labelFields('partner/show', {
  move: 'partner:moves.label',
  reason: 'partner:moves.reason',
  note: 'partner:moves.note',
  text: 'partner:thread.text',
  field: 'partner:translate.field',
  language: 'partner:fields.language',
});
labelFields('partner/message-refused', { text: 'partner:thread.text', language: 'partner:fields.language' });
labelFields('partner/translation-refused', { field: 'partner:translate.field', language: 'partner:fields.language', text: 'partner:translate.text' });
