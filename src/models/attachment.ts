import type mongoose from 'mongoose';
import { Schema, Types, model, type InferSchemaType } from 'mongoose';
import { ATTACHMENT_TYPES } from '../domain/cases.js';
import { LOOKUPS } from '../domain/lookups.js';
import { contentBucket, ensureBucketIndexes } from './buckets.js';

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

/** The bucket on the current connection's database. */
export function attachmentContent(): mongoose.mongo.GridFSBucket {
  return contentBucket(ATTACHMENT_CONTENT_BUCKET);
}

/** The GridFS specification's indexes on the bucket (models/buckets.ts). */
export function ensureAttachmentContentIndexes(): Promise<void> {
  return ensureBucketIndexes(ATTACHMENT_CONTENT_BUCKET);
}
