/** Start-up work on the database that every entry point (server, CLI) shares. */
import mongoose from 'mongoose';
import '../models/index.js';
import { ensureAttachmentContentIndexes } from '../models/attachment.js';
import { ensureReferralContentIndexes } from '../models/referral-file.js';
import { syncIndexes } from '../lib/db/index.js';
import { SESSIONS_COLLECTION } from './auth/sessions.js';

/**
 * Builds every index the schemas declare; returns the models and the indexes dropped as stale. The
 * collections without a schema get theirs here too: connect-mongo's sessions (a TTL index on `expires`,
 * and the index that finds a user's sessions to end them) and the GridFS buckets of attachments and of referrals' copies.
 */
export async function ensureIndexes(): Promise<Record<string, string[]>> {
  const dropped = await syncIndexes();
  const sessions = mongoose.connection.collection(SESSIONS_COLLECTION);
  await sessions.createIndex({ expires: 1 }, { name: 'expires_ttl', expireAfterSeconds: 0 });
  await sessions.createIndex({ 'session.userId': 1 }, { name: 'session_user' });
  await ensureAttachmentContentIndexes();
  await ensureReferralContentIndexes();
  return dropped;
}
