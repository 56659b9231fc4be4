/**
 * Assessments (DOMAIN.md "Records"): what a child needs, scored per domain of their life on a fixed
 * 1-5 scale, so scores can be compared over time and weak domains become care-plan goals. Pure: no
 * imports beyond the domain.
 */
import { isIsoDate } from './cases.js';

/** The domains every assessment scores and every care-plan goal belongs to. */
export const CARE_DOMAINS = ['safety', 'health', 'mental_health', 'education', 'family', 'livelihood', 'legal'] as const;
export type CareDomain = (typeof CARE_DOMAINS)[number];

/** Initial risk at intake, a needs assessment, and wellbeing follow-ups through the years of care. */
export const ASSESSMENT_TYPES = ['initial_risk', 'needs', 'wellbeing'] as const;
export type AssessmentType = (typeof ASSESSMENT_TYPES)[number];

/** 1 = severe concern, 5 = doing well; each score has a descriptor per domain in the `assessments` namespace. */
export const SCORES = [1, 2, 3, 4, 5] as const;
export type Score = (typeof SCORES)[number];

export function isCareDomain(value: unknown): value is CareDomain {
  return typeof value === 'string' && (CARE_DOMAINS as readonly string[]).includes(value);
}

export function isScore(value: unknown): value is Score {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5;
}

export function isAssessmentType(value: unknown): value is AssessmentType {
  return typeof value === 'string' && (ASSESSMENT_TYPES as readonly string[]).includes(value);
}

/** The scores as stored: only the domains scored, only valid scores (a document may hold other keys). */
export function scoresOf(stored: Readonly<Record<string, unknown>> | null | undefined): Partial<Record<CareDomain, Score>> {
  const out: Partial<Record<CareDomain, Score>> = {};
  for (const d of CARE_DOMAINS) {
    const v = stored?.[d];
    if (isScore(v)) out[d] = v;
  }
  return out;
}

/** Scores at or below this are a concern worth a care-plan goal. */
export const CONCERN_THRESHOLD = 3;

/**
 * The domains a care plan should start from: the lowest scores first, only scores of 3 or less
 * (a 4 or 5 needs no goal), at most `max`, ties in CARE_DOMAINS order. Unscored domains are left out:
 * "not assessed" says nothing about need.
 */
export function weakestDomains(scores: Partial<Record<CareDomain, Score>>, max = 3): CareDomain[] {
  return CARE_DOMAINS.filter((d) => isScore(scores[d]) && scores[d]! <= CONCERN_THRESHOLD)
    .map((domain, order) => ({ domain, score: scores[domain]!, order }))
    .sort((a, b) => a.score - b.score || a.order - b.order)
    .slice(0, Math.max(0, max))
    .map((x) => x.domain);
}

/** The most notes an assessment holds: one per domain and an overall note, each capped in length. */
export const NOTE_MAX = 5_000;

/**
 * The old family situation rating (lookup `familyAssessment`) as a family-domain score, for adopting
 * ratings recorded before assessments existed; `not_assessed` (or anything unknown) scores nothing.
 */
const FAMILY_RATING_SCORE: Readonly<Record<string, Score>> = { safe: 5, safe_with_support: 4, not_yet_safe: 2, unsafe: 1 };

export function familyRatingScore(rating: string | null | undefined): Score | undefined {
  return rating ? FAMILY_RATING_SCORE[rating] : undefined;
}

/**
 * What is wrong with an assessment's input, field by field (message keys): a known type, a calendar
 * date not in the future nor before the intake, and at least one domain scored. `today` and
 * `intakeDate` are `YYYY-MM-DD`.
 */
export function assessmentProblems(a: { type: string; date: string; scores: Partial<Record<string, unknown>> }, today: string, intakeDate?: string): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!isAssessmentType(a.type)) fields.type = 'common:form.required';
  if (!isIsoDate(a.date) || a.date > today) fields.date = 'assessments:errors.date';
  else if (intakeDate && a.date < intakeDate) fields.date = 'assessments:errors.beforeIntake';
  for (const [domain, score] of Object.entries(a.scores)) {
    if (!isCareDomain(domain) || (score !== undefined && !isScore(score))) fields[`score_${domain}`] = 'common:form.invalid';
  }
  if (!CARE_DOMAINS.some((d) => isScore(a.scores[d]))) fields._form = 'assessments:errors.noScore';
  return fields;
}

/** One point of a domain's scores over time. */
export interface ScorePoint {
  date: Date;
  score: Score;
}

/**
 * First and latest score of each domain scored at all, by assessment date then by when it was
 * recorded: what the reports count as wellbeing over time.
 */
export function firstAndLatest<T extends { date: Date; createdAt: Date; scores: Partial<Record<CareDomain, Score>> }>(assessments: readonly T[]) {
  const ordered = [...assessments].sort((a, b) => a.date.getTime() - b.date.getTime() || a.createdAt.getTime() - b.createdAt.getTime());
  const out: { domain: CareDomain; first: Score; firstAt: Date; latest: Score; latestAt: Date }[] = [];
  for (const domain of CARE_DOMAINS) {
    const scored = ordered.filter((a) => isScore(a.scores[domain]));
    if (scored.length === 0) continue;
    const first = scored[0]!;
    const latest = scored[scored.length - 1]!;
    out.push({ domain, first: first.scores[domain]!, firstAt: first.date, latest: latest.scores[domain]!, latestAt: latest.date });
  }
  return out;
}
