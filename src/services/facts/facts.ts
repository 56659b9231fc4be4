/**
 * A case's reporting facts (models/case-fact.ts): computed from the case and every feature's records,
 * and rewritten by each service that changes any of them, inside its transaction, so the reports never
 * read a case's content and never disagree with it.
 */
import type { Types } from 'mongoose';
import { CaseFactModel } from '../../models/case-fact.js';
import { CaseModel } from '../../models/case.js';
import { CaseTaskModel } from '../../models/case-task.js';
import { OrganisationModel } from '../../models/organisation.js';
import { trusted } from '../auth/trusted.js';
import { assessmentFacts } from '../care/assessment-facts.js';
import { carePlanFacts } from '../care/plan-facts.js';
import { closureFacts } from '../cases/closure-facts.js';
import { legalFacts } from '../legal/facts.js';
import { referralFacts } from '../referrals/facts.js';
import { applyFactsChange, type FactsForCells } from './cells.js';
import type { CaseFactFields, FactPart } from './parts.js';

const PARTS: readonly FactPart[] = [assessmentFacts, carePlanFacts, legalFacts, closureFacts, referralFacts];

/** The facts of one case as its records say now, or undefined when the case is gone. */
export async function computeCaseFacts(caseId: Types.ObjectId): Promise<CaseFactFields | undefined> {
  const c = await CaseModel.findOne(trusted({ _id: caseId }))
    .select({ organisationId: 1, status: 1, riskLevel: 1, exploitationTypes: 1, team: 1, intake: 1, caseworkerIds: 1, closure: 1, demo: 1, 'child.nationality': 1 })
    .lean();
  if (!c?.intake) return undefined;
  const intakeDate = c.intake.date;
  const [org, tasks] = await Promise.all([
    OrganisationModel.findOne(trusted({ _id: c.organisationId })).select({ country: 1 }).lean(),
    CaseTaskModel.find(trusted({ caseId, doneAt: { $exists: false } })).select({ dueDate: 1 }).sort({ dueDate: 1 }).lean(),
  ]);
  const facts: CaseFactFields = {
    caseId,
    organisationId: c.organisationId,
    status: c.status,
    riskLevel: c.riskLevel,
    exploitationTypes: [...c.exploitationTypes].sort(),
    team: c.team ?? undefined,
    country: org?.country ?? undefined,
    nationality: c.child?.nationality || undefined,
    intakeMonth: intakeDate.toISOString().slice(0, 7),
    intakeDate,
    caseworkerIds: c.caseworkerIds.map((id) => id as unknown as Types.ObjectId),
    goals: [],
    wellbeing: [],
    legalCases: [],
    openTaskDueDates: tasks.map((t) => t.dueDate),
    closureReason: c.status === 'closed' ? (c.closure?.reason ?? undefined) : undefined,
    closedAt: c.status === 'closed' ? (c.closure?.date ?? undefined) : undefined,
    followUps: [],
    referrals: [],
    demo: c.demo ?? false,
  };
  for (const part of PARTS) Object.assign(facts, await part(caseId, intakeDate));
  // A closed case's plan ended with it: no review is due.
  if (facts.status === 'closed') facts.reviewDue = undefined;
  return facts;
}

/**
 * Rewrites one case's facts and applies the difference to the report cells (inside the caller's
 * transaction, when there is one). The old facts come back from the same write that replaces them, so
 * two refreshes of one case, even outside a transaction, each apply the difference of their own step.
 */
export async function refreshCaseFacts(caseId: Types.ObjectId): Promise<void> {
  const facts = await computeCaseFacts(caseId);
  const before = facts
    ? await CaseFactModel.findOneAndReplace({ caseId }, facts, { upsert: true, returnDocument: 'before' }).lean()
    : await CaseFactModel.findOneAndDelete({ caseId }).lean();
  await applyFactsChange(before as FactsForCells | null, facts);
}
