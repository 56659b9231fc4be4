/**
 * The second factor (SECURITY.md A5). Enrolment keeps the new seed encrypted on the user until a first
 * code proves the app has it; then 10 recovery codes are shown once and stored as keyed hashes.
 * A code's time step must be later than the last one accepted, and the update that records it is
 * conditional on that, so two requests with the same code cannot both pass.
 */
import { Types } from 'mongoose';
import { Invalid, NotFound } from '../../domain/errors.js';
import type { Caller } from '../../domain/permissions.js';
import { decrypt, encrypt, keyedHash, randomToken } from '../../lib/crypto.js';
import { newTotpSecret, qrSvg, totpStep, totpUri } from '../../lib/totp.js';
import { UserModel } from '../../models/user.js';
import { trusted } from './trusted.js';
import { audit } from '../audit/audit.js';

export const RECOVERY_CODE_COUNT = 10;

function hashRecoveryCode(code: string): string {
  return keyedHash('recovery-code', code.replace(/[\s-]/g, '').toUpperCase());
}

/** 10 codes of 10 base32 characters (50 bits each), shown as `XXXXX-XXXXX`. */
function newRecoveryCodes(): string[] {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = Buffer.from(randomToken(10), 'base64url');
    const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5, 10)}`;
  });
}

export interface Enrolment {
  secret: string;
  uri: string;
  qrDataUri: string;
}

/**
 * Starts an enrolment: a fresh seed, kept encrypted until a first code confirms it. Called from the
 * sign-in that finds no second factor, or from the setup page's start button (a POST: a GET never
 * changes anything, O4).
 */
export async function startEnrolment(userId: string): Promise<void> {
  await UserModel.updateOne(
    { _id: new Types.ObjectId(userId), 'mfa.secret': trusted({ $exists: false }), 'mfa.pendingSecret': trusted({ $exists: false }) },
    { $set: { 'mfa.pendingSecret': encrypt(newTotpSecret()) } },
  );
}

/** The pending enrolment to show: the key, its otpauth URI and the QR code; undefined if none was started. */
export async function pendingEnrolment(userId: string): Promise<Enrolment | undefined> {
  const user = await UserModel.findById(userId).lean();
  if (!user) throw new NotFound();
  if (!user.mfa?.pendingSecret) return undefined;
  const secret = decrypt(user.mfa.pendingSecret);
  const uri = totpUri(secret, user.email);
  const svg = await qrSvg(uri);
  return { secret, uri, qrDataUri: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
}

/** Confirms enrolment with a first code; returns the recovery codes to show once. */
export async function confirmEnrolment(caller: Caller, code: string): Promise<string[]> {
  const user = await UserModel.findById(caller.userId).lean();
  if (!user?.mfa?.pendingSecret) throw new Invalid({ code: 'auth:mfa.errors.noEnrolment' });
  const secret = decrypt(user.mfa.pendingSecret);
  const step = await totpStep(secret, code);
  if (step === undefined) {
    await audit(caller, { action: 'mfa_enrol', outcome: 'failure', reason: 'code_invalid', recordType: 'user', recordId: caller.userId });
    throw new Invalid({ code: 'auth:mfa.errors.code' });
  }
  const codes = newRecoveryCodes();
  const res = await UserModel.updateOne(
    { _id: user._id, 'mfa.pendingSecret': user.mfa.pendingSecret },
    {
      $set: { 'mfa.secret': user.mfa.pendingSecret, 'mfa.enrolledAt': new Date(), 'mfa.lastStep': step, 'mfa.recoveryCodes': codes.map(hashRecoveryCode) },
      $unset: { 'mfa.pendingSecret': 1 },
    },
  );
  if (res.modifiedCount !== 1) throw new Invalid({ code: 'auth:mfa.errors.noEnrolment' });
  await audit(caller, { action: 'mfa_enrol', outcome: 'success', recordType: 'user', recordId: caller.userId });
  return codes;
}

/** Checks a TOTP code or a recovery code for a user who is half signed in. */
export async function verifySecondFactor(caller: Caller, code: string): Promise<boolean> {
  const user = await UserModel.findById(caller.userId).lean();
  if (!user?.mfa?.secret) return false;
  const compact = code.replace(/\s/g, '');
  if (/^\d{6}$/.test(compact)) {
    const lastStep = user.mfa.lastStep ?? 0;
    const step = await totpStep(decrypt(user.mfa.secret), compact);
    const fresh = step !== undefined && step > lastStep;
    const recorded = fresh && (await UserModel.updateOne({ _id: user._id, 'mfa.lastStep': trusted({ $lt: step }) }, { $set: { 'mfa.lastStep': step } })).modifiedCount === 1;
    const reason = step === undefined ? 'code_invalid' : 'code_reused';
    await audit(caller, { action: 'mfa_verify', outcome: recorded ? 'success' : 'failure', ...(recorded ? {} : { reason }), recordType: 'user', recordId: caller.userId });
    return recorded;
  }
  const hash = hashRecoveryCode(compact);
  const remaining = (user.mfa.recoveryCodes ?? []).filter((h) => h !== hash);
  const used =
    remaining.length < (user.mfa.recoveryCodes ?? []).length &&
    (await UserModel.updateOne({ _id: user._id, 'mfa.recoveryCodes': hash }, { $set: { 'mfa.recoveryCodes': remaining } })).modifiedCount === 1;
  await audit(caller, { action: used ? 'mfa_recovery_used' : 'mfa_verify', outcome: used ? 'success' : 'failure', ...(used ? {} : { reason: 'code_invalid' as const }), recordType: 'user', recordId: caller.userId });
  return used;
}

export async function recoveryCodesLeft(userId: string): Promise<number> {
  const user = await UserModel.findById(userId, { 'mfa.recoveryCodes': 1 }).lean();
  return user?.mfa?.recoveryCodes?.length ?? 0;
}

/** New recovery codes for the user's own page; the old ones stop working. */
export async function renewRecoveryCodes(caller: Caller): Promise<string[]> {
  const codes = newRecoveryCodes();
  await UserModel.updateOne({ _id: new Types.ObjectId(caller.userId), 'mfa.secret': trusted({ $exists: true }) }, { $set: { 'mfa.recoveryCodes': codes.map(hashRecoveryCode) } });
  await audit(caller, { action: 'mfa_enrol', outcome: 'success', recordType: 'user', recordId: caller.userId });
  return codes;
}
