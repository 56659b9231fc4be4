/**
 * A hit counter for express-rate-limit kept in the database, so every copy of the app behind a load
 * balancer counts the same hits (SECURITY.md A4, per-address limit). Windows end by `resetAt`, checked
 * on each hit; a TTL index removes ended ones (DATABASE.md).
 */
import { clock } from '../lib/clock.js';
import { RateLimitHitModel } from '../models/rate-limit-hit.js';
import { trusted } from './trusted.js';

export interface HitCount {
  totalHits: number;
  resetTime: Date | undefined;
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

  async increment(key: string): Promise<HitCount> {
    const now = clock.now();
    const _id = this.id(key);
    const current = await RateLimitHitModel.findOneAndUpdate({ _id, resetAt: trusted({ $gt: now }) }, { $inc: { hits: 1 } }, { returnDocument: 'after' }).lean();
    if (current) return { totalHits: current.hits, resetTime: current.resetAt };
    const resetAt = new Date(now.getTime() + this.windowMs);
    await RateLimitHitModel.updateOne({ _id }, { $set: { hits: 1, resetAt } }, { upsert: true });
    return { totalHits: 1, resetTime: resetAt };
  }

  async decrement(key: string): Promise<void> {
    await RateLimitHitModel.updateOne({ _id: this.id(key), hits: trusted({ $gt: 0 }) }, { $inc: { hits: -1 } });
  }

  async resetKey(key: string): Promise<void> {
    await RateLimitHitModel.deleteOne({ _id: this.id(key) });
  }
}
