import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { SecretName } from './schema.js';

export function generateSecret(name: SecretName): string {
  const random = randomBytes(32).toString('base64');
  return name === 'DATA_KEYS' ? `k1:${random}` : random;
}

/**
 * Development secrets live in a git-ignored file so that data encrypted yesterday can be read today.
 * Returns the values and the names that had to be generated now.
 */
export function loadOrCreateLocalSecrets(
  file: string,
  names: readonly SecretName[],
): { values: Partial<Record<SecretName, string>>; generated: SecretName[] } {
  let stored: Partial<Record<SecretName, string>> = {};
  if (existsSync(file)) {
    stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<SecretName, string>>;
  }
  const generated: SecretName[] = [];
  for (const name of names) {
    if (!stored[name]) {
      stored[name] = generateSecret(name);
      generated.push(name);
    }
  }
  if (generated.length > 0) {
    writeFileSync(file, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 });
  }
  return { values: stored, generated };
}
