/**
 * Gives every case the search tokens the current code writes (SECURITY.md D3): `npm run cli --
 * search:reindex` after an upgrade that changed them (for example the beginnings of names and the
 * case number's digits). Cases are visited in `_id` order and the position is kept in `system_state`,
 * so a stopped run resumes where it was. A case whose tokens are already right is not written, so a
 * second run rewrites nothing. Each write is guarded by the version the tokens were computed from: a
 * case edited meanwhile (the edit writes fresh tokens itself) is read again, never overwritten.
 *
 * Tokens are derived data, so the write changes neither the version nor `updatedAt`: an edit form
 * opened before the run still saves.
 */
import { Types } from 'mongoose';
import { CaseModel } from '../../models/case.js';
import { audit } from '../audit/audit.js';
import { identityOf, searchTokensOf, type LeanCase } from './records.js';
import { TOKEN_SCHEME } from './name-search.js';
import { readCheckpoint, writeCheckpoint } from '../checkpoints.js';
import { trusted } from '../auth/trusted.js';

const STATE_ID = 'search-reindex';
const BATCH = 200;

export interface ReindexProgress {
  done: number;
  total: number;
}

export interface ReindexReport {
  rewritten: number;
  unchanged: number;
  /** The last case id of the stopped run this one went on from. */
  resumedFrom?: string | undefined;
}

interface Checkpoint {
  scheme: number;
  lastId?: string;
  finished?: boolean;
}

type Stored = Pick<LeanCase, '_id' | 'caseNumber' | 'child' | 'searchTokens' | '__v'>;

function sameTokens(a: readonly string[], b: readonly string[]): boolean {
  const want = new Set(a);
  const have = new Set(b);
  return want.size === have.size && [...want].every((t) => have.has(t));
}

/** One case: its tokens written if they differ, guarded by its version; true when written. */
async function reindexOne(first: Stored): Promise<boolean> {
  let doc: Stored | null = first;
  for (let attempt = 0; attempt < 3 && doc; attempt++) {
    const tokens = searchTokensOf(identityOf(doc), doc.caseNumber);
    if (sameTokens(tokens, doc.searchTokens ?? [])) return false;
    const guard = doc.__v === undefined ? trusted({ _id: doc._id, __v: { $exists: false } }) : { _id: doc._id, __v: doc.__v };
    const res = await CaseModel.updateOne(guard, { $set: { searchTokens: tokens } }, { timestamps: false });
    if (res.modifiedCount === 1) return true;
    doc = (await CaseModel.findById(doc._id).select({ caseNumber: 1, child: 1, searchTokens: 1, __v: 1 }).lean()) as Stored | null;
  }
  if (!doc) return false;
  throw new Error(`case ${String(doc._id)} kept changing during the reindex; run search:reindex again`);
}

export async function reindexSearch(onProgress: (p: ReindexProgress) => void = () => undefined): Promise<ReindexReport> {
  const checkpoint = await readCheckpoint<Checkpoint>(STATE_ID);
  const resume = checkpoint && checkpoint.scheme === TOKEN_SCHEME && !checkpoint.finished && checkpoint.lastId ? checkpoint.lastId : undefined;
  const report: ReindexReport = { rewritten: 0, unchanged: 0, resumedFrom: resume };
  let lastId = resume ? new Types.ObjectId(resume) : undefined;
  const total = await CaseModel.estimatedDocumentCount();
  let done = lastId ? await CaseModel.countDocuments(trusted({ _id: { $lte: lastId } })) : 0;
  onProgress({ done, total });
  for (;;) {
    const batch = (await CaseModel.find(trusted(lastId ? { _id: { $gt: lastId } } : {}))
      .sort({ _id: 1 })
      .limit(BATCH)
      .select({ caseNumber: 1, child: 1, searchTokens: 1, __v: 1 })
      .lean()) as unknown as Stored[];
    if (batch.length === 0) break;
    for (const doc of batch) {
      if (await reindexOne(doc)) report.rewritten += 1;
      else report.unchanged += 1;
    }
    lastId = batch[batch.length - 1]!._id;
    done += batch.length;
    await writeCheckpoint(STATE_ID, { scheme: TOKEN_SCHEME, lastId: String(lastId) });
    onProgress({ done, total: Math.max(total, done) });
  }
  await writeCheckpoint(STATE_ID, { scheme: TOKEN_SCHEME, finished: true });
  await audit({}, { action: 'search_reindex', outcome: 'success' });
  return report;
}
