/**
 * Legal cases (DOMAIN.md "Legal case"): the criminal case against the offenders, in which the child is
 * often the key witness. The code lists here are stored on records and labelled in locales/<lng>/legal.json;
 * the status machine says which moves a criminal case really takes. Pure: no imports beyond the domain.
 */
import { isIsoDate } from './cases.js';

export const LEGAL_STATUSES = ['investigation', 'filed', 'trial', 'verdict', 'appeal', 'closed'] as const;
export type LegalStatus = (typeof LEGAL_STATUSES)[number];

/** Who holds the complaint now (the office's own name, which can locate the child, is sealed text). */
export const AUTHORITIES = ['police', 'prosecutor', 'court', 'labour_inspectorate', 'immigration', 'social_welfare', 'other'] as const;

export const CHARGES = [
  'online_sexual_exploitation',
  'trafficking_in_persons',
  'abuse_material_production',
  'abuse_material_distribution',
  'rape_sexual_assault',
  'child_abuse',
  'other',
] as const;

/** How each offender is related to the child; a parent or relative is often the facilitator. */
export const OFFENDER_RELATIONSHIPS = ['stranger', 'online_contact', 'relative', 'household_facilitator', 'acquaintance', 'other'] as const;

export const HEARING_KINDS = ['preliminary_investigation', 'bail', 'arraignment', 'pre_trial', 'trial', 'child_testimony', 'promulgation', 'appeal', 'other'] as const;

export const HEARING_OUTCOMES = ['held', 'child_testified', 'postponed', 'cancelled', 'verdict_delivered', 'other'] as const;
/** Outcomes that say the hearing took place, so it cannot lie in the future. Postponed or cancelled can be known ahead. */
export const OUTCOMES_AFTER_THE_DAY: readonly string[] = ['held', 'child_testified', 'verdict_delivered', 'other'];

export const VERDICTS = ['convicted', 'convicted_lesser', 'plea', 'acquitted', 'dismissed', 'other'] as const;

export const SUPPORT_KINDS = [
  'preparation',
  'accompaniment',
  'video_link',
  'screen',
  'closed_hearing',
  'recorded_interview',
  'support_person',
  'interpreter',
  'legal_representation',
  'counselling',
  'protection_order',
  'transport',
  'other',
] as const;

export const CLOSE_REASONS = ['withdrawn', 'no_probable_cause', 'offender_not_identified', 'dismissed', 'offender_at_large', 'offender_deceased', 'final_judgment', 'other'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

/** The most offenders one legal case records (a network case in the Philippines can name many). */
export const MAX_OFFENDERS = 12;

/**
 * The status machine. It follows the way a criminal case for the sexual exploitation of a child goes
 * in the Philippines (complaint, preliminary investigation by the prosecutor, information filed in
 * court, arraignment, trial, promulgation of judgment, appeal to the Court of Appeals and the Supreme
 * Court), in Cambodia (police, prosecutor, investigating judge, trial chamber, Appeal Court, Supreme
 * Court) and in Thailand (police inquiry, public prosecutor, indictment, Court of First Instance,
 * Appeal Court, Supreme Court):
 * - investigation -> filed: the prosecutor finds probable cause and files the case in court (the
 *   information in the Philippines, the indictment in Thailand, charging by the investigating judge in
 *   Cambodia).
 * - filed -> trial: arraignment and pre-trial are done, the trial begins.
 * - filed -> verdict: the accused pleads guilty (to the charge, or to a lesser one under plea
 *   bargaining) and is sentenced without a full trial.
 * - filed -> investigation: the court sends the case back for reinvestigation (PH Rules of Court 112),
 *   or the Cambodian trial chamber returns it to the investigating judge.
 * - trial -> verdict: the judgment is promulgated.
 * - verdict -> appeal: the accused or the prosecution appeals.
 * - appeal -> verdict: the appeal court decides (affirmed, reversed or modified: a verdict again, which
 *   may be appealed again to the highest court).
 * - appeal -> trial: the appeal court sets the judgment aside and sends the case back for a new trial.
 * - any open stage -> closed, with a reason that applies at that stage: a complaint withdrawn or
 *   dismissed for want of probable cause, an offender never identified or at large (the case is
 *   archived), the death of the accused, or a judgment that became final.
 * `closed` is final: a complaint refiled later (new evidence, an offender found) is a new legal case.
 * Any other move is refused (422) and changes nothing.
 */
const TRANSITIONS: Readonly<Record<LegalStatus, readonly LegalStatus[]>> = {
  investigation: ['filed', 'closed'],
  filed: ['trial', 'verdict', 'investigation', 'closed'],
  trial: ['verdict', 'closed'],
  verdict: ['appeal', 'closed'],
  appeal: ['verdict', 'trial', 'closed'],
  closed: [],
};

/** The stages a legal case is recorded at when the NGO first records it (a child may come into care mid-trial). */
export const STARTING_STATUSES: readonly LegalStatus[] = ['investigation', 'filed', 'trial'];

/** The reasons a legal case closes with, by the stage it closes from. */
export const CLOSE_REASONS_FROM: Readonly<Record<Exclude<LegalStatus, 'closed'>, readonly CloseReason[]>> = {
  investigation: ['withdrawn', 'no_probable_cause', 'offender_not_identified', 'offender_deceased', 'other'],
  filed: ['withdrawn', 'dismissed', 'offender_at_large', 'offender_deceased', 'other'],
  trial: ['withdrawn', 'dismissed', 'offender_at_large', 'offender_deceased', 'other'],
  verdict: ['final_judgment', 'other'],
  appeal: ['final_judgment', 'dismissed', 'offender_deceased', 'other'],
};

export function isLegalStatus(value: unknown): value is LegalStatus {
  return typeof value === 'string' && (LEGAL_STATUSES as readonly string[]).includes(value);
}

/** Whether the machine allows the move. */
export function mayMoveLegal(from: LegalStatus, to: LegalStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The states a legal case may move to from this one. */
export function nextLegalStatuses(from: LegalStatus): readonly LegalStatus[] {
  return TRANSITIONS[from];
}

export function closeReasonsFrom(from: LegalStatus): readonly CloseReason[] {
  return from === 'closed' ? [] : CLOSE_REASONS_FROM[from];
}

/** A verdict is held in these states (a closed case keeps the verdict it was closed with, if any). */
export function holdsVerdict(status: LegalStatus, closedFrom?: LegalStatus): boolean {
  return status === 'verdict' || status === 'appeal' || (status === 'closed' && (closedFrom === 'verdict' || closedFrom === 'appeal'));
}

/** What a status change asks for. */
export interface LegalMove {
  to: string;
  date: string;
  verdict: string;
  reason: string;
}

/**
 * What is wrong with a move, field by field (message keys): the move itself (`to`, refused by the
 * machine) or what it needs: a day that is not in the future, a verdict when it reaches a verdict
 * (and none otherwise), a closing reason that applies at this stage.
 */
export function moveProblems(from: LegalStatus, move: LegalMove, today: string): Record<string, string> {
  if (!isLegalStatus(move.to) || !mayMoveLegal(from, move.to)) return { to: 'legal:errors.transition' };
  const fields: Record<string, string> = {};
  if (!isIsoDate(move.date) || move.date > today) fields.date = 'legal:errors.pastDate';
  if (move.to === 'verdict') {
    if (!(VERDICTS as readonly string[]).includes(move.verdict)) fields.verdict = 'legal:errors.verdictRequired';
  } else if (move.verdict) {
    fields.verdict = 'legal:errors.verdictOnlyAtVerdict';
  }
  if (move.to === 'closed') {
    if (!(CLOSE_REASONS as readonly string[]).includes(move.reason)) fields.reason = 'common:form.required';
    else if (!closeReasonsFrom(from).includes(move.reason as CloseReason)) fields.reason = 'legal:errors.reasonNotNow';
  } else if (move.reason) {
    fields.reason = 'legal:errors.reasonOnlyClosing';
  }
  return fields;
}

/** The stored shape of a legal case the rules look at. */
export interface LegalState {
  status: string;
  verdict?: string | null | undefined;
  closedFrom?: string | null | undefined;
  closeReason?: string | null | undefined;
  charges?: readonly string[] | null | undefined;
}

/**
 * Whether a stored legal case is in a state the rules allow: a known status, a verdict exactly when
 * the status holds one, a closing reason (that applies to the stage it closed from) exactly when closed.
 * The property test checks every stored legal case with this.
 */
export function legalStateProblems(s: LegalState): string[] {
  const problems: string[] = [];
  if (!isLegalStatus(s.status)) return [`unknown status ${s.status}`];
  const closedFrom = isLegalStatus(s.closedFrom) ? s.closedFrom : undefined;
  if (holdsVerdict(s.status, closedFrom) !== Boolean(s.verdict)) problems.push(`verdict ${s.verdict ?? 'none'} in ${s.status}`);
  if (s.verdict && !(VERDICTS as readonly string[]).includes(s.verdict)) problems.push(`unknown verdict ${s.verdict}`);
  if (s.status === 'closed') {
    if (!closedFrom || closedFrom === 'closed') problems.push('closed without the stage it closed from');
    else if (!closeReasonsFrom(closedFrom).includes(s.closeReason as CloseReason)) problems.push(`reason ${s.closeReason ?? 'none'} closing from ${closedFrom}`);
  } else if (s.closeReason || s.closedFrom) {
    problems.push(`closing details on a ${s.status} case`);
  }
  if ((s.charges ?? []).some((c) => !(CHARGES as readonly string[]).includes(c))) problems.push('unknown charge');
  return problems;
}
