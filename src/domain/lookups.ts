/**
 * Lookups (I18N.md "Rules"; DOMAIN.md): codes stored on records, each with a label in every locale under
 * `lookups:<list>.<code>`. Records never store a translated label. Pure data: no imports.
 */
export const LOOKUPS = {
  riskLevel: ['low', 'medium', 'high', 'critical'],
  exploitationType: [
    'livestream_abuse',
    'abuse_images',
    'online_grooming',
    'trafficking_sexual',
    'trafficking_labour',
    'travelling_offender',
    'commercial_sexual_exploitation',
    'other',
  ],
  identifiedBy: ['police_operation', 'hotline_report', 'ngo_outreach', 'school', 'health_worker', 'community', 'family', 'self_disclosure', 'other'],
  intakeSource: ['police', 'social_welfare', 'ngo', 'court', 'hospital', 'school', 'community', 'international_referral', 'other'],
  sex: ['female', 'male', 'intersex', 'not_recorded'],
  placement: ['family', 'shelter', 'foster', 'kinship'],
  disability: ['none', 'physical', 'sensory', 'intellectual', 'psychosocial', 'multiple', 'not_known'],
  relationship: ['mother', 'father', 'stepmother', 'stepfather', 'grandmother', 'grandfather', 'aunt', 'uncle', 'sibling', 'cousin', 'legal_guardian', 'other_relative', 'other'],
  exploitationRole: ['none', 'suspected', 'confirmed'],
  familyAssessment: ['safe', 'safe_with_support', 'not_yet_safe', 'unsafe', 'not_assessed'],
  consentPurpose: ['services', 'referral', 'reporting'],
  consentGivenBy: ['child_assent', 'guardian', 'court_order'],
  noteType: ['home_visit', 'phone', 'office_visit', 'counselling', 'court_accompaniment', 'school_visit', 'health_visit', 'case_conference', 'other'],
  closureReason: ['reintegrated_family', 'kinship_care', 'foster_care', 'independent_living', 'transferred', 'turned_18', 'death', 'lost_contact', 'duplicate', 'not_within_mandate', 'moved_away', 'other'],
  reopenReason: ['new_risk', 'placement_breakdown', 'returned_to_services', 'closed_in_error', 'other'],
  attachmentKind: ['identity_document', 'consent_form', 'medical', 'school', 'legal', 'photo', 'other'],
  /** What an organisation offers (its profile) and what a referral or an intervention asks for. */
  serviceType: ['case_management', 'shelter', 'alternative_care', 'family_support', 'counselling', 'mental_health', 'health', 'education', 'livelihood', 'legal_aid', 'social_welfare'],
} as const;

export type LookupList = keyof typeof LOOKUPS;
export type LookupCode<L extends LookupList> = (typeof LOOKUPS)[L][number];

export function isCode<L extends LookupList>(list: L, value: unknown): value is LookupCode<L> {
  return typeof value === 'string' && (LOOKUPS[list] as readonly string[]).includes(value);
}

/**
 * Languages a child may speak (ISO 639 codes). Names come from Intl.DisplayNames in the reader's locale;
 * where Intl has none (Karen, Mon, Cham, and many in Cebuano), from Haven's own labels,
 * `lookups:spokenLanguage.<code>`, which exist for every code here.
 */
export const SPOKEN_LANGUAGES = ['fil', 'ceb', 'hil', 'war', 'ilo', 'th', 'km', 'lo', 'my', 'vi', 'id', 'ms', 'tet', 'en', 'fr', 'zh', 'shn', 'kar', 'ksw', 'pwo', 'mnw', 'kac', 'rhg', 'hmn', 'cjm'] as const;

/** Nationalities offered first (ISO 3166-1 alpha-2); any other two-letter code is accepted too. */
export const COMMON_NATIONALITIES = ['PH', 'KH', 'TH', 'LA', 'MM', 'VN', 'ID', 'MY', 'TL', 'CN', 'SG', 'BN'] as const;
/** ISO 3166-1 alpha-2, plus `XX` for unknown and `XS` for stateless (both in use in humanitarian data). */
export const NATIONALITY = /^[A-Z]{2}$/;

/**
 * An administrative area: the country code, then up to four levels of official area codes
 * (e.g. `PH-07-072217` for a Philippine municipality, `KH-12-1201`).
 */
export const AREA_CODE = /^[A-Z]{2}(?:-[A-Z0-9]{1,12}){0,4}$/;

/** A child's location: an area code, or the name of the place as typed (one line, no control characters). */
export const LOCATION_MAX = 100;

export function isLocation(value: string): boolean {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return AREA_CODE.test(value) || (value.length <= LOCATION_MAX && value.trim() === value && !/[\u0000-\u001F\u007F-\u009F]/.test(value));
}
