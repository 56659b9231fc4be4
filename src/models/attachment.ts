import mongoose, { Schema, Types, model, type InferSchemaType } from 'mongoose';
import { ATTACHMENT_TYPES } from '../domain/cases.js';
import { LOOKUPS } from '../domain/lookups.js';

/**
 * A file on a case (SECURITY.md I4). The content is encrypted as one AES-256-GCM message; `header`
 * holds the key id, IV and tag, and the ciphertext alone is stored in GridFS (DATABASE.md), in the
 * file `fileId` of the `attachment_content` bucket.
 */
const attachmentSchema = new Schema(
  {
    caseId: { type: Types.ObjectId, ref: 'Case', required: true },
    organisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
    kind: { type: String, enum: LOOKUPS.attachmentKind, required: true },
    /** The sniffed type, never the one the browser claimed. */
    type: { type: String, enum: ATTACHMENT_TYPES, required: true },
    size: { type: Number, required: true },
    /** The original file name, sealed: it often names the child. GridFS never sees it. */
    secretName: { type: String, required: true },
    header: { type: String, required: true },
    /**
     * The GridFS file holding the ciphertext that `header` opens. Re-encryption writes a new file and
     * then moves `header` and `fileId` to it together, so a stop halfway leaves the old file readable.
     */
    fileId: { type: Types.ObjectId, required: true },
    uploadedBy: { type: Types.ObjectId, ref: 'User', required: true },
    /** Written true with the document, after its file: only complete attachments are listed or served. */
    complete: { type: Boolean, default: false },
    demo: { type: Boolean, default: false },
  },
  { timestamps: true, optimisticConcurrency: true },
);

attachmentSchema.index({ caseId: 1, createdAt: -1 });

export type Attachment = InferSchemaType<typeof attachmentSchema> & { _id: Types.ObjectId };
export const AttachmentModel = model('Attachment', attachmentSchema, 'attachments');

/**
 * The GridFS bucket of attachments' content: `attachment_content.files` and `attachment_content.chunks`.
 * Each file is named after its attachment's id, never after the original file name, and carries no
 * metadata: all a raw reader of the bucket finds is ciphertext and ids.
 */
export const ATTACHMENT_CONTENT_BUCKET = 'attachment_content';

type Db = NonNullable<typeof mongoose.connection.db>;
const buckets = new WeakMap<Db, mongoose.mongo.GridFSBucket>();

/** The bucket on the current connection's database (one instance per database, as the driver expects). */
export function attachmentContent(): mongoose.mongo.GridFSBucket {
  const db = mongoose.connection.db;
  if (!db) throw new Error('the database is not connected');
  let bucket = buckets.get(db);
  if (!bucket) buckets.set(db, (bucket = new mongoose.mongo.GridFSBucket(db, { bucketName: ATTACHMENT_CONTENT_BUCKET })));
  return bucket;
}

/**
 * The two indexes of the GridFS specification, made the way the driver makes them (same keys, same
 * default names), so creating them again is a no-op. The driver builds them only on the first upload
 * into an empty bucket; made here, a read of a file's chunks or a search for an attachment's files is
 * served by an index whatever state the collections are in.
 */
export async function ensureAttachmentContentIndexes(): Promise<void> {
  const db = mongoose.connection.db;
  if (!db) throw new Error('the database is not connected');
  await db.collection(`${ATTACHMENT_CONTENT_BUCKET}.files`).createIndex({ filename: 1, uploadDate: 1 });
  await db.collection(`${ATTACHMENT_CONTENT_BUCKET}.chunks`).createIndex({ files_id: 1, n: 1 }, { unique: true });
}
