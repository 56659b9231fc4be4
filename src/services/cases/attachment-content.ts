/**
 * The stored content of attachments (SECURITY.md I4, D1; DATABASE.md "Files in GridFS"): ciphertext
 * only, one GridFS file per version of an attachment's content, named after the attachment's id. The
 * attachment document holds the header that opens it and the id of its file. A file no attachment
 * points to is a leftover of an interrupted write and unreadable without a header: the next key
 * rotation removes those of an interrupted rotation; those of an upload interrupted before its
 * attachment document was written have no attachment, and stay until removed by hand.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import mongoose, { type Types } from 'mongoose';
import { decryptBytes } from '../../lib/crypto.js';
import { ATTACHMENT_CONTENT_BUCKET, attachmentContent, ensureAttachmentContentIndexes } from '../../models/attachment.js';

type Bucket = ReturnType<typeof attachmentContent>;
const ready = new WeakMap<Bucket, Promise<void>>();

/** The bucket, with its indexes made once per database before its first use by this process. */
async function bucket(): Promise<Bucket> {
  const b = attachmentContent();
  let indexes = ready.get(b);
  if (!indexes) {
    indexes = ensureAttachmentContentIndexes();
    ready.set(b, indexes);
    indexes.catch(() => ready.delete(b));
  }
  await indexes;
  return b;
}

/** Writes ciphertext as a new GridFS file of the attachment; answers the file's id once it is whole. */
export async function storeContent(attachmentId: Types.ObjectId, ciphertext: Buffer): Promise<Types.ObjectId> {
  const upload = (await bucket()).openUploadStream(String(attachmentId));
  try {
    await pipeline(Readable.from([ciphertext]), upload);
  } catch (err) {
    // Whatever part was written goes; a chunk still in flight that lands later has no files document
    // and no header, and is harmless.
    await deleteContent(upload.id as Types.ObjectId).catch(() => undefined);
    throw err;
  }
  return upload.id as Types.ObjectId;
}

/** Reads a whole file and decrypts it; a changed or missing byte anywhere fails (D1). */
export async function openContent(fileId: Types.ObjectId, header: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of (await bucket()).openDownloadStream(fileId)) parts.push(part as Buffer);
  return decryptBytes(header, Buffer.concat(parts));
}

/** Removes a file and its chunks; a file already gone is not an error, so a repeated call is harmless. */
export async function deleteContent(fileId: Types.ObjectId): Promise<void> {
  const db = mongoose.connection.db;
  if (!db) throw new Error('the database is not connected');
  // The files document first, as the driver does: the file is gone before its chunks are.
  await db.collection(`${ATTACHMENT_CONTENT_BUCKET}.files`).deleteOne({ _id: fileId });
  await db.collection(`${ATTACHMENT_CONTENT_BUCKET}.chunks`).deleteMany({ files_id: fileId });
}

/** Removes every file of the attachment but the one it points to (leftovers of interrupted writes). */
export async function deleteStrayContent(attachmentId: Types.ObjectId, keep: Types.ObjectId): Promise<number> {
  const stray = await (await bucket()).find({ filename: String(attachmentId), _id: { $ne: keep } }, { projection: { _id: 1 } }).toArray();
  for (const file of stray) await deleteContent(file._id as Types.ObjectId);
  return stray.length;
}
