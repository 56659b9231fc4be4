import { Schema, Types, model, type InferSchemaType } from 'mongoose';
import { LOCALES } from '../domain/locales.js';
import { ROLES } from '../domain/permissions.js';

export const USER_STATUSES = ['invited', 'active', 'disabled'] as const;
export const CALENDARS = ['default', 'gregory'] as const;

/**
 * The second factor. The seed is encrypted (SECURITY.md A5); recovery codes are kept as keyed hashes;
 * `lastStep` is the last TOTP time step accepted, so no code works twice.
 */
const mfaSchema = new Schema(
  {
    secret: { type: String },
    pendingSecret: { type: String },
    enrolledAt: { type: Date },
    lastStep: { type: Number, default: 0 },
    recoveryCodes: { type: [String], default: [] },
  },
  { _id: false },
);

const userSchema = new Schema(
  {
    /** Lower-cased. Staff contact details, not a child's, so kept in the clear for sign-in. */
    email: { type: String, required: true, trim: true, lowercase: true, maxlength: 254 },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    organisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
    roles: { type: [String], enum: ROLES, default: [] },
    team: { type: String, trim: true, maxlength: 60 },
    locale: { type: String, enum: LOCALES, required: true },
    calendar: { type: String, enum: CALENDARS, default: 'default' },
    status: { type: String, enum: USER_STATUSES, default: 'invited' },
    passwordHash: { type: String },
    /** Set for a one-time password from the CLI: the user chooses their own at first sign-in. */
    mustChangePassword: { type: Boolean, default: false },
    mfa: { type: mfaSchema, default: () => ({}) },
    /** Raised to end every session of the user at their next request (revoke, reset, disable). */
    sessionEpoch: { type: Number, default: 0 },
    demo: { type: Boolean, default: false },
  },
  { timestamps: true, optimisticConcurrency: true },
);

userSchema.index({ email: 1 }, { unique: true });
userSchema.index({ organisationId: 1, status: 1 });

export type User = InferSchemaType<typeof userSchema> & { _id: Types.ObjectId };
export const UserModel = model('User', userSchema);
