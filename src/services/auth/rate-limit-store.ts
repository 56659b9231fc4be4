/**
 * A hit counter for express-rate-limit kept in the database, so every copy of the app behind a load
 * balancer counts the same hits (SECURITY.md A4, per-address limit). Windows end by `resetAt`, checked
 * on each hit; a TTL index removes ended ones (DATABASE.md).
 */
import { clock } from '../../lib/clock.js';
import { RateLimitHitModel } from '../../models/rate-limit-hit.js';
import { changeOrCreate } from '../create-if-missing.js';
import { trusted } from './trusted.js';

export interface HitCount {
  totalHits: number;
  resetTime: Date | undefined;
}

/**
 * One hit on a stored window, as an update pipeline so that it is one atomic step: counted while the
 * window runs, or the first hit of a new window once it ended (the TTL monitor may not have passed yet).
 * Both fields are computed from the document as it was, so they agree on which case it is.
 */
function hitPipeline(now: Date, newResetAt: Date) {
  const running = { $gt: ['$resetAt', now] };
  return [{ $set: { hits: { $cond: [running, { $add: ['$hits', 1] }, 1] }, resetAt: { $cond: [running, '$resetAt', newResetAt] } } }];
}

export class DatabaseHitStore {
  /** Counts are shared between processes, not kept in this one. */
  readonly localKeys = false;
  private windowMs = 60_000;

  constructor(readonly prefix: string) {}

  init(options: { windowMs: number }): void {
    this.windowMs = options.windowMs;
  }

  private id(key: string): string {
    return `${this.prefix}:${key}`.slice(0, 200);
  }

  async get(key: string): Promise<HitCount | undefined> {
    const doc = await RateLimitHitModel.findById(this.id(key)).lean();
    return doc && doc.resetAt > clock.now() ? { totalHits: doc.hits, resetTime: doc.resetAt } : undefined;
  }

  /** Many first hits arrive at once (an office signing in at nine): each is counted exactly once. */
  async increment(key: string): Promise<HitCount> {
    const now = clock.now();
    const _id = this.id(key);
    const resetAt = new Date(now.getTime() + this.windowMs);
    const hit = await changeOrCreate(
      () => RateLimitHitModel.findOneAndUpdate({ _id }, hitPipeline(now, resetAt), { returnDocument: 'after', updatePipeline: true }).lean(),
      async () => (await RateLimitHitModel.create({ _id, hits: 1, resetAt })).toObject(),
    );
    return { totalHits: hit.hits, resetTime: hit.resetAt };
  }

  async decrement(key: string): Promise<void> {
    await RateLimitHitModel.updateOne({ _id: this.id(key), hits: trusted({ $gt: 0 }) }, { $inc: { hits: -1 } });
  }

  async resetKey(key: string): Promise<void> {
    await RateLimitHitModel.deleteOne({ _id: this.id(key) });
  }
}
