/**
 * Invitation and reset tokens (SECURITY.md A6): 256 random bits, stored only as a hash, single use,
 * valid for 60 minutes. Issuing a new one for the same purpose retires the old ones.
 */
import type { Types } from 'mongoose';
import { clock } from '../../lib/clock.js';
import { randomToken, sha256 } from '../../lib/crypto.js';
import { AuthTokenModel } from '../../models/auth-token.js';
import { trusted } from './trusted.js';

export const TOKEN_LIFETIME_MS = 60 * 60 * 1000;
export type TokenPurpose = 'invite' | 'reset';

export async function issueToken(userId: Types.ObjectId, purpose: TokenPurpose): Promise<string> {
  const token = randomToken(32);
  const now = clock.now();
  await AuthTokenModel.updateMany({ userId, purpose, usedAt: null }, { $set: { usedAt: now } });
  await AuthTokenModel.create({ hash: sha256(token), userId, purpose, createdAt: now, expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS) });
  return token;
}

function wellFormed(token: unknown): token is string {
  return typeof token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(token);
}

/** The user a live token belongs to, without using it up (to show the form). */
export async function peekToken(token: unknown, purpose: TokenPurpose): Promise<Types.ObjectId | undefined> {
  if (!wellFormed(token)) return undefined;
  const found = await AuthTokenModel.findOne({ hash: sha256(token), purpose, usedAt: null, expiresAt: trusted({ $gt: clock.now() }) }).lean();
  return found?.userId;
}

/** Uses a token up; only one request can ever succeed with it. */
export async function consumeToken(token: unknown, purpose: TokenPurpose): Promise<Types.ObjectId | undefined> {
  if (!wellFormed(token)) return undefined;
  const now = clock.now();
  const used = await AuthTokenModel.findOneAndUpdate(
    { hash: sha256(token), purpose, usedAt: null, expiresAt: trusted({ $gt: now }) },
    { $set: { usedAt: now } },
  ).lean();
  return used?.userId;
}
