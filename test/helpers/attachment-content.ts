/**
 * The GridFS collections that hold attachments' encrypted content, read and written raw through the
 * driver, as an intruder with database access would. They belong to the driver, not to a mongoose
 * model; `useDatabase` empties them before each test like the models' collections.
 */
import mongoose, { type Types } from 'mongoose';
import { ATTACHMENT_CONTENT_BUCKET } from '../../src/models/attachment.js';

export interface StoredFile {
  _id: Types.ObjectId;
  filename: string;
  length: number;
  raw: Record<string, unknown>;
}

export interface StoredChunk {
  _id: Types.ObjectId;
  fileId: Types.ObjectId;
  n: number;
  data: Buffer;
}

function db(): NonNullable<typeof mongoose.connection.db> {
  return mongoose.connection.db!;
}

export function contentFiles() {
  return db().collection(`${ATTACHMENT_CONTENT_BUCKET}.files`);
}

export function contentChunks() {
  return db().collection(`${ATTACHMENT_CONTENT_BUCKET}.chunks`);
}

/** A stored binary value as bytes (the driver gives a Binary, not a Buffer). */
export function bytesOf(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  const inner = (value as { buffer?: Uint8Array } | null)?.buffer;
  if (inner instanceof Uint8Array) return Buffer.from(inner.buffer, inner.byteOffset, inner.byteLength);
  throw new Error('not a binary value');
}

/** Every files document of the bucket, or those of one attachment (GridFS names them after it). */
export async function storedFiles(attachmentId?: string): Promise<StoredFile[]> {
  const rows = await contentFiles().find(attachmentId ? { filename: attachmentId } : {}).sort({ _id: 1 }).toArray();
  return rows.map((r) => ({ _id: r._id as unknown as Types.ObjectId, filename: String(r.filename), length: Number(r.length), raw: r }));
}

/** Every chunk of the bucket, or those of one GridFS file, in order, with its bytes. */
export async function storedChunks(fileId?: Types.ObjectId): Promise<StoredChunk[]> {
  const rows = await contentChunks().find(fileId ? { files_id: fileId } : {}).sort({ files_id: 1, n: 1 }).toArray();
  return rows.map((r) => ({ _id: r._id as unknown as Types.ObjectId, fileId: r.files_id as Types.ObjectId, n: Number(r.n), data: Buffer.from(bytesOf(r.data)) }));
}

/** Replaces one chunk's bytes in place, as a disk fault or an intruder would. */
export async function overwriteChunk(chunk: StoredChunk, data: Buffer): Promise<void> {
  const res = await contentChunks().updateOne({ _id: chunk._id }, { $set: { data } });
  if (res.modifiedCount !== 1) throw new Error('the chunk was not changed');
}

export async function emptyAttachmentContent(): Promise<void> {
  await contentFiles().deleteMany({});
  await contentChunks().deleteMany({});
}

/**
 * Runs `work` while the driver refuses one kind of write to the bucket's files collection, as a
 * database that stops taking writes halfway would; every other write goes through.
 */
export async function refusingFileWrites<T>(method: 'insertOne' | 'deleteOne', work: () => Promise<T>, message = 'the test refuses the write'): Promise<T> {
  const collection = mongoose.mongo.Collection.prototype as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = collection[method]!;
  const files = contentFiles().collectionName;
  collection[method] = function (this: { collectionName: string }, ...args: unknown[]) {
    if (this.collectionName === files) return Promise.reject(new Error(message));
    return original.apply(this, args);
  };
  try {
    return await work();
  } finally {
    collection[method] = original;
  }
}
