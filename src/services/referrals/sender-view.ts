/**
 * The sending side's pages of a referral: the referral's own page (what was asked, of whom, every
 * step, the consent it relies on, what the partner sees), the preview of a draft in the partner's
 * language, and the referrals of a case for the case page. Each view of a referral is audited (L1).
 */
import type { Types } from 'mongoose';
import type { Caller } from '../../domain/permissions.js';
import { FINAL_STATUSES, OPEN_STATUSES, movesFor, type ReferralStatus } from '../../domain/referrals.js';
import { CaseModel } from '../../models/case.js';
import { ReferralModel } from '../../models/referral.js';
import { audit } from '../audit/audit.js';
import { trusted } from '../auth/trusted.js';
import { unseal, userNames, type LeanCase } from '../cases/records.js';
import { organisationName, partnerView } from '../partner/view.js';
import { partnerSummary } from './partners.js';
import { openSnapshot, referralForSender, type LeanReferral } from './referrals.js';
import { threadOf } from './messages.js';
import { answersFor, consentFor } from './send.js';
import { buildSnapshot } from './snapshot.js';
import { OrganisationModel } from '../../models/organisation.js';

/** The consent a referral relies on, as the case holds it, or the override that stood in for it. */
function consentOf(r: LeanReferral, c: Pick<LeanCase, 'consents'> | null, names: Map<string, string>) {
  if (r.consent?.override) {
    return { override: true, reason: unseal<{ text: string }>(r.consent.overrideSecret, { text: '' }).text, by: names.get(String(r.consent.by)) ?? '', at: r.consent.at ?? undefined };
  }
  const found = r.consent?.consentId ? (c?.consents ?? []).find((x) => String(x._id) === String(r.consent!.consentId)) : undefined;
  return found ? { override: false, givenBy: found.givenBy, date: found.date, formVersion: found.formVersion, withdrawnAt: found.withdrawnAt ?? undefined } : undefined;
}

/** The consent a draft's sending would find (C4), as the send form names it; null when there is none. */
function readyConsent(c: Pick<LeanCase, 'consents'>, r: LeanReferral): { givenBy: string; date: Date } | null {
  const found = consentFor(c, r.toOrganisationId);
  const consent = found ? (c.consents ?? []).find((x) => String(x._id) === String(found._id)) : undefined;
  return consent ? { givenBy: consent.givenBy, date: consent.date } : null;
}

/** Everything the sender's page of a referral shows, in the reader's language. */
export async function referralPage(caller: Caller, id: string, locale: string) {
  const r = await referralForSender(caller, id);
  const status = r.status as ReferralStatus;
  const c = (await CaseModel.findOne(trusted({ _id: r.caseId })).select({ caseNumber: 1, consents: 1 }).lean()) as Pick<LeanCase, 'caseNumber' | 'consents'> | null;
  const [partner, names, view, thread] = await Promise.all([
    partnerSummary(r.toOrganisationId, locale),
    userNames([r.consent?.by, r.createdBy, r.delivery?.recordedBy]),
    partnerView(r, openSnapshot(r), { locale }, { filesAt: undefined }),
    threadOf(r, locale),
  ]);
  await audit(caller, { action: 'referral_view', outcome: 'success', recordType: 'referral', recordId: id });
  return {
    id,
    caseId: String(r.caseId),
    caseNumber: c?.caseNumber ?? '',
    reference: r.reference,
    partner,
    /** The partner's language: the PDF form is printed in it unless the caseworker picks another. */
    locale: r.locale,
    offline: Boolean(r.offline),
    status,
    draft: status === 'draft',
    open: OPEN_STATUSES.includes(status),
    final: FINAL_STATUSES.includes(status),
    createdBy: names.get(String(r.createdBy)) ?? '',
    consent: consentOf(r, c, names),
    /** For a draft: the consent sending would rely on, or none, so the caseworker knows before pressing Send. */
    consentReady: status === 'draft' && c ? readyConsent(c, r) : undefined,
    delivery: r.delivery?.method ? { method: r.delivery.method, sentAt: r.delivery.sentAt ?? undefined, by: names.get(String(r.delivery.recordedBy)) ?? '' } : undefined,
    sections: [...(r.sections ?? [])],
    /** The moves the sender may take now; for an offline partner, the answers the sender records for it. */
    moves: movesFor(status, 'sender'),
    answers: r.offline ? answersFor(status) : [],
    view,
    /** The messages between the two organisations (services/referrals/messages.ts). */
    thread,
  };
}

export type ReferralPage = Awaited<ReturnType<typeof referralPage>>;

/**
 * The preview of a draft: the snapshot its choices would make now (not saved), as the partner will
 * read it. The caller renders it in the partner's language (`locale`).
 */
export async function referralPreview(caller: Caller, id: string) {
  const r = await referralForSender(caller, id, 'referral.send');
  const c = (await CaseModel.findOne(trusted({ _id: r.caseId })).lean()) as LeanCase | null;
  const snapshot = c ? await buildSnapshot(c, r) : {};
  const view = await partnerView(r, snapshot, { locale: r.locale });
  await audit(caller, { action: 'referral_view', outcome: 'success', recordType: 'referral', recordId: id });
  return { id, caseId: String(r.caseId), caseNumber: c?.caseNumber ?? '', reference: r.reference, status: r.status as ReferralStatus, locale: r.locale, offline: Boolean(r.offline), view };
}

/** The referrals of a case, newest first, for the case page: reference, partner, service, state, due date. */
export async function caseReferrals(caseId: Types.ObjectId, locale: string) {
  const rows = await ReferralModel.find(trusted({ caseId })).sort({ _id: -1 }).limit(100).select({ reference: 1, toOrganisationId: 1, service: 1, status: 1, dueDate: 1, offline: 1 }).lean();
  const orgIds = [...new Set(rows.map((r) => String(r.toOrganisationId)))];
  const orgs = orgIds.length ? await OrganisationModel.find(trusted({ _id: { $in: orgIds } })).select({ name: 1, code: 1 }).lean() : [];
  const names = new Map(orgs.map((o) => [String(o._id), organisationName(o, locale)]));
  return rows.map((r) => ({ id: String(r._id), reference: r.reference, partner: names.get(String(r.toOrganisationId)) ?? '', service: r.service, status: r.status, dueDate: r.dueDate, offline: Boolean(r.offline) }));
}
