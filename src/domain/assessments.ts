/**
 * Assessments (DOMAIN.md "Records"): what a child needs, scored per domain of their life on a fixed
 * 1-5 scale, so scores can be compared over time and weak domains become care-plan goals.
 */

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
