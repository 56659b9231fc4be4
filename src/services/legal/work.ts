/**
 * My work from this feature: hearings of the caller's cases (a caseworker's own, a supervisor's team)
 * that have no outcome yet, up to `until`, soonest first. A hearing whose day has passed without an
 * outcome stays on the list, marked as overdue, until someone records what happened. Served by the
 * `organisationId, outcome, date` index of legal_hearings.
 */
import { Types } from 'mongoose';
import { isOverdue } from '../../domain/cases.js';
import { LegalHearingModel } from '../../models/legal-hearing.js';
import { trusted } from '../auth/trusted.js';
import { NOTHING, type WorkItem, type WorkSource } from '../home/work-items.js';

export const hearingsDue: WorkSource = async (ctx, role, until, limit) => {
  const scope = await ctx.scope(role);
  if (scope.cases.length === 0) return NOTHING;
  const filter = trusted({
    organisationId: new Types.ObjectId(ctx.caller.organisationId),
    outcome: null,
    date: { $lte: until },
    caseId: { $in: scope.cases.map((c) => c._id) },
  });
  const [rows, total] = await Promise.all([
    LegalHearingModel.find(filter).sort({ date: 1, _id: 1 }).limit(limit).select({ legalCaseId: 1, caseId: 1, date: 1, kind: 1 }).lean(),
    LegalHearingModel.countDocuments(filter),
  ]);
  const items: WorkItem[] = rows.map((h) => {
    const caseId = String(h.caseId);
    const overdue = isOverdue(h.date, ctx.now);
    const page = `/cases/${caseId}/legal/${String(h.legalCaseId)}`;
    return {
      kind: 'hearing',
      caseId: h.caseId,
      caseNumber: scope.numbers.get(caseId) ?? '',
      due: h.date,
      href: overdue ? `${page}/hearings/${String(h._id)}/outcome` : page,
      labelKey: overdue ? `legal:work.outcomeMissing.${h.kind}` : `legal:work.hearing.${h.kind}`,
    };
  });
  return { items, total };
};
