/**
 * `npm run cli -- assessments:adopt-family`: before assessments existed, a case held one family
 * situation rating (`familyAssessment`: a code, sealed notes, who and when). This turns each into a
 * `needs` assessment that scores only the family domain (safe 5, safe with support 4, not yet safe 2,
 * unsafe 1, not assessed: no score), its notes moved sealed as they were, and removes the old field.
 *
 * Each case is one transaction: the old field is unset only if still there, the assessment is made,
 * the case's facts are rewritten; so a case is adopted exactly once, and a second run (or a run that
 * meets a case another run did) changes nothing. Cases are visited in `_id` order and the position is
 * kept in `system_state`, so a stopped run resumes where it was. Moving the rating is not an edit of the
 * case: its version and `updatedAt` stay, so an edit form opened before the run still saves.
 *
 * The case history walks back from the case as it is now; once the field is gone it could no longer
 * tell what the last family rating change set, so that entry is given its new value, sealed.
 */
import { Types } from 'mongoose';
import { familyRatingScore, type Score } from '../../domain/assessments.js';
import { startOfDay } from '../../domain/cases.js';
import { clock } from '../../lib/clock.js';
import { inTransaction } from '../../lib/db/index.js';
import { AssessmentModel } from '../../models/assessment.js';
import { CaseChangeModel } from '../../models/case-change.js';
import { CaseModel } from '../../models/case.js';
import { OrganisationModel } from '../../models/organisation.js';
import { audit } from '../audit/audit.js';
import { trusted } from '../auth/trusted.js';
import { readCheckpoint, writeCheckpoint } from '../checkpoints.js';
import { seal, unseal, type LeanCase } from '../cases/records.js';
import { refreshCaseFacts } from '../facts/facts.js';

const STATE_ID = 'assessments-adopt-family';
const BATCH = 200;

/** The old rating of a case as it is stored (empty strings where there is none). */
export function legacyFamilyAssessment(c: Pick<LeanCase, 'familyAssessment'>) {
  const a = c.familyAssessment;
  const secret = unseal<{ text?: string; language?: string }>(a?.secret, {});
  return { rating: a?.rating ?? '', text: secret.text ?? '', language: secret.language ?? '', at: a?.at ?? undefined, by: a?.by ? String(a.by) : '' };
}

export interface AdoptProgress {
  done: number;
  total: number;
}

export interface AdoptReport {
  /** Cases whose rating became an assessment. */
  adopted: number;
  /** Cases whose old field held nothing to keep ("not assessed", no notes): the field was only removed. */
  cleared: number;
  /** The last case id of the stopped run this one went on from. */
  resumedFrom?: string | undefined;
}

interface Checkpoint {
  lastId?: string;
  finished?: boolean;
}

type Stored = Pick<LeanCase, '_id' | 'organisationId' | 'intake' | 'familyAssessment'>;

/** Whether the case still holds an old rating of any kind (even an empty sub-document). */
const HAS_RATING = { familyAssessment: { $exists: true } };

/** One case, in one transaction; what happened to it, or undefined when another run got there first. */
async function adoptOne(c: Stored, fallbackLanguage: string): Promise<'adopted' | 'cleared' | undefined> {
  const old = legacyFamilyAssessment(c);
  const score: Score | undefined = familyRatingScore(old.rating);
  const keep = score !== undefined || old.text.trim() !== '';
  return inTransaction(async () => {
    const res = await CaseModel.updateOne(trusted({ _id: c._id, ...HAS_RATING }), { $unset: { familyAssessment: 1 } }, { timestamps: false });
    if (res.modifiedCount !== 1) return undefined;
    if (old.rating || old.text) {
      const last = await CaseChangeModel.findOne(trusted({ caseId: c._id, kind: 'assessment' })).sort({ at: -1 }).select({ next: 1 }).lean();
      if (last && !last.next) await CaseChangeModel.updateOne({ _id: last._id }, { $set: { next: seal({ familyAssessment: { rating: old.rating, text: old.text } }) } });
    }
    if (!keep) return 'cleared';
    const at = old.at ?? c.intake?.date ?? clock.now();
    await AssessmentModel.create([{
      caseId: c._id,
      organisationId: c.organisationId,
      type: 'needs',
      date: startOfDay(at),
      scores: score === undefined ? {} : { family: score },
      language: old.language || fallbackLanguage,
      secret: seal({ overall: undefined, domains: old.text.trim() ? { family: old.text.trim() } : {} }),
      recordedBy: old.by ? new Types.ObjectId(old.by) : undefined,
      createdAt: at,
      adoptedFrom: 'family_rating',
    }] as Parameters<typeof AssessmentModel.create>[0][]);
    await refreshCaseFacts(c._id);
    return 'adopted';
  });
}

/** The language of an organisation's notes when an old rating did not say (its preferred locale). */
async function languageOf(organisationId: Types.ObjectId, known: Map<string, string>): Promise<string> {
  const key = String(organisationId);
  if (!known.has(key)) {
    const org = await OrganisationModel.findOne(trusted({ _id: organisationId })).select({ preferredLocale: 1 }).lean();
    known.set(key, org?.preferredLocale ?? 'en');
  }
  return known.get(key)!;
}

export async function adoptFamilyRatings(onProgress: (p: AdoptProgress) => void = () => undefined): Promise<AdoptReport> {
  const checkpoint = await readCheckpoint<Checkpoint>(STATE_ID);
  const resume = checkpoint && !checkpoint.finished && checkpoint.lastId ? checkpoint.lastId : undefined;
  const report: AdoptReport = { adopted: 0, cleared: 0, resumedFrom: resume };
  let lastId = resume ? new Types.ObjectId(resume) : undefined;
  const total = await CaseModel.estimatedDocumentCount();
  let done = lastId ? await CaseModel.countDocuments(trusted({ _id: { $lte: lastId } })) : 0;
  const languages = new Map<string, string>();
  onProgress({ done, total });
  for (;;) {
    // Every case in `_id` order (the `_id` index), those without an old rating skipped here.
    const batch = (await CaseModel.find(trusted(lastId ? { _id: { $gt: lastId } } : {}))
      .sort({ _id: 1 })
      .limit(BATCH)
      .select({ organisationId: 1, intake: 1, familyAssessment: 1 })
      .lean()) as unknown as Stored[];
    if (batch.length === 0) break;
    for (const c of batch) {
      if (c.familyAssessment === undefined || c.familyAssessment === null) continue;
      const outcome = await adoptOne(c, await languageOf(c.organisationId, languages));
      if (outcome) report[outcome] += 1;
      if (outcome === 'adopted') await audit({}, { action: 'assessment_create', outcome: 'success', recordType: 'case', recordId: String(c._id) });
    }
    lastId = batch[batch.length - 1]!._id;
    done += batch.length;
    await writeCheckpoint(STATE_ID, { lastId: String(lastId) });
    onProgress({ done, total: Math.max(total, done) });
  }
  await writeCheckpoint(STATE_ID, { finished: true });
  return report;
}
