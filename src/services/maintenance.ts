/**
 * The periodic sweep of everything that expires by a field rather than a TTL index (DATABASE.md):
 * sessions, invitation and reset tokens, sign-in lockouts and per-address counters.
 */
import mongoose from 'mongoose';
import { clock } from '../lib/clock.js';
import { sweepThrottles } from './auth.js';
import { sweepHits } from './rate-limit-store.js';
import { SESSIONS_COLLECTION } from './sessions.js';
import { sweepTokens } from './tokens.js';

export const SWEEP_INTERVAL_MS = 10 * 60_000;

export async function sweepExpired(): Promise<void> {
  await mongoose.connection.collection(SESSIONS_COLLECTION).deleteMany({ expires: { $lt: clock.now() } });
  await sweepTokens();
  await sweepThrottles();
  await sweepHits();
}
