/**
 * This feature's part of a case's reporting facts: `wellbeing`, for each domain scored in any
 * assessment of the case, the first and the latest score with their dates (by assessment date, then by
 * when each was recorded). Read inside the caller's transaction when there is one.
 */
import { firstAndLatest, scoresOf } from '../../domain/assessments.js';
import { AssessmentModel } from '../../models/assessment.js';
import { trusted } from '../auth/trusted.js';
import type { FactPart } from '../facts/parts.js';

export const assessmentFacts: FactPart = async (caseId) => {
  const rows = await AssessmentModel.find(trusted({ caseId })).sort({ date: -1, createdAt: -1 }).select({ date: 1, createdAt: 1, scores: 1 }).lean();
  const scored = rows.map((r) => ({ date: r.date, createdAt: r.createdAt, scores: scoresOf(r.scores as Record<string, unknown>) }));
  return { wellbeing: firstAndLatest(scored) };
};
