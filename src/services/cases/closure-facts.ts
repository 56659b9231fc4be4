/**
 * This feature's part of a case's reporting facts: `followUps`, the follow-up visits of its closures
 * for reintegration (due date, whether done, and the three answers once done). Cancelled visits (the
 * case was reopened before them) are left out; recorded ones stay, even after a reopening.
 */
import { trusted } from '../auth/trusted.js';
import type { FactPart, FollowUpFact } from '../facts/parts.js';
import { FollowUpModel } from '../../models/follow-up.js';

export const closureFacts: FactPart = async (caseId) => {
  const rows = await FollowUpModel.find(trusted({ caseId, status: { $in: ['scheduled', 'recorded'] } }))
    .sort({ dueDate: 1, _id: 1 })
    .select({ months: 1, dueDate: 1, status: 1, safe: 1, livingAsPlanned: 1, inSchoolOrWork: 1 })
    .lean();
  const followUps: FollowUpFact[] = rows.map((f) =>
    f.status === 'recorded'
      ? { months: f.months, dueDate: f.dueDate, done: true, safe: f.safe ?? undefined, livingAsPlanned: f.livingAsPlanned ?? undefined, inSchoolOrWork: f.inSchoolOrWork ?? undefined }
      : { months: f.months, dueDate: f.dueDate, done: false },
  );
  return { followUps };
};
