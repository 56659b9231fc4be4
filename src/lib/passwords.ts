/**
 * Password hashing (SECURITY.md A1: argon2id, 19 MiB, t=2, p=1) and the bundled common-password list
 * (A2). The list is read once, on first use.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import argon2 from 'argon2';
import { RESOURCES_DIR } from './paths.js';

export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password.normalize('NFC'), ARGON2_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password.normalize('NFC'));
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Spends the same time as a real check when there is no account to check against, so that an unknown
 * email and a wrong password cannot be told apart by timing (A3).
 */
export async function verifyAgainstNothing(password: string): Promise<false> {
  dummy ??= hashPassword(`no account ${Math.random()}`);
  await verifyPassword(await dummy, password);
  return false;
}

let common: Set<string> | undefined;

export function isCommonPassword(lowercased: string): boolean {
  common ??= new Set(readFileSync(path.join(RESOURCES_DIR, 'common-passwords.txt'), 'utf8').split('\n').filter(Boolean));
  return common.has(lowercased);
}
