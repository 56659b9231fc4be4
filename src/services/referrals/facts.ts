/**
 * This feature's part of a case's reporting facts: `referrals`, one entry per referral of the case that
 * was sent (drafts are not referrals yet), in the order they were made. Codes, dates and day counts
 * only, so managers can report referrals by service and partner, the acceptance rate and the days to
 * acceptance and completion (DOMAIN.md "Outcomes managers report") without reading any referral.
 *
 * `outcome` is where the referral ended, or stands:
 * - `open`: sent or acknowledged, the partner has not answered yet;
 * - `accepted`: accepted (or in progress), the service is not completed yet;
 * - `completed`: the partner completed the service;
 * - `declined:<reason>`: the partner declined it, with the decline reason code;
 * - `revoked`: the sender withdrew it (by hand, or because the case closed).
 * Day counts are whole calendar days from the day it was sent, present once the step happened.
 */
import { daysBetween } from '../../domain/care-plans.js';
import type { ReferralStatus } from '../../domain/referrals.js';
import type { Types } from 'mongoose';
import { CaseFactModel } from '../../models/case-fact.js';
import { OrganisationModel } from '../../models/organisation.js';
import { ReferralModel } from '../../models/referral.js';
import { trusted } from '../auth/trusted.js';
import { applyFactsChange, type FactsForCells } from '../facts/cells.js';
import type { FactPart, ReferralFact } from '../facts/parts.js';

/** The outcome code of a referral in this state (see above). */
export function referralOutcome(status: ReferralStatus, declineReason?: string | null): string {
  switch (status) {
    case 'accepted':
    case 'in_progress':
      return 'accepted';
    case 'completed':
      return 'completed';
    case 'declined':
      return `declined:${declineReason ?? 'other'}`;
    case 'revoked':
      return 'revoked';
    default:
      return 'open';
  }
}

function daysFrom(from: Date | null | undefined, to: Date | null | undefined): number | undefined {
  return from && to ? daysBetween(from, to) : undefined;
}

export const referralFacts: FactPart = async (caseId) => {
  const rows = await ReferralModel.find(trusted({ caseId, status: { $ne: 'draft' } }))
    .sort({ _id: 1 })
    .select({ service: 1, toOrganisationId: 1, status: 1, declineReason: 1, sentAt: 1, acknowledgedAt: 1, acceptedAt: 1, completedAt: 1 })
    .lean();
  if (rows.length === 0) return { referrals: [] };
  const ids = [...new Set(rows.map((r) => String(r.toOrganisationId)))];
  const countries = new Map(
    (await OrganisationModel.find(trusted({ _id: { $in: ids } })).select({ country: 1 }).lean()).map((o) => [String(o._id), o.country ?? undefined]),
  );
  const referrals: ReferralFact[] = rows.map((r) => {
    const fact: ReferralFact = {
      service: r.service,
      toOrganisationId: r.toOrganisationId,
      status: r.status,
      outcome: referralOutcome(r.status as ReferralStatus, r.declineReason),
    };
    // Absent keys stay absent (not undefined), as the stored facts hold them.
    const country = countries.get(String(r.toOrganisationId));
    if (country) fact.toCountry = country;
    if (r.sentAt) fact.sentAt = r.sentAt;
    const ack = daysFrom(r.sentAt, r.acknowledgedAt);
    if (ack !== undefined) fact.daysToAcknowledge = ack;
    const accept = daysFrom(r.sentAt, r.acceptedAt);
    if (accept !== undefined) fact.daysToAccept = accept;
    const complete = daysFrom(r.sentAt, r.completedAt);
    if (complete !== undefined) fact.daysToComplete = complete;
    return fact;
  });
  return { referrals };
};

/**
 * Rewrites the referral part of one case's facts alone (inside the caller's transaction). A referral's
 * move changes nothing else in the facts, and a partner's move must not read the case (SECURITY.md C3:
 * partner routes touch referral documents only), so the moves refresh just this part; a case without
 * facts yet gets them at its next full refresh.
 */
export async function refreshReferralFacts(caseId: Types.ObjectId): Promise<void> {
  const { referrals } = await referralFacts(caseId, new Date(0));
  const before = await CaseFactModel.findOneAndUpdate(trusted({ caseId }), { $set: { referrals } }, { returnDocument: 'before' }).lean();
  if (before) await applyFactsChange(before as unknown as FactsForCells, { ...(before as unknown as FactsForCells), referrals: referrals ?? [] });
}
