import { Schema, model } from 'mongoose';

/**
 * Per-address request counts for express-rate-limit, shared by every copy of the app. A window ends
 * at `resetAt`, checked on each hit; a TTL index removes ended windows.
 */
const rateLimitHitSchema = new Schema({
  _id: { type: String, required: true },
  hits: { type: Number, required: true },
  resetAt: { type: Date, required: true },
});

rateLimitHitSchema.index({ resetAt: 1 }, { expireAfterSeconds: 0 });

export const RateLimitHitModel = model('RateLimitHit', rateLimitHitSchema, 'rate_limit_hits');
