/**
 * TOTP second factor (SECURITY.md A5): RFC 6238 with the defaults every authenticator app reads (SHA-1,
 * 6 digits, 30 s), a 160-bit seed, at most one step of drift either way, and no step used twice.
 */
import { generate, generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { clock } from './clock.js';

export const TOTP_PERIOD = 30;
const SEED_BYTES = 20;

export function newTotpSecret(): string {
  return generateSecret({ length: SEED_BYTES });
}

export function totpUri(secret: string, account: string, issuer = 'Haven'): string {
  return generateURI({ issuer, label: account, secret });
}

/** The current code, for demo accounts and tests. */
export function currentTotp(secret: string, at: number = clock.ms()): Promise<string> {
  return generate({ secret, epoch: Math.floor(at / 1000) });
}

/** The time step a code belongs to, or undefined when it is wrong, too far off, or not after `afterStep`. */
export async function totpStep(secret: string, code: string, afterStep?: number): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(clock.ms() / 1000),
    epochTolerance: TOTP_PERIOD,
    ...(afterStep !== undefined ? { afterTimeStep: afterStep } : {}),
  }).catch(() => undefined);
  return result?.valid ? (result as unknown as { timeStep: number }).timeStep : undefined;
}

/** The otpauth URI as an SVG QR code, drawn on the server: the enrolment page needs no script. */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
