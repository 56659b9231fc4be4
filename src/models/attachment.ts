import { Schema, Types, model, type InferSchemaType } from 'mongoose';
import { ATTACHMENT_TYPES } from '../domain/cases.js';
import { LOOKUPS } from '../domain/lookups.js';

/**
 * A file on a case (SECURITY.md I4). The content is encrypted as one AES-256-GCM message; `header`
 * holds the key id, IV and tag, and the ciphertext is split into `attachment_chunks`, each read by
 * its `_id` (`<attachment id>:<generation>:<n>`). GridFS was not used: on the embedded engine its chunk lookup by
 * `files_id` scans every chunk of every file, where an `_id` lookup is indexed.
 */
const attachmentSchema = new Schema(
  {
    caseId: { type: Types.ObjectId, ref: 'Case', required: true },
    organisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
    kind: { type: String, enum: LOOKUPS.attachmentKind, required: true },
    /** The sniffed type, never the one the browser claimed. */
    type: { type: String, enum: ATTACHMENT_TYPES, required: true },
    size: { type: Number, required: true },
    /** The original file name, sealed: it often names the child. */
    secretName: { type: String, required: true },
    header: { type: String, required: true },
    chunks: { type: Number, required: true },
    /**
     * The generation of the chunks (`<id>:<generation>:<n>`). Re-encryption writes a new generation
     * and then moves the header to it, so a stop halfway leaves the old chunks readable.
     */
    generation: { type: Number, default: 0 },
    uploadedBy: { type: Types.ObjectId, ref: 'User', required: true },
    /** Chunks are written before this flag; a file without it is an interrupted upload. */
    complete: { type: Boolean, default: false },
    demo: { type: Boolean, default: false },
  },
  { timestamps: true, optimisticConcurrency: true },
);

attachmentSchema.index({ caseId: 1, createdAt: -1 });

const chunkSchema = new Schema(
  {
    _id: { type: String, required: true },
    data: { type: Buffer, required: true },
  },
  { versionKey: false },
);

export type Attachment = InferSchemaType<typeof attachmentSchema> & { _id: Types.ObjectId };
export const AttachmentModel = model('Attachment', attachmentSchema, 'attachments');
export const AttachmentChunkModel = model('AttachmentChunk', chunkSchema, 'attachment_chunks');
