/**
 * The snapshot of a referral (models/referral.ts `snapshot`): the sections the caseworker chose,
 * copied out of the case as they are now, and nothing else. The partner's pages and the PDF form are
 * built from it alone, so a section that was not chosen is never read into it: each section is read
 * only when its name is in the referral's `sections`, and notes and attachments only by the ids chosen.
 */
import type { TFunction } from 'i18next';
import type { Types } from 'mongoose';
import { CARE_DOMAINS } from '../../domain/assessments.js';
import { backgroundI18n } from '../../lib/i18n/index.js';
import { AssessmentModel } from '../../models/assessment.js';
import { AttachmentModel } from '../../models/attachment.js';
import { CarePlanModel } from '../../models/care-plan.js';
import { CaseNoteModel } from '../../models/case-note.js';
import type { Referral } from '../../models/referral.js';
import { trusted } from '../auth/trusted.js';
import { identityOf, unseal, type LeanCase } from '../cases/records.js';
import type { ReferralSnapshot } from './referrals.js';

/** An attachment as the snapshot lists it: `fileId` is the referral's own copy (services/referrals/file-copies.ts). */
export type SnapshotFile = NonNullable<ReferralSnapshot['attachments']>[number];

type Choices = Pick<Referral, 'sections' | 'noteIds' | 'attachmentIds' | 'service' | 'locale'>;

/** A goal still holding its domain's default text is written in the partner's language (one instance, outside any request). */
async function translatorFor(locale: string): Promise<TFunction> {
  return (await backgroundI18n()).getFixedT(locale);
}

/** A referral's list of chosen ids (mongoose types them as a document array). */
export function idList(ids: unknown): Types.ObjectId[] {
  return Array.isArray(ids) ? (ids as Types.ObjectId[]) : [];
}

const isoDay = (d: Date | null | undefined): string => (d ? d.toISOString().slice(0, 10) : '');

async function assessmentSection(caseId: Types.ObjectId): Promise<ReferralSnapshot['assessment']> {
  const latest = await AssessmentModel.findOne(trusted({ caseId })).sort({ date: -1, createdAt: -1 }).lean();
  if (!latest) return undefined;
  const scores = (latest.scores ?? {}) as Record<string, number | undefined>;
  const notes = unseal<{ overall?: string }>(latest.secret, {});
  return {
    type: latest.type,
    date: isoDay(latest.date),
    scores: CARE_DOMAINS.filter((d) => typeof scores[d] === 'number').map((d) => ({ domain: d, score: scores[d]! })),
    summary: notes.overall ? { text: notes.overall, language: latest.language } : undefined,
  };
}

/** The goals of the approved plan in force that have an intervention of this service. */
async function goalsSection(caseId: Types.ObjectId, service: string, locale: string): Promise<NonNullable<ReferralSnapshot['goals']>> {
  const plan = await CarePlanModel.findOne(trusted({ caseId, status: 'approved' })).sort({ version: -1 }).lean();
  if (!plan) return [];
  const t = await translatorFor(locale);
  return plan.goals
    .filter((g) => g.interventions.some((i) => i.service === service))
    .map((g) => ({
      domain: g.domain,
      text: g.defaultText || !g.secret ? { text: t(`care-plans:defaultGoal.${g.domain}`), language: locale } : { text: unseal<{ text: string }>(g.secret, { text: '' }).text, language: g.language },
      targetDate: isoDay(g.targetDate),
    }));
}

async function notesSection(caseId: Types.ObjectId, noteIds: readonly Types.ObjectId[]): Promise<NonNullable<ReferralSnapshot['notes']>> {
  if (noteIds.length === 0) return [];
  const notes = await CaseNoteModel.find(trusted({ caseId, _id: { $in: [...noteIds] } })).sort({ date: 1, _id: 1 }).lean();
  return notes.map((n) => ({ date: isoDay(n.date), type: n.type, text: { text: unseal<{ text: string }>(n.secret, { text: '' }).text, language: n.language } }));
}

/** The chosen attachments as a preview lists them, before any copy exists (`fileId` is then empty: nothing to download). */
async function attachmentsPreview(caseId: Types.ObjectId, attachmentIds: readonly Types.ObjectId[]): Promise<SnapshotFile[]> {
  if (attachmentIds.length === 0) return [];
  const rows = await AttachmentModel.find(trusted({ caseId, complete: true, _id: { $in: [...attachmentIds] } })).sort({ createdAt: 1 }).lean();
  return rows.map((a) => ({ fileId: '', kind: a.kind, type: a.type, size: a.size, name: unseal<{ name: string }>(a.secretName, { name: '' }).name }));
}

/**
 * The snapshot of a referral's choices, read from the case now. `copies` are the referral's own copies
 * of the chosen attachments (at sending); without them, as in a preview, the attachments are listed
 * from the case's files and cannot be downloaded.
 */
export async function buildSnapshot(c: LeanCase, r: Choices, copies?: readonly SnapshotFile[]): Promise<ReferralSnapshot> {
  const chosen = new Set(r.sections ?? []);
  const snapshot: ReferralSnapshot = {};
  if (chosen.has('identification')) {
    const who = identityOf(c);
    snapshot.identification = {
      givenName: who.givenName,
      familyName: who.familyName,
      givenNameLocal: who.givenNameLocal,
      familyNameLocal: who.familyNameLocal,
      nickname: who.nickname,
      sex: c.child.sex ?? '',
      dateOfBirth: who.dateOfBirth,
      estimatedAge: who.estimatedAge,
      nationality: c.child.nationality ?? '',
      languages: [...(c.child.languages ?? [])],
      disability: c.child.disability ?? '',
    };
  }
  if (chosen.has('contact')) {
    const where = identityOf(c);
    snapshot.contact = { placement: c.child.placement ?? '', location: where.location, school: where.school };
  }
  if (chosen.has('family')) {
    // Relationship and role only: family members' names, ages and contacts are never shared.
    snapshot.family = { members: c.family.map((m) => ({ relationship: m.relationship, livesWithChild: Boolean(m.livesWithChild), guardian: Boolean(m.guardian), exploitationRole: m.exploitationRole })) };
  }
  if (chosen.has('assessment')) {
    const assessment = await assessmentSection(c._id);
    if (assessment) snapshot.assessment = assessment;
  }
  if (chosen.has('goals')) snapshot.goals = await goalsSection(c._id, r.service, r.locale);
  if (chosen.has('notes')) snapshot.notes = await notesSection(c._id, idList(r.noteIds));
  if (chosen.has('attachments')) snapshot.attachments = copies ? [...copies] : await attachmentsPreview(c._id, idList(r.attachmentIds));
  return snapshot;
}
