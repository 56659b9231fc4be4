/**
 * Drafting a referral from a case (DOMAIN.md "Referral"): the partner, the service, how urgent, why,
 * by when, the caseworker's note to the partner, and the sections to share, chosen one by one
 * (minimum necessary). A draft is the caseworker's own work in progress: nothing reaches the partner
 * until it is sent (services/referrals/send.ts), and a draft can be edited under its version (V3).
 */
import { Types } from 'mongoose';
import { Conflict, Invalid } from '../../domain/errors.js';
import type { Caller } from '../../domain/permissions.js';
import { REFERRAL_LIMITS, type ReferralSection, type ReferralStatus } from '../../domain/referrals.js';
import { clock } from '../../lib/clock.js';
import { AttachmentModel } from '../../models/attachment.js';
import { CaseModel } from '../../models/case.js';
import { CaseNoteModel } from '../../models/case-note.js';
import { CounterModel } from '../../models/counter.js';
import { ReferralModel } from '../../models/referral.js';
import { audit } from '../audit/audit.js';
import { trusted } from '../auth/trusted.js';
import { caseInScope, seal, type LeanCase } from '../cases/records.js';
import { changeOrCreate } from '../create-if-missing.js';
import { MoveRefused, checkVersion, noteOf, referralForSender } from './referrals.js';
import { isOffline, partnerFor } from './partners.js';

/** The sections a form ticks one by one; notes and attachments are shared by ticking the records themselves. */
export const PLAIN_SECTIONS = ['identification', 'contact', 'family', 'assessment', 'goals'] as const satisfies readonly ReferralSection[];

export interface DraftInput {
  toOrganisationId: string;
  service: string;
  urgency: string;
  reasons: string[];
  /** `YYYY-MM-DD`. */
  dueDate: string;
  note: string;
  language: string;
  sections: string[];
  noteIds: string[];
  attachmentIds: string[];
}

/** The choices a draft form offers from the case: its notes (date and type) and attachments (kind and date). */
export async function caseChoices(caseId: Types.ObjectId) {
  const [notes, attachments] = await Promise.all([
    CaseNoteModel.find(trusted({ caseId })).sort({ date: -1, _id: -1 }).limit(100).select({ type: 1, date: 1 }).lean(),
    AttachmentModel.find(trusted({ caseId, complete: true })).sort({ createdAt: -1 }).limit(100).select({ kind: 1, createdAt: 1 }).lean(),
  ]);
  return {
    notes: notes.map((n) => ({ id: String(n._id), type: n.type, date: n.date })),
    attachments: attachments.map((a) => ({ id: String(a._id), kind: a.kind, date: a.createdAt })),
  };
}

/** The case a new referral starts from, with what its form offers. */
export async function newReferralForm(caller: Caller, caseId: string) {
  const c = await caseInScope(caller, caseId, 'referral.send');
  const choices = await caseChoices(c._id);
  await audit(caller, { action: 'case_view', outcome: 'success', recordType: 'case', recordId: caseId });
  return { caseId: String(c._id), caseNumber: c.caseNumber, ...choices };
}

const ids = (values: readonly string[]) => values.map((v) => (/^[0-9a-f]{24}$/i.test(v) ? new Types.ObjectId(v) : undefined));

/**
 * The stored form of a draft's choices, checked against the case: the partner must offer the service,
 * the due date may not be past, and every note and attachment chosen must be the case's own.
 */
async function draftFields(caller: Caller, c: Pick<LeanCase, '_id'>, input: DraftInput) {
  const partner = await partnerFor(caller, input.toOrganisationId, input.service);
  const today = clock.now().toISOString().slice(0, 10);
  if (input.dueDate < today) throw new Invalid({ dueDate: 'referrals:errors.dueDatePast' });
  const noteIds = ids(input.noteIds);
  const attachmentIds = ids(input.attachmentIds);
  if (noteIds.length > REFERRAL_LIMITS.notes) throw new Invalid({ noteIds: 'referrals:errors.tooManyNotes' });
  if (attachmentIds.length > REFERRAL_LIMITS.attachments) throw new Invalid({ attachmentIds: 'referrals:errors.tooManyAttachments' });
  if (noteIds.some((id) => !id) || (noteIds.length > 0 && (await CaseNoteModel.countDocuments(trusted({ caseId: c._id, _id: { $in: noteIds } }))) !== noteIds.length)) {
    throw new Invalid({ noteIds: 'common:form.invalid' });
  }
  if (attachmentIds.some((id) => !id) || (attachmentIds.length > 0 && (await AttachmentModel.countDocuments(trusted({ caseId: c._id, complete: true, _id: { $in: attachmentIds } }))) !== attachmentIds.length)) {
    throw new Invalid({ attachmentIds: 'common:form.invalid' });
  }
  const sections: ReferralSection[] = [
    ...PLAIN_SECTIONS.filter((s) => input.sections.includes(s)),
    ...(noteIds.length > 0 ? (['notes'] as const) : []),
    ...(attachmentIds.length > 0 ? (['attachments'] as const) : []),
  ];
  if (sections.length === 0) throw new Invalid({ sections: 'referrals:errors.nothingShared' });
  return {
    toOrganisationId: partner._id,
    locale: partner.preferredLocale,
    offline: await isOffline(partner._id),
    service: input.service,
    urgency: input.urgency,
    reasons: input.reasons,
    dueDate: new Date(`${input.dueDate}T00:00:00Z`),
    sections,
    noteIds: noteIds as Types.ObjectId[],
    attachmentIds: attachmentIds as Types.ObjectId[],
    secret: input.note ? seal({ text: input.note }) : undefined,
    language: input.note ? input.language : undefined,
  };
}

/** `RF-2026-00042`: the sending organisation's next referral number of the year. */
async function nextReference(organisationId: string): Promise<string> {
  const year = clock.now().getUTCFullYear();
  // Two referrals drafted at once each get their own number: the counter is created once.
  const _id = `referral:${organisationId}:${year}`;
  const counter = await changeOrCreate(
    () => CounterModel.findOneAndUpdate({ _id }, { $inc: { seq: 1 } }, { returnDocument: 'after' }).lean(),
    async () => (await CounterModel.create({ _id, seq: 1 })).toObject(),
  );
  return `RF-${year}-${String(counter.seq).padStart(5, '0')}`;
}

/** Creates a draft referral of the case; answers its id. */
export async function createDraft(caller: Caller, caseId: string, input: DraftInput): Promise<string> {
  const c = await caseInScope(caller, caseId, 'referral.send');
  const fields = await draftFields(caller, c, input);
  const now = clock.now();
  const doc = await ReferralModel.create({
    ...fields,
    reference: await nextReference(caller.organisationId),
    caseId: c._id,
    fromOrganisationId: c.organisationId,
    status: 'draft',
    statusAt: now,
    createdBy: new Types.ObjectId(caller.userId),
    demo: c.demo ?? false,
  } as Parameters<typeof ReferralModel.create>[0]);
  const created = doc as unknown as { _id: Types.ObjectId };
  await audit(caller, { action: 'referral_change', outcome: 'success', recordType: 'referral', recordId: String(created._id) });
  return String(created._id);
}

/** A draft as its edit form shows it: the values, the version, and the case's choices. */
export async function draftForEdit(caller: Caller, id: string) {
  const r = await referralForSender(caller, id, 'referral.send');
  if (r.status !== 'draft') throw new MoveRefused(r.status as ReferralStatus);
  const note = noteOf(r);
  await audit(caller, { action: 'referral_view', outcome: 'success', recordType: 'referral', recordId: id });
  return {
    referral: r,
    caseNumber: (await caseNumberOf(r.caseId)) ?? '',
    values: {
      toOrganisationId: String(r.toOrganisationId),
      service: r.service,
      urgency: r.urgency,
      reasons: [...(r.reasons ?? [])],
      dueDate: r.dueDate.toISOString().slice(0, 10),
      note: note?.text ?? '',
      language: note?.language ?? r.locale,
      sections: [...(r.sections ?? [])],
      noteIds: (r.noteIds ?? []).map(String),
      attachmentIds: (r.attachmentIds ?? []).map(String),
      version: String(r.__v ?? 0),
    },
    ...(await caseChoices(r.caseId)),
  };
}

async function caseNumberOf(caseId: Types.ObjectId): Promise<string | undefined> {
  return (await CaseModel.findOne(trusted({ _id: caseId })).select({ caseNumber: 1 }).lean())?.caseNumber;
}

/**
 * Saves a draft's new choices. The write matches only the version the form was read at and a draft
 * still, so a save from an old page, or after the referral was sent, changes nothing.
 */
export async function updateDraft(caller: Caller, id: string, version: number, input: DraftInput): Promise<void> {
  const r = await referralForSender(caller, id, 'referral.send');
  if (r.status !== 'draft') {
    await audit(caller, { action: 'referral_change', outcome: 'failure', reason: 'transition_refused', recordType: 'referral', recordId: id });
    throw new MoveRefused(r.status as ReferralStatus);
  }
  checkVersion(r, version);
  const fields = await draftFields(caller, { _id: r.caseId }, input);
  const unset = fields.secret ? {} : { secret: 1, language: 1 };
  const { secret, language, ...rest } = fields;
  const res = await ReferralModel.updateOne(
    trusted({ _id: r._id, status: 'draft', __v: version }),
    { $set: { ...rest, ...(secret ? { secret, language } : {}) }, ...(Object.keys(unset).length ? { $unset: unset } : {}), $inc: { __v: 1 } },
  );
  if (res.modifiedCount !== 1) {
    await audit(caller, { action: 'referral_change', outcome: 'failure', reason: 'stale_version', recordType: 'referral', recordId: id });
    throw new Conflict();
  }
  await audit(caller, { action: 'referral_change', outcome: 'success', recordType: 'referral', recordId: id });
}
