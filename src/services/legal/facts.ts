/**
 * This feature's part of a case's reporting facts: `legalCases`, the stage and verdict of each legal
 * case of the case, in the order they were recorded. Codes only: managers count legal cases by stage
 * and verdict without reading any of them.
 */
import type { FactPart, LegalFact } from '../facts/parts.js';
import { LegalCaseModel } from '../../models/legal-case.js';
import { trusted } from '../auth/trusted.js';

export const legalFacts: FactPart = async (caseId) => {
  const rows = await LegalCaseModel.find(trusted({ caseId })).sort({ _id: 1 }).select({ status: 1, verdict: 1 }).lean();
  // A legal case without a verdict has no `verdict` key at all, as the stored facts hold it.
  const legalCases: LegalFact[] = rows.map((r) => (r.verdict ? { status: r.status, verdict: r.verdict } : { status: r.status }));
  return { legalCases };
};
