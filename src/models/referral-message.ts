import { Schema, Types, model, type InferSchemaType } from 'mongoose';

/**
 * A message on a referral, between the sending NGO and the partner (DOMAIN.md "Referral"). The text is
 * sealed with the language it was written in (D1, I18N.md); the thread grows without bound, so it
 * lives beside the referral rather than in it. Partner pages read it only after the referral itself
 * was found in the caller's referral filter.
 */
const referralMessageSchema = new Schema(
  {
    referralId: { type: Types.ObjectId, ref: 'Referral', required: true },
    /** The author's organisation and side of the referral. */
    organisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
    side: { type: String, enum: ['sender', 'partner'], required: true },
    authorId: { type: Types.ObjectId, ref: 'User', required: true },
    /** BCP 47 tag of the language the text is written in. */
    language: { type: String, required: true, maxlength: 12 },
    /** `{ text }`, sealed. */
    secret: { type: String, required: true },
    demo: { type: Boolean, default: false },
  },
  { timestamps: true },
);

referralMessageSchema.index({ referralId: 1, createdAt: 1 });

export type ReferralMessage = InferSchemaType<typeof referralMessageSchema> & { _id: Types.ObjectId };
export const ReferralMessageModel = model('ReferralMessage', referralMessageSchema, 'referral_messages');
