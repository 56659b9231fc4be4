/**
 * Translations of a referral's free text (I18N.md "a bilingual user can add a translation, recorded
 * with who and when"): a reader of both languages, on either side, adds one for the caseworker's note
 * or a text of the snapshot. The original stays as written; the translation sits beside it, sealed,
 * with its language, author, organisation, time and the snapshot version it translates. No text
 * ever leaves the server for machine translation.
 */
import { Types } from 'mongoose';
import { Invalid, NotFound } from '../../domain/errors.js';
import type { Caller } from '../../domain/permissions.js';
import { FINAL_STATUSES, REFERRAL_LIMITS, isFinal, type ReferralSide, type ReferralStatus } from '../../domain/referrals.js';
import { clock } from '../../lib/clock.js';
import { fromZawgyi } from '../../lib/i18n/zawgyi.js';
import { ReferralModel } from '../../models/referral.js';
import { audit } from '../audit/audit.js';
import { trusted } from '../auth/trusted.js';
import { seal } from '../cases/records.js';
import { MoveRefused, noteOf, openSnapshot, referralForSender, type LeanReferral, type ReferralSnapshot, type Text } from './referrals.js';

/**
 * The free-text fields of a referral that can be translated, by the names translations store:
 * `note` (the caseworker's request), `assessment.summary`, `goals.<i>`, `notes.<i>`.
 */
export function textFieldsOf(snapshot: ReferralSnapshot, note: Text | undefined): string[] {
  const out: string[] = [];
  if (note?.text) out.push('note');
  if (snapshot.assessment?.summary?.text) out.push('assessment.summary');
  snapshot.goals?.forEach((g, i) => g.text?.text && out.push(`goals.${i}`));
  snapshot.notes?.forEach((n, i) => n.text?.text && out.push(`notes.${i}`));
  return out;
}

/** The text of one field, or undefined when the referral has no such field. */
function originalOf(snapshot: ReferralSnapshot, note: Text | undefined, field: string): Text | undefined {
  if (field === 'note') return note;
  if (field === 'assessment.summary') return snapshot.assessment?.summary;
  const m = /^(goals|notes)\.(\d{1,3})$/.exec(field);
  if (!m) return undefined;
  const list = m[1] === 'goals' ? snapshot.goals : snapshot.notes;
  return list?.[Number(m[2])]?.text;
}

export interface TranslationInput {
  field: string;
  language: string;
  text: string;
}

/**
 * Adds a translation to a referral already loaded in the caller's scope (referralForSender or
 * referralForPartner). Refused (422, nothing changes): a field the referral does not have, a
 * translation into the text's own language, more than REFERRAL_LIMITS.translations, or a referral
 * that has ended. One conditional update, so a referral revoked meanwhile gets none.
 */
export async function addTranslation(caller: Caller, r: LeanReferral, side: ReferralSide, input: TranslationInput): Promise<void> {
  const status = r.status as ReferralStatus;
  if (isFinal(status)) throw new MoveRefused(status);
  // A draft is the sender's alone (the preview in the partner's language); the partner never sees one.
  if (status === 'draft' && side === 'partner') throw new NotFound();
  const text = fromZawgyi(input.text).normalize('NFC').trim();
  const fields: Record<string, string> = {};
  const original = originalOf(openSnapshot(r), noteOf(r), input.field);
  if (!original?.text) fields.field = 'partner:errors.translationField';
  else if (original.language === input.language) fields.language = 'partner:errors.sameLanguage';
  if (!text) fields.text = 'common:form.required';
  else if (text.length > REFERRAL_LIMITS.textLength) fields.text = 'common:form.tooLong';
  if ((r.translations ?? []).length >= REFERRAL_LIMITS.translations) fields._form = 'partner:errors.tooManyTranslations';
  if (Object.keys(fields).length > 0) throw new Invalid(fields);

  const translation = {
    field: input.field,
    language: input.language,
    secret: seal({ text }),
    by: new Types.ObjectId(caller.userId),
    byOrganisationId: new Types.ObjectId(caller.organisationId),
    at: clock.now(),
    snapshotVersion: r.snapshot?.version ?? 0,
  };
  // Still open, and still below the limit (a translation added meanwhile counts).
  const updated = await ReferralModel.updateOne(
    trusted({ _id: r._id, status: { $nin: [...FINAL_STATUSES] }, [`translations.${REFERRAL_LIMITS.translations - 1}`]: { $exists: false } }),
    { $push: { translations: translation }, $inc: { __v: 1 } },
  );
  if (updated.modifiedCount !== 1) {
    await audit(caller, { action: 'referral_change', outcome: 'failure', recordType: 'referral', recordId: String(r._id) });
    const now = (await ReferralModel.findOne(trusted({ _id: r._id })).select({ status: 1 }).lean()) as { status: ReferralStatus } | null;
    if (!now) throw new NotFound();
    if (isFinal(now.status)) throw new MoveRefused(now.status);
    throw new Invalid({ _form: 'partner:errors.tooManyTranslations' });
  }
  await audit(caller, { action: 'referral_change', outcome: 'success', recordType: 'referral', recordId: String(r._id) });
}

/** A translation from the sending side: staff who may send referrals, on a referral of a case they may see. */
export async function translateAsSender(caller: Caller, id: string, input: TranslationInput): Promise<void> {
  const r = await referralForSender(caller, id, 'referral.send');
  await addTranslation(caller, r, 'sender', input);
}
