/**
 * Referrals to partner organisations (DOMAIN.md "Referral"; SECURITY.md C3, C4): the code lists a
 * referral stores, the sections a caseworker may share, and the status machine with the side of the
 * referral that may take each move. Pure: no imports beyond the domain.
 */
export const REFERRAL_STATUSES = ['draft', 'sent', 'acknowledged', 'accepted', 'declined', 'in_progress', 'completed', 'revoked'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/** States that end a referral: nothing moves it again. */
export const FINAL_STATUSES: readonly ReferralStatus[] = ['declined', 'completed', 'revoked'];

/** States in which the referral is with the partner (the sender may revoke it; the partner sees it). */
export const OPEN_STATUSES: readonly ReferralStatus[] = ['sent', 'acknowledged', 'accepted', 'in_progress'];

/** How soon the partner should act. */
export const URGENCIES = ['immediate', 'within_72_hours', 'within_2_weeks', 'routine'] as const;

/** Why the child is referred (several may apply). */
export const REFERRAL_REASONS = [
  'safe_placement',
  'medical_care',
  'forensic_examination',
  'mental_health_support',
  'counselling',
  'education_enrolment',
  'legal_representation',
  'family_tracing',
  'repatriation',
  'livelihood_support',
  'case_transfer',
  'other',
] as const;

/** Why a partner declines a referral. */
export const DECLINE_REASONS = ['no_capacity', 'outside_mandate', 'outside_area', 'age_out_of_range', 'service_unavailable', 'duplicate', 'other'] as const;

/** How a referral reached an organisation that has no Haven account. */
export const DELIVERY_METHODS = ['hand', 'post', 'email'] as const;

/**
 * The parts of a case a caseworker may share, chosen one by one (minimum necessary). Notes and
 * attachments are shared one record at a time; goals are those of the care plan that this referral's
 * service serves.
 */
export const REFERRAL_SECTIONS = ['identification', 'contact', 'family', 'assessment', 'goals', 'notes', 'attachments'] as const;
export type ReferralSection = (typeof REFERRAL_SECTIONS)[number];

/** Which organisation takes a move: the NGO that sent the referral, or the partner it is addressed to. */
export type ReferralSide = 'sender' | 'partner';

/** A move, named by what it does, with the state it leads to. */
export const REFERRAL_MOVES = {
  send: { from: ['draft'], to: 'sent', side: 'sender' },
  acknowledge: { from: ['sent'], to: 'acknowledged', side: 'partner' },
  accept: { from: ['acknowledged'], to: 'accepted', side: 'partner' },
  decline: { from: ['sent', 'acknowledged'], to: 'declined', side: 'partner' },
  start: { from: ['accepted'], to: 'in_progress', side: 'partner' },
  complete: { from: ['in_progress'], to: 'completed', side: 'partner' },
  revoke: { from: ['sent', 'acknowledged', 'accepted', 'in_progress'], to: 'revoked', side: 'sender' },
} as const satisfies Record<string, { from: readonly ReferralStatus[]; to: ReferralStatus; side: ReferralSide }>;
export type ReferralMove = keyof typeof REFERRAL_MOVES;
export const REFERRAL_MOVE_NAMES = Object.keys(REFERRAL_MOVES) as ReferralMove[];

export function isReferralMove(value: unknown): value is ReferralMove {
  return typeof value === 'string' && Object.hasOwn(REFERRAL_MOVES, value);
}

export function isFinal(status: ReferralStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/** Whether the move may be taken from this state (the side is checked by who asks, not here). */
export function mayMove(status: ReferralStatus, move: ReferralMove): boolean {
  return (REFERRAL_MOVES[move].from as readonly ReferralStatus[]).includes(status);
}

/** The moves one side may take from a state, in the order a form offers them. */
export function movesFor(status: ReferralStatus, side: ReferralSide): ReferralMove[] {
  return REFERRAL_MOVE_NAMES.filter((m) => REFERRAL_MOVES[m].side === side && mayMove(status, m));
}

/**
 * For an organisation without Haven accounts, the caseworker records the partner's answers as they
 * come (by phone, post or in person), so the sender may take the partner's moves too.
 */
export function movesForOffline(status: ReferralStatus): ReferralMove[] {
  return REFERRAL_MOVE_NAMES.filter((m) => m !== 'send' && mayMove(status, m));
}

/** A reason is needed to decline (a code) and to revoke (the caseworker says why, for the partner). */
export function moveNeedsReason(move: ReferralMove): boolean {
  return move === 'decline';
}

/** Limits on what a referral carries, so a form cannot grow a document without bound. */
export const REFERRAL_LIMITS = Object.freeze({ notes: 20, attachments: 10, reasons: REFERRAL_REASONS.length, messageLength: 4000, textLength: 4000, translations: 40 });
