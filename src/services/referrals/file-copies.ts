/**
 * The referral's own copies of the attachments it shares (models/referral-file.ts): made when a
 * snapshot is taken, encrypted on their own in the `referral_content` GridFS bucket, so the partner
 * downloads a copy and never the case's file. Each copy's content is written first and the copy marked
 * complete after, so an interrupted copy is never listed or served; a copy made for a snapshot that
 * did not go out (another user sent it first) is removed again.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import mongoose, { Types } from 'mongoose';
import { NotFound } from '../../domain/errors.js';
import { decryptBytes, encryptBytes } from '../../lib/crypto.js';
import { AttachmentModel } from '../../models/attachment.js';
import { REFERRAL_CONTENT_BUCKET, ReferralFileModel, ensureReferralContentIndexes, referralContent, type ReferralFile } from '../../models/referral-file.js';
import { trusted } from '../auth/trusted.js';
import { openContent } from '../cases/attachment-content.js';
import { unseal } from '../cases/records.js';
import type { SnapshotFile } from './snapshot.js';

type Bucket = ReturnType<typeof referralContent>;
const ready = new WeakMap<Bucket, Promise<void>>();

/** The bucket, with its indexes made once per database before its first use by this process. */
async function bucket(): Promise<Bucket> {
  const b = referralContent();
  let indexes = ready.get(b);
  if (!indexes) {
    indexes = ensureReferralContentIndexes();
    ready.set(b, indexes);
    indexes.catch(() => ready.delete(b));
  }
  await indexes;
  return b;
}

/**
 * The content store of referral files, shaped as services/cases/attachment-content.ts is for
 * attachments, so key rotation moves both kinds of file the same way (services/key-rotation.ts).
 */
export const referralFileContent = {
  /** Writes ciphertext as a new GridFS file named after the copy; answers the file's id once it is whole. */
  async store(copyId: Types.ObjectId, ciphertext: Buffer): Promise<Types.ObjectId> {
    const upload = (await bucket()).openUploadStream(String(copyId));
    try {
      await pipeline(Readable.from([ciphertext]), upload);
    } catch (err) {
      await referralFileContent.remove(upload.id as Types.ObjectId).catch(() => undefined);
      throw err;
    }
    return upload.id as Types.ObjectId;
  },
  /** Reads a whole file and decrypts it; a changed or missing byte anywhere fails (D1). */
  async open(fileId: Types.ObjectId, header: string): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const part of (await bucket()).openDownloadStream(fileId)) parts.push(part as Buffer);
    return decryptBytes(header, Buffer.concat(parts));
  },
  /** Removes a file and its chunks; one already gone is not an error. */
  async remove(fileId: Types.ObjectId): Promise<void> {
    const db = mongoose.connection.db;
    if (!db) throw new Error('the database is not connected');
    await db.collection(`${REFERRAL_CONTENT_BUCKET}.files`).deleteOne({ _id: fileId });
    await db.collection(`${REFERRAL_CONTENT_BUCKET}.chunks`).deleteMany({ files_id: fileId });
  },
  /** Removes every file of the copy but the one it points to (leftovers of interrupted writes). */
  async removeStray(copyId: Types.ObjectId, keep: Types.ObjectId): Promise<number> {
    const stray = await (await bucket()).find({ filename: String(copyId), _id: { $ne: keep } }, { projection: { _id: 1 } }).toArray();
    for (const file of stray) await referralFileContent.remove(file._id as Types.ObjectId);
    return stray.length;
  },
};

/**
 * Copies the chosen attachments of the case into the referral's own files for one snapshot version,
 * and answers them as the snapshot lists them. An attachment that is no longer the case's (or not
 * complete) is left out.
 */
export async function copyFiles(referralId: Types.ObjectId, caseId: Types.ObjectId, attachmentIds: readonly Types.ObjectId[], snapshotVersion: number): Promise<SnapshotFile[]> {
  if (attachmentIds.length === 0) return [];
  const originals = await AttachmentModel.find(trusted({ caseId, complete: true, _id: { $in: [...attachmentIds] } })).sort({ createdAt: 1 }).lean();
  const made: { _id: Types.ObjectId; fileId: Types.ObjectId }[] = [];
  try {
    for (const a of originals) {
      const plain = await openContent(a.fileId, a.header);
      const { header, body } = encryptBytes(plain);
      const _id = new Types.ObjectId();
      const fileId = await referralFileContent.store(_id, body);
      made.push({ _id, fileId });
      await ReferralFileModel.create({ _id, referralId, kind: a.kind, type: a.type, size: a.size, secretName: a.secretName, header, fileId, snapshotVersion, complete: false, demo: a.demo ?? false });
    }
    // Every content is whole: only now are the copies listed and served.
    await ReferralFileModel.updateMany(trusted({ _id: { $in: made.map((m) => m._id) } }), { $set: { complete: true } });
  } catch (err) {
    await removeCopies(made.map((m) => m._id)).catch(() => undefined);
    throw err;
  }
  return originals.map((a, i) => ({ fileId: String(made[i]!._id), kind: a.kind, type: a.type, size: a.size, name: unseal<{ name: string }>(a.secretName, { name: '' }).name }));
}

/** Removes copies and their content (a snapshot that did not go out). */
export async function removeCopies(copyIds: readonly Types.ObjectId[]): Promise<void> {
  if (copyIds.length === 0) return;
  const copies = await ReferralFileModel.find(trusted({ _id: { $in: [...copyIds] } })).select({ fileId: 1 }).lean();
  await ReferralFileModel.deleteMany(trusted({ _id: { $in: [...copyIds] } }));
  for (const c of copies) await referralFileContent.remove(c.fileId);
  // Content written before its copy document was: named by the copy's id.
  for (const id of copyIds) await referralFileContent.removeStray(id, new Types.ObjectId('000000000000000000000000'));
}

/** The decrypted bytes of a referral's copy, for the partner's download; an incomplete copy is not served. */
export async function openReferralFile(file: Pick<ReferralFile, 'fileId' | 'header' | 'complete'>): Promise<Buffer> {
  if (!file.complete) throw new NotFound();
  return referralFileContent.open(file.fileId, file.header);
}
