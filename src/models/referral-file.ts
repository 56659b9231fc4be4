import type mongoose from 'mongoose';
import { Schema, Types, model, type InferSchemaType } from 'mongoose';
import { LOOKUPS } from '../domain/lookups.js';
import { contentBucket, ensureBucketIndexes } from './buckets.js';

/**
 * A referral's own copy of a case attachment it shares, made when the snapshot is taken: the partner
 * downloads this copy, never the case's file, so revoking the referral or deleting the case's file
 * leaves nothing of the case reachable through the partner portal. Encrypted on its own like an
 * attachment (SECURITY.md I4): `header` opens the ciphertext in the `referral_content` GridFS bucket.
 */
const referralFileSchema = new Schema(
  {
    referralId: { type: Types.ObjectId, ref: 'Referral', required: true },
    kind: { type: String, enum: LOOKUPS.attachmentKind, required: true },
    type: { type: String, required: true, maxlength: 100 },
    size: { type: Number, required: true },
    /** The original file name, sealed. */
    secretName: { type: String, required: true },
    header: { type: String, required: true },
    fileId: { type: Types.ObjectId, required: true },
    /** The snapshot version that shared it: an updated snapshot may share other files. */
    snapshotVersion: { type: Number, required: true },
    /** Written true after its content: only complete copies are listed or served. */
    complete: { type: Boolean, default: false },
    demo: { type: Boolean, default: false },
  },
  { timestamps: true },
);

referralFileSchema.index({ referralId: 1, snapshotVersion: 1 });

export type ReferralFile = InferSchemaType<typeof referralFileSchema> & { _id: Types.ObjectId };
export const ReferralFileModel = model('ReferralFile', referralFileSchema, 'referral_files');

/** The GridFS bucket of the copies' ciphertext: `referral_content.files` and `.chunks`. */
export const REFERRAL_CONTENT_BUCKET = 'referral_content';

export function referralContent(): mongoose.mongo.GridFSBucket {
  return contentBucket(REFERRAL_CONTENT_BUCKET);
}

export function ensureReferralContentIndexes(): Promise<void> {
  return ensureBucketIndexes(REFERRAL_CONTENT_BUCKET);
}
