import { Schema, Types, model, type InferSchemaType } from 'mongoose';

export const TOKEN_PURPOSES = ['invite', 'reset'] as const;

/**
 * Invitation and password-reset tokens (SECURITY.md A6). Only a hash of the token is stored; it is
 * single use (`usedAt`) and expires at `expiresAt`, which is checked on every read; a TTL index removes
 * it soon after (DATABASE.md), used or not.
 */
const authTokenSchema = new Schema({
  hash: { type: String, required: true },
  userId: { type: Types.ObjectId, ref: 'User', required: true },
  purpose: { type: String, enum: TOKEN_PURPOSES, required: true },
  expiresAt: { type: Date, required: true },
  usedAt: { type: Date },
  createdAt: { type: Date, required: true },
});

authTokenSchema.index({ hash: 1 }, { unique: true });
authTokenSchema.index({ userId: 1, purpose: 1 });
authTokenSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export type AuthToken = InferSchemaType<typeof authTokenSchema>;
export const AuthTokenModel = model('AuthToken', authTokenSchema, 'auth_tokens');
