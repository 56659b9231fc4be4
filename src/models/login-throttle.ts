import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * Failed sign-ins per account (SECURITY.md A4), keyed by a keyed hash of the email typed, so unknown
 * addresses lock exactly like known ones and the address itself is not stored. A TTL index on `expiresAt`
 * removes it once nothing in it counts any more.
 */
const loginThrottleSchema = new Schema({
  _id: { type: String, required: true },
  /** Times of recent failures; a small list, replaced whole. */
  failures: { type: [Date], default: [] },
  lockedUntil: { type: Date },
  expiresAt: { type: Date, required: true },
});

loginThrottleSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export type LoginThrottle = InferSchemaType<typeof loginThrottleSchema>;
export const LoginThrottleModel = model('LoginThrottle', loginThrottleSchema, 'login_throttles');
