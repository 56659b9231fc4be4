/**
 * Closing cases in tests the way the app does: the caseworker proposes, a supervisor of the team
 * approves (services/cases/closure.ts). Also the driver's shortcut to an active case, which only the
 * care-plan feature makes in use.
 */
import { CaseModel } from '../../src/models/case.js';
import { ClosureProposalModel } from '../../src/models/closure-proposal.js';
import { approveClosure, proposeClosure } from '../../src/services/cases/closure.js';
import { refreshCaseFacts } from '../../src/services/facts/facts.js';
import { callerOf } from './cases.js';
import type { TestUser } from './factories.js';

/** As an approved first care plan does: the case becomes active, and its facts say so. */
export async function makeActive(id: string): Promise<void> {
  const _id = (await CaseModel.findById(id).lean())!._id;
  await CaseModel.collection.updateOne({ _id }, { $set: { status: 'active' } });
  await refreshCaseFacts(_id);
}

/** The id of the proposal waiting on a case (throws when there is none). */
export async function waitingProposal(id: string): Promise<string> {
  const p = await ClosureProposalModel.findOne({ caseId: id, status: 'proposed' }).lean();
  if (!p) throw new Error('no proposal waiting');
  return String(p._id);
}

/** Proposes the closure as the caseworker and approves it as the supervisor, both of `team`. */
export async function closeThroughApproval(worker: TestUser, supervisor: TestUser, team: string, id: string, reason: string, date: string, note = 'Fictional closure note'): Promise<void> {
  await proposeClosure(callerOf(worker, team), id, { reason, date, note, language: 'en' });
  await approveClosure(callerOf(supervisor, team), id, await waitingProposal(id));
}
