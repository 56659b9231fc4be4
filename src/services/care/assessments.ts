/**
 * Assessments of a case (DOMAIN.md "Assessment"): recording one, reading one, the case page's list and
 * scores over time, and the scores a care plan is drafted from. Scores are codes in the clear; every
 * note someone typed is sealed with its language (SECURITY.md D1). Every view and change is audited (L1).
 */
import { Types } from 'mongoose';
import { CARE_DOMAINS, NOTE_MAX, assessmentProblems, isCareDomain, scoresOf, type AssessmentType, type CareDomain, type Score } from '../../domain/assessments.js';
import { Invalid, NotFound } from '../../domain/errors.js';
import { LOCALES } from '../../domain/locales.js';
import { can, type Caller } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { inTransaction } from '../../lib/db/index.js';
import { AssessmentModel } from '../../models/assessment.js';
import { parseId } from '../access.js';
import { audit } from '../audit/audit.js';
import { trusted } from '../auth/trusted.js';
import { caseInScope, seal, unseal, userNames } from '../cases/records.js';
import { refreshCaseFacts } from '../facts/facts.js';
import { scoreSeries, type ScoreSeries } from './assessment-chart.js';

export type Scores = Partial<Record<CareDomain, Score>>;
export { scoresOf };

export interface AssessmentInput {
  type: string;
  /** `YYYY-MM-DD`. */
  date: string;
  language: string;
  scores: Scores;
  /** A note per domain, and the overall note; empty ones are not kept. */
  notes: Partial<Record<CareDomain, string>>;
  overall: string;
}

/** What is sealed: every note, and nothing else. */
interface AssessmentSecret {
  overall?: string;
  domains?: Partial<Record<CareDomain, string>>;
}

/** The sealed part of an assessment: notes of the domains, trimmed, the empty ones left out. */
export function secretOf(input: Pick<AssessmentInput, 'notes' | 'overall'>): AssessmentSecret {
  const domains: Partial<Record<CareDomain, string>> = {};
  for (const d of CARE_DOMAINS) {
    const note = input.notes[d]?.trim();
    if (note) domains[d] = note;
  }
  return { overall: input.overall.trim() || undefined, domains };
}

/** Records an assessment of a case the caller works on; its facts are rewritten in the same transaction. */
export async function recordAssessment(caller: Caller, caseId: string, input: AssessmentInput): Promise<string> {
  const c = await caseInScope(caller, caseId, 'case.update');
  const today = clock.now().toISOString().slice(0, 10);
  const problems = assessmentProblems(input, today, c.intake?.date.toISOString().slice(0, 10));
  if (!(LOCALES as readonly string[]).includes(input.language)) problems.language = 'common:form.invalid';
  for (const [domain, note] of Object.entries(input.notes)) if (!isCareDomain(domain) || (note?.length ?? 0) > NOTE_MAX) problems[`note_${domain}`] = 'common:form.tooLong';
  if (input.overall.length > NOTE_MAX) problems.overall = 'common:form.tooLong';
  if (Object.keys(problems).length > 0) throw new Invalid(problems);
  const id = await inTransaction(async () => {
    const [made] = await AssessmentModel.create([{
      caseId: c._id,
      organisationId: c.organisationId,
      type: input.type as AssessmentType,
      date: new Date(`${input.date}T00:00:00Z`),
      scores: scoresOf(input.scores),
      language: input.language,
      secret: seal(secretOf(input)),
      recordedBy: new Types.ObjectId(caller.userId),
      createdAt: clock.now(),
    }] as Parameters<typeof AssessmentModel.create>[0][]);
    await refreshCaseFacts(c._id);
    return String(made!._id);
  });
  await audit(caller, { action: 'assessment_create', outcome: 'success', recordType: 'case', recordId: caseId });
  return id;
}

/** What the form to record one needs: the case number and the intake day (the earliest date allowed). */
export async function assessmentFormFor(caller: Caller, caseId: string) {
  const c = await caseInScope(caller, caseId, 'case.update');
  await audit(caller, { action: 'case_view', outcome: 'success', recordType: 'case', recordId: caseId });
  return { id: caseId, caseNumber: c.caseNumber, intakeDate: c.intake?.date.toISOString().slice(0, 10) ?? '' };
}

/** One assessment of a case, or 404 (audited) for an id that is not one of this case's. */
async function oneOf(caller: Caller, c: { _id: Types.ObjectId }, caseId: string, assessmentId: string) {
  const found = await AssessmentModel.findOne(trusted({ _id: parseId(assessmentId), caseId: c._id })).lean();
  if (!found) {
    await audit(caller, { action: 'access_denied', outcome: 'denied', reason: 'out_of_scope', recordType: 'case', recordId: caseId });
    throw new NotFound();
  }
  return found;
}

export interface DomainReading {
  domain: CareDomain;
  score?: Score | undefined;
  note: string;
}

/** One assessment with its notes opened, for the page that reads it (audited `assessment_view`). */
export async function getAssessment(caller: Caller, caseId: string, assessmentId: string) {
  const c = await caseInScope(caller, caseId, 'case.read');
  const a = await oneOf(caller, c, caseId, assessmentId);
  const secret = unseal<AssessmentSecret>(a.secret, {});
  const scores = scoresOf(a.scores as Record<string, unknown>);
  const names = await userNames([a.recordedBy]);
  await audit(caller, { action: 'assessment_view', outcome: 'success', recordType: 'case', recordId: caseId });
  return {
    caseId,
    caseNumber: c.caseNumber,
    assessment: {
      id: assessmentId,
      type: a.type,
      date: a.date,
      day: a.date.toISOString().slice(0, 10),
      language: a.language,
      recordedAt: a.createdAt,
      recordedBy: a.recordedBy ? (names.get(String(a.recordedBy)) ?? '') : '',
      adopted: a.adoptedFrom === 'family_rating',
      overall: secret.overall ?? '',
      domains: CARE_DOMAINS.map((domain): DomainReading => ({ domain, score: scores[domain], note: secret.domains?.[domain] ?? '' })),
    },
    may: { update: can(caller.roles, 'case.update') },
  };
}

/**
 * The scores of one assessment, for drafting a care plan from it (weakestDomains picks the goals).
 * Drafting is a change, so the caller needs `case.update` on the case; anything else is 404.
 */
export async function assessmentForPlan(caller: Caller, caseId: string, assessmentId: string): Promise<{ id: string; type: AssessmentType; date: Date; scores: Partial<Record<CareDomain, Score>> }> {
  const c = await caseInScope(caller, caseId, 'case.update');
  const a = await oneOf(caller, c, caseId, assessmentId);
  await audit(caller, { action: 'assessment_view', outcome: 'success', recordType: 'case', recordId: caseId });
  return { id: assessmentId, type: a.type as AssessmentType, date: a.date, scores: scoresOf(a.scores as Record<string, unknown>) };
}

export interface AssessmentRow {
  id: string;
  type: AssessmentType;
  date: Date;
  /** `YYYY-MM-DD`, for `<time datetime>`. */
  day: string;
  createdAt: Date;
  scores: Scores;
  /** Every domain in order, for the list's columns (score undefined: not assessed). */
  cells: { domain: CareDomain; score?: Score | undefined }[];
}

/** How many assessments the case page lists and charts: years of follow-ups, quarterly, fit easily. */
export const ASSESSMENTS_SHOWN = 60;

/** A case's assessments, newest first, for a caller already allowed to read the case (no notes). */
export async function assessmentsOf(caseId: Types.ObjectId, limit = ASSESSMENTS_SHOWN): Promise<AssessmentRow[]> {
  const rows = await AssessmentModel.find(trusted({ caseId })).sort({ date: -1, createdAt: -1 }).limit(limit).select({ type: 1, date: 1, createdAt: 1, scores: 1 }).lean();
  return rows.map((r) => {
    const scores = scoresOf(r.scores as Record<string, unknown>);
    return { id: String(r._id), type: r.type as AssessmentType, date: r.date, day: r.date.toISOString().slice(0, 10), createdAt: r.createdAt, scores, cells: CARE_DOMAINS.map((domain) => ({ domain, score: scores[domain] })) };
  });
}

/** The case page's assessments section: the list, newest first, the scores over time, the latest family score. */
export async function caseAssessments(caseId: Types.ObjectId): Promise<{ rows: AssessmentRow[]; series: ScoreSeries; family?: { score: Score; date: Date; day: string; id: string } | undefined }> {
  const rows = await assessmentsOf(caseId);
  const latestFamily = rows.find((r) => r.scores.family !== undefined);
  return {
    rows,
    series: scoreSeries(rows),
    family: latestFamily ? { score: latestFamily.scores.family!, date: latestFamily.date, day: latestFamily.day, id: latestFamily.id } : undefined,
  };
}
