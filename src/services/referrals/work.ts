/**
 * My work from this feature, for whoever sent referrals (a caseworker, or a supervisor who sends
 * them): the referrals the caller sent that wait for the partner's answer (sent or acknowledged), by
 * due date, those past it marked overdue; and the referrals whose newest message is the partner's,
 * newest first, until the caller answers. Only the caller's own referrals (`createdBy`), of their
 * organisation, on cases of their scope; both link to the sender's page of the referral.
 *
 * Served by the `fromOrganisationId, createdBy, status, dueDate` and `fromOrganisationId, createdBy,
 * lastMessageSide, lastMessageAt` indexes of referrals. A user who is both caseworker and supervisor
 * sees them once, in the caseworker's blocks.
 */
import { Types } from 'mongoose';
import { ReferralModel } from '../../models/referral.js';
import { trusted } from '../auth/trusted.js';
import type { CaseRole, StartContext } from '../home/start-page.js';
import { NOTHING, type WorkItem, type WorkSource } from '../home/work-items.js';

/** States in which a referral waits for the partner's answer. */
export const WAITING_STATUSES = ['sent', 'acknowledged'] as const;

/** The part of the filter both sources share, or undefined when the role has nothing to show. */
async function ownReferrals(ctx: StartContext, role: CaseRole) {
  if (role === 'supervisor' && ctx.caller.roles.includes('caseworker')) return undefined;
  const scope = await ctx.scope(role);
  if (scope.cases.length === 0) return undefined;
  return {
    scope,
    filter: {
      fromOrganisationId: new Types.ObjectId(ctx.caller.organisationId),
      createdBy: new Types.ObjectId(ctx.caller.userId),
      caseId: { $in: scope.cases.map((c) => c._id) },
    },
  };
}

export const referralsWaiting: WorkSource = async (ctx, role, until, limit) => {
  const own = await ownReferrals(ctx, role);
  if (!own) return NOTHING;
  const filter = trusted({ ...own.filter, status: { $in: [...WAITING_STATUSES] }, dueDate: { $lte: until } });
  const [rows, total] = await Promise.all([
    // A limit of 0 asks for the count alone (the header's reminder): mongo would read 0 as no limit.
    limit > 0 ? ReferralModel.find(filter).sort({ dueDate: 1, _id: 1 }).limit(limit).select({ caseId: 1, dueDate: 1, status: 1, reference: 1 }).lean() : null,
    ReferralModel.countDocuments(filter),
  ]);
  const items: WorkItem[] = (rows ?? []).map((r) => ({
    kind: 'referral_waiting',
    caseId: r.caseId,
    caseNumber: own.scope.numbers.get(String(r.caseId)) ?? '',
    due: r.dueDate,
    href: `/referrals/${String(r._id)}`,
    labelKey: `home:work.referral.${r.status}`,
    labelValues: { reference: r.reference },
  }));
  return { items, total };
};

export const partnerMessages: WorkSource = async (ctx, role, until, limit) => {
  const own = await ownReferrals(ctx, role);
  if (!own) return NOTHING;
  const filter = trusted({ ...own.filter, lastMessageSide: 'partner' as const, lastMessageAt: { $lte: until } });
  const [rows, total] = await Promise.all([
    limit > 0 ? ReferralModel.find(filter).sort({ lastMessageAt: -1, _id: -1 }).limit(limit).select({ caseId: 1, lastMessageAt: 1, reference: 1 }).lean() : null,
    ReferralModel.countDocuments(filter),
  ]);
  const items: WorkItem[] = (rows ?? []).map((r) => ({
    kind: 'referral_message',
    caseId: r.caseId,
    caseNumber: own.scope.numbers.get(String(r.caseId)) ?? '',
    due: r.lastMessageAt!,
    href: `/referrals/${String(r._id)}`,
    labelKey: 'home:work.referral.message',
    labelValues: { reference: r.reference },
  }));
  return { items, total };
};
