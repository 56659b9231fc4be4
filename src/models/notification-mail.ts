import { Schema, Types, model, type InferSchemaType } from 'mongoose';

/**
 * The outbox of notification emails: one row per in-app notification whose email has not gone out yet.
 * A row is written in the same transaction as its notification (services/notifications), so a change
 * that rolls back leaves none and nothing is sent; after the commit the row is claimed, the email sent
 * and the row deleted. A row whose sending failed is claimed again once its claim runs out, until
 * MAX_ATTEMPTS; one left behind by a process that stopped is sent by the next sweep. It holds ids only:
 * the email is written at sending, in the recipient's language of that moment.
 */
const notificationMailSchema = new Schema(
  {
    notificationId: { type: Types.ObjectId, ref: 'Notification', required: true },
    userId: { type: Types.ObjectId, ref: 'User', required: true },
    referralId: { type: Types.ObjectId, ref: 'Referral', required: true },
    /** Free to claim from this time on (a claim pushes it forward; a failed send waits that long). */
    claimableAt: { type: Date, required: true },
    attempts: { type: Number, default: 0 },
    /** Mail that could not go out in this time is dropped: the in-app notification stays. */
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);

/** The sending right after a change (its referral's rows) and the sweep (every row free to claim). */
notificationMailSchema.index({ referralId: 1, claimableAt: 1 });
notificationMailSchema.index({ claimableAt: 1 });
notificationMailSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export type NotificationMail = InferSchemaType<typeof notificationMailSchema> & { _id: Types.ObjectId };
export const NotificationMailModel = model('NotificationMail', notificationMailSchema, 'notification_mails');
