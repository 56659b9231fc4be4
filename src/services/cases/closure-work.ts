/**
 * My work from this feature: follow-up visits due, and closures waiting for a supervisor's decision
 * (contract in services/home/work-items.ts).
 *
 * Follow-up visits belong to closed cases, which the start page's scope (open and active cases only)
 * does not hold: they are found through the access policy's filter for the role and the closed status
 * (served by the case indexes), then by case id through the visits' own index. Proposals wait on open
 * and active cases, so they are read by the ids of the scope.
 */
import { Types } from 'mongoose';
import { startOfDay } from '../../domain/cases.js';
import { caseFilter, type Caller } from '../../domain/permissions.js';
import { CaseModel } from '../../models/case.js';
import { ClosureProposalModel } from '../../models/closure-proposal.js';
import { FollowUpModel } from '../../models/follow-up.js';
import { trusted } from '../auth/trusted.js';
import { NOTHING, type WorkItem, type WorkSource } from '../home/work-items.js';

/** Closed cases read for one role's visits, as the start page caps its scope of open cases. */
const CLOSED_LIMIT = 2000;

/** The caller as one of their roles only: that role's filter, never the union of their roles. */
function asRole(caller: Caller, role: 'caseworker' | 'supervisor'): Caller {
  return { ...caller, roles: caller.roles.includes(role) ? [role] : [] };
}

/** Scheduled visits of the role's closed cases due on or before `until` (overdue ones included), soonest first. */
export const followUpsDue: WorkSource = async (ctx, role, until, limit) => {
  const caller = asRole(ctx.caller, role);
  if (caller.roles.length === 0) return NOTHING;
  const closed = await CaseModel.find(trusted({ $and: [caseFilter(caller), { status: 'closed' }] }))
    .select({ caseNumber: 1 })
    .limit(CLOSED_LIMIT)
    .lean();
  if (closed.length === 0) return NOTHING;
  const numbers = new Map(closed.map((c) => [String(c._id), c.caseNumber]));
  const filter = trusted({ caseId: { $in: closed.map((c) => c._id) }, status: 'scheduled' as const, dueDate: { $lte: until } });
  const [rows, total] = await Promise.all([
    FollowUpModel.find(filter).sort({ dueDate: 1, _id: 1 }).limit(limit).select({ caseId: 1, dueDate: 1, months: 1 }).lean(),
    FollowUpModel.countDocuments(filter),
  ]);
  const items: WorkItem[] = rows.map((f) => ({
    kind: 'follow_up',
    caseId: f.caseId,
    caseNumber: numbers.get(String(f.caseId)) ?? '',
    due: f.dueDate,
    href: `/cases/${String(f.caseId)}/follow-ups/${String(f._id)}`,
    labelKey: 'closure:work.followUp',
    labelValues: { count: f.months },
  }));
  return { items, total };
};

/**
 * Proposals waiting on the supervisor's team's cases, oldest first; never the supervisor's own, which
 * another supervisor decides.
 */
export const closuresAwaitingApproval: WorkSource = async (ctx, role, until, limit) => {
  if (role !== 'supervisor' || !ctx.caller.roles.includes('supervisor')) return NOTHING;
  const scope = await ctx.scope('supervisor');
  if (scope.cases.length === 0) return NOTHING;
  const filter = trusted({
    caseId: { $in: scope.cases.map((c) => c._id) },
    status: 'proposed' as const,
    proposedAt: { $lte: until },
    proposedBy: { $ne: new Types.ObjectId(ctx.caller.userId) },
  });
  const [rows, total] = await Promise.all([
    ClosureProposalModel.find(filter).sort({ proposedAt: 1, _id: 1 }).limit(limit).select({ caseId: 1, proposedAt: 1 }).lean(),
    ClosureProposalModel.countDocuments(filter),
  ]);
  const items: WorkItem[] = rows.map((p) => ({
    kind: 'closure_approval',
    caseId: p.caseId,
    caseNumber: scope.numbers.get(String(p.caseId)) ?? '',
    due: startOfDay(p.proposedAt),
    href: `/cases/${String(p.caseId)}/closure`,
    labelKey: 'closure:work.approval',
  }));
  return { items, total };
};
