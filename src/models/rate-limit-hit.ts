import { Schema, model } from 'mongoose';

/**
 * Per-address request counts for express-rate-limit, shared by every copy of the app. A window ends
 * at `resetAt`; old windows are swept.
 */
const rateLimitHitSchema = new Schema({
  _id: { type: String, required: true },
  hits: { type: Number, required: true },
  resetAt: { type: Date, required: true },
});

rateLimitHitSchema.index({ resetAt: 1 });

export const RateLimitHitModel = model('RateLimitHit', rateLimitHitSchema, 'rate_limit_hits');
