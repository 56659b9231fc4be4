/**
 * Recomputes every case's reporting facts from its records: `npm run cli -- facts:rebuild` after an
 * upgrade that changed what the facts hold, or to repair them. Cases are visited in `_id` order and
 * the position is kept in `system_state`, so a stopped run resumes where it was; a fact document that
 * is already right is not written, so a second run rewrites nothing. Facts of cases that no longer exist
 * are removed at the end, and the report cells are summed again from all the facts.
 */
import { isDeepStrictEqual } from 'node:util';
import { Types } from 'mongoose';
import { CaseFactModel } from '../../models/case-fact.js';
import { CaseModel } from '../../models/case.js';
import { audit } from '../audit/audit.js';
import { trusted } from '../auth/trusted.js';
import { readCheckpoint, writeCheckpoint } from '../checkpoints.js';
import { rebuildReportCells } from './cells.js';
import { computeCaseFacts } from './facts.js';
import type { CaseFactFields } from './parts.js';

const STATE_ID = 'facts-rebuild';
const BATCH = 200;

export interface RebuildProgress {
  done: number;
  total: number;
}

export interface RebuildReport {
  rewritten: number;
  unchanged: number;
  removed: number;
  /** The last case id of the stopped run this one went on from. */
  resumedFrom?: string | undefined;
}

interface Checkpoint {
  lastId?: string;
  finished?: boolean;
}

/** The stored document's fields as computeCaseFacts returns them, so the two can be compared. */
function comparable(doc: Record<string, unknown> | null | undefined): Record<string, unknown> | undefined {
  if (!doc) return undefined;
  const { _id: _i, __v: _v, createdAt: _c, updatedAt: _u, ...fields } = doc;
  return JSON.parse(JSON.stringify(fields)) as Record<string, unknown>;
}

function normalised(facts: CaseFactFields): Record<string, unknown> {
  return comparable(facts as unknown as Record<string, unknown>)!;
}

/** Whether a case's stored facts say what its records say now. */
export async function factsAreCurrent(caseId: Types.ObjectId): Promise<boolean> {
  const [want, have] = await Promise.all([computeCaseFacts(caseId), CaseFactModel.findOne({ caseId }).lean()]);
  if (!want) return !have;
  return isDeepStrictEqual(normalised(want), comparable(have as Record<string, unknown> | null));
}

export async function rebuildFacts(onProgress: (p: RebuildProgress) => void = () => undefined): Promise<RebuildReport> {
  const checkpoint = await readCheckpoint<Checkpoint>(STATE_ID);
  const resume = checkpoint && !checkpoint.finished && checkpoint.lastId ? checkpoint.lastId : undefined;
  const report: RebuildReport = { rewritten: 0, unchanged: 0, removed: 0, resumedFrom: resume };
  let lastId = resume ? new Types.ObjectId(resume) : undefined;
  const total = await CaseModel.estimatedDocumentCount();
  let done = lastId ? await CaseModel.countDocuments(trusted({ _id: { $lte: lastId } })) : 0;
  onProgress({ done, total });
  for (;;) {
    const batch = await CaseModel.find(trusted(lastId ? { _id: { $gt: lastId } } : {})).sort({ _id: 1 }).limit(BATCH).select({ _id: 1 }).lean();
    if (batch.length === 0) break;
    const stored = new Map(
      (await CaseFactModel.find(trusted({ caseId: { $in: batch.map((c) => c._id) } })).lean()).map((f) => [String(f.caseId), comparable(f as unknown as Record<string, unknown>)]),
    );
    for (const { _id } of batch) {
      const facts = await computeCaseFacts(_id);
      if (!facts) continue;
      if (isDeepStrictEqual(normalised(facts), stored.get(String(_id)))) {
        report.unchanged += 1;
        continue;
      }
      await CaseFactModel.replaceOne({ caseId: _id }, facts, { upsert: true });
      report.rewritten += 1;
    }
    lastId = batch[batch.length - 1]!._id;
    done += batch.length;
    await writeCheckpoint(STATE_ID, { lastId: String(lastId) });
    onProgress({ done, total: Math.max(total, done) });
  }
  report.removed = await removeOrphans();
  // The facts were written whole, not step by step: the cells are summed again from all of them.
  await rebuildReportCells();
  await writeCheckpoint(STATE_ID, { finished: true });
  await audit({}, { action: 'facts_rebuild', outcome: 'success' });
  return report;
}

/** Facts whose case is gone (deleted after retention): read in caseId order, in batches. */
async function removeOrphans(): Promise<number> {
  let removed = 0;
  let after: Types.ObjectId | undefined;
  for (;;) {
    const facts = await CaseFactModel.find(trusted(after ? { caseId: { $gt: after } } : {})).sort({ caseId: 1 }).limit(BATCH).select({ caseId: 1 }).lean();
    if (facts.length === 0) return removed;
    const ids = facts.map((f) => f.caseId);
    const alive = new Set((await CaseModel.find(trusted({ _id: { $in: ids } })).select({ _id: 1 }).lean()).map((c) => String(c._id)));
    const gone = ids.filter((id) => !alive.has(String(id)));
    if (gone.length > 0) removed += (await CaseFactModel.deleteMany(trusted({ caseId: { $in: gone } }))).deletedCount;
    after = ids[ids.length - 1];
  }
}
