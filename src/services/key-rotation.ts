/**
 * Re-encrypts everything under the newest data key (SECURITY.md D2): `npm run cli -- keys:rotate`
 * after a new key is appended to DATA_KEYS. Documents are visited in `_id` order and the position is
 * kept in `system_state`, so a stopped run resumes where it was; a value already under the newest key
 * is left alone, so running it again is harmless. Each write is guarded by the value it replaces (or
 * the document's version), so a concurrent edit is never overwritten: that document is simply read
 * again.
 */
import { Types } from 'mongoose';
import { currentKeyId, decrypt, encrypt, encryptBytes, sealedKeyId } from '../lib/crypto.js';
import { AssessmentModel } from '../models/assessment.js';
import { AttachmentModel } from '../models/attachment.js';
import { CarePlanModel } from '../models/care-plan.js';
import { ClosureProposalModel } from '../models/closure-proposal.js';
import { FollowUpModel } from '../models/follow-up.js';
import { LegalCaseModel } from '../models/legal-case.js';
import { LegalHearingModel } from '../models/legal-hearing.js';
import { ReferralModel } from '../models/referral.js';
import { ReferralFileModel } from '../models/referral-file.js';
import { ReferralMessageModel } from '../models/referral-message.js';
import { ReviewModel } from '../models/review.js';
import { CaseModel } from '../models/case.js';
import { CaseChangeModel } from '../models/case-change.js';
import { CaseNoteModel } from '../models/case-note.js';
import { CaseTaskModel } from '../models/case-task.js';
import { UserModel } from '../models/user.js';
import { deleteContent, deleteStrayContent, openContent, storeContent } from './cases/attachment-content.js';
import { referralFileContent } from './referrals/file-copies.js';
import { audit } from './audit/audit.js';
import { readCheckpoint, writeCheckpoint } from './checkpoints.js';

/** Every collection that holds sealed values, in the order they are visited. */
const SEALED = [
  ['users', () => UserModel.collection],
  ['cases', () => CaseModel.collection],
  ['case_notes', () => CaseNoteModel.collection],
  ['case_tasks', () => CaseTaskModel.collection],
  ['case_changes', () => CaseChangeModel.collection],
  ['attachments', () => AttachmentModel.collection],
  ['assessments', () => AssessmentModel.collection],
  ['care_plans', () => CarePlanModel.collection],
  ['care_plan_reviews', () => ReviewModel.collection],
  ['legal_cases', () => LegalCaseModel.collection],
  ['legal_hearings', () => LegalHearingModel.collection],
  ['closure_proposals', () => ClosureProposalModel.collection],
  ['follow_ups', () => FollowUpModel.collection],
  ['referrals', () => ReferralModel.collection],
  ['referral_messages', () => ReferralMessageModel.collection],
  ['referral_files', () => ReferralFileModel.collection],
] as const;

/** The names of the collections keys:rotate visits (a test checks no collection with sealed values is missing). */
export const SEALED_COLLECTIONS: readonly string[] = SEALED.map(([name]) => name);

/** The driver's collection: these updates carry Haven's own filters only, never user input. */
type Raw = ReturnType<(typeof SEALED)[number][1]>;

const STATE_ID = 'keys-rotate';
const BATCH = 200;

export interface RotationProgress {
  collection: string;
  done: number;
  total: number;
}

export interface RotationReport {
  keyId: string;
  rewritten: number;
  unchanged: number;
  resumedFrom?: string | undefined;
}

interface Checkpoint {
  keyId: string;
  collection: string;
  lastId: string;
}

function isSealed(value: unknown): value is string {
  return typeof value === 'string' && sealedKeyId(value) !== undefined;
}

/** A deep copy with every sealed string under another key sealed again; undefined when nothing changed. */
function reseal(value: unknown, key: string): unknown {
  if (isSealed(value)) return sealedKeyId(value) === key ? undefined : encrypt(decrypt(value));
  if (Array.isArray(value)) {
    const out = value.map((v) => reseal(v, key));
    return out.some((v) => v !== undefined) ? value.map((v, i) => out[i] ?? v) : undefined;
  }
  if (value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Types.ObjectId) && !Buffer.isBuffer(value)) {
    let changed = false;
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = reseal(v, key);
      if (r !== undefined) changed = true;
      copy[k] = r ?? v;
    }
    return changed ? copy : undefined;
  }
  return undefined;
}

/**
 * The update for one document. A sealed value outside arrays is replaced on its own path, guarded by
 * its old value; a field holding arrays (family members) is replaced whole, guarded by the version.
 */
function updateFor(doc: Record<string, unknown>, key: string): { filter: Record<string, unknown>; set: Record<string, unknown> } | undefined {
  const filter: Record<string, unknown> = { _id: doc._id };
  const set: Record<string, unknown> = {};
  const visit = (value: unknown, path: string, top: string): void => {
    if (isSealed(value)) {
      if (sealedKeyId(value) !== key) {
        set[path] = encrypt(decrypt(value));
        filter[path] = value;
      }
      return;
    }
    if (Array.isArray(value)) {
      const r = reseal(value, key);
      if (r !== undefined) {
        set[top] = r;
        filter.__v = doc.__v ?? 0;
      }
      return;
    }
    if (value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Types.ObjectId) && !Buffer.isBuffer(value)) {
      for (const [k, v] of Object.entries(value)) visit(v, `${path}.${k}`, top);
    }
  };
  for (const [field, value] of Object.entries(doc)) {
    if (field === '_id' || field === '__v' || field === 'header') continue;
    visit(value, field, field);
  }
  // A whole field replaced supersedes the single paths inside it.
  for (const path of Object.keys(set)) {
    const top = path.split('.')[0]!;
    if (path !== top && top in set) {
      delete set[path];
      delete filter[path];
    }
  }
  return Object.keys(set).length > 0 ? { filter, set } : undefined;
}

/**
 * Where the encrypted files of one collection live: the GridFS content (named after the document's
 * id) and the guarded move of the document to a new file. Attachments and the referrals' own copies
 * of them are rotated the same way.
 */
interface FileStore {
  open(fileId: Types.ObjectId, header: string): Promise<Buffer>;
  store(ownerId: Types.ObjectId, ciphertext: Buffer): Promise<Types.ObjectId>;
  remove(fileId: Types.ObjectId): Promise<void>;
  removeStray(ownerId: Types.ObjectId, keep: Types.ObjectId): Promise<number>;
  move(doc: { _id: Types.ObjectId; header: string; fileId: Types.ObjectId }, next: { header: string; fileId: Types.ObjectId }): Promise<boolean>;
}

const FILE_STORES: Partial<Record<(typeof SEALED)[number][0], FileStore>> = {
  attachments: {
    open: openContent,
    store: storeContent,
    remove: deleteContent,
    removeStray: deleteStrayContent,
    move: async (doc, next) => (await AttachmentModel.updateOne({ _id: doc._id, header: doc.header, fileId: doc.fileId }, { $set: next })).modifiedCount === 1,
  },
  referral_files: {
    ...referralFileContent,
    move: async (doc, next) => (await ReferralFileModel.updateOne({ _id: doc._id, header: doc.header, fileId: doc.fileId }, { $set: next })).modifiedCount === 1,
  },
};

/**
 * A document's file, in three steps that each leave it readable: a new GridFS file under the new
 * key is written first; then one update, guarded by the header and file it replaces, moves the
 * document to it; then the old file is removed. A run stopped after the first step leaves a stray
 * new file, one stopped after the second a stray old one: whichever run visits the document next
 * removes every file of it but the one it points to, so a resumed or repeated run ends with exactly one
 * file, and one already under the new key is not written again. A concurrent rotation that loses the
 * guarded update removes its own new file.
 */
async function rotateFile(doc: { _id: Types.ObjectId; header: string; fileId: Types.ObjectId }, key: string, files: FileStore): Promise<boolean> {
  if (sealedKeyId(doc.header) === key) {
    await files.removeStray(doc._id, doc.fileId);
    return false;
  }
  const plain = await files.open(doc.fileId, doc.header);
  const { header, body } = encryptBytes(plain);
  const fileId = await files.store(doc._id, body);
  if (!(await files.move(doc, { header, fileId }))) {
    await files.remove(fileId);
    return false;
  }
  await files.removeStray(doc._id, fileId);
  return true;
}

async function rotateOne(collection: Raw, name: string, doc: Record<string, unknown>, key: string): Promise<boolean> {
  let changed = false;
  const files = FILE_STORES[name as keyof typeof FILE_STORES];
  if (files && typeof doc.header === 'string') changed = await rotateFile(doc as never, key, files);
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = attempt === 0 ? doc : ((await collection.findOne({ _id: doc._id as Types.ObjectId })) as Record<string, unknown> | null);
    if (!current) return changed;
    const update = updateFor(current, key);
    if (!update) return changed;
    const res = await collection.updateOne(update.filter, { $set: update.set });
    if (res.modifiedCount === 1) return true;
  }
  throw new Error(`a ${name} document kept changing during rotation; run keys:rotate again`);
}

export async function rotateKeys(onProgress: (p: RotationProgress) => void = () => undefined): Promise<RotationReport> {
  const key = currentKeyId();
  const checkpoint = await readCheckpoint<Checkpoint>(STATE_ID);
  const resume = checkpoint && checkpoint.keyId === key && checkpoint.collection ? checkpoint : undefined;
  const report: RotationReport = { keyId: key, rewritten: 0, unchanged: 0, resumedFrom: resume ? `${resume.collection} after ${resume.lastId}` : undefined };
  let skipping = Boolean(resume);
  for (const [name, collectionOf] of SEALED) {
    const collection = collectionOf();
    if (skipping && name !== resume!.collection) continue;
    let lastId: Types.ObjectId | string | undefined = skipping ? resume!.lastId : undefined;
    skipping = false;
    const total = await collection.estimatedDocumentCount();
    let done = lastId ? await collection.countDocuments({ _id: { $lte: new Types.ObjectId(String(lastId)) } }) : 0;
    onProgress({ collection: name, done, total });
    for (;;) {
      const filter = lastId ? { _id: { $gt: new Types.ObjectId(String(lastId)) } } : {};
      const batch = (await collection.find(filter).sort({ _id: 1 }).limit(BATCH).toArray()) as Record<string, unknown>[];
      if (batch.length === 0) break;
      for (const doc of batch) {
        if (await rotateOne(collection, name, doc, key)) report.rewritten += 1;
        else report.unchanged += 1;
      }
      lastId = batch[batch.length - 1]!._id as Types.ObjectId;
      done += batch.length;
      await writeCheckpoint(STATE_ID, { keyId: key, collection: name, lastId: String(lastId) });
      onProgress({ collection: name, done, total });
    }
  }
  await writeCheckpoint(STATE_ID, { keyId: key, finished: true });
  await audit({}, { action: 'keys_rotate', outcome: 'success' });
  return report;
}
