import { Schema, Types, model, type InferSchemaType } from 'mongoose';
import { REFERRAL_STATUSES } from '../domain/referrals.js';

/**
 * An in-app notification for one user: a referral changed state, got a message, or waits past its due
 * date. It names the referral by id and reference and the event by code, never anything about the
 * child, so the list and the email that goes with it leak nothing. Old ones expire (TTL on `expiresAt`).
 */
export const NOTIFICATION_KINDS = ['state', 'message', 'reminder'] as const;

const notificationSchema = new Schema(
  {
    userId: { type: Types.ObjectId, ref: 'User', required: true },
    organisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
    kind: { type: String, enum: NOTIFICATION_KINDS, required: true },
    referralId: { type: Types.ObjectId, ref: 'Referral', required: true },
    /** The referral's reference, as both sides quote it. */
    reference: { type: String, required: true, maxlength: 40 },
    /** For a change of state: the state reached. */
    status: { type: String, enum: REFERRAL_STATUSES },
    /** Where the link goes: the sender's or the partner's page of the referral. */
    side: { type: String, enum: ['sender', 'partner'], required: true },
    at: { type: Date, required: true },
    readAt: { type: Date },
    expiresAt: { type: Date, required: true },
    demo: { type: Boolean, default: false },
  },
  { versionKey: false },
);

/** The list (newest first) and the unread count in the header. */
notificationSchema.index({ userId: 1, at: -1 });
notificationSchema.index({ userId: 1, readAt: 1, at: -1 });
notificationSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export type Notification = InferSchemaType<typeof notificationSchema> & { _id: Types.ObjectId };
export const NotificationModel = model('Notification', notificationSchema, 'notifications');
