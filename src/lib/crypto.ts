/**
 * Encryption at rest and keyed hashes (SECURITY.md D1-D3). AES-256-GCM with a random 96-bit IV and the
 * key id stored beside the ciphertext, so keys can rotate: the last configured key encrypts, all decrypt.
 * A changed byte fails authentication and throws; it never decrypts to garbage.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { config } from '../config/index.js';

const VERSION = 'v1';

export class DecryptionError extends Error {
  override name = 'DecryptionError';
}

function keyById(id: string): Buffer {
  const found = config.dataKeys.find((k) => k.id === id);
  if (!found) throw new DecryptionError('unknown key id');
  return found.key;
}

export function encrypt(plaintext: string): string {
  const { id, key } = config.dataKeys[config.dataKeys.length - 1]!;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`${VERSION}:${id}`));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
}

export function decrypt(sealed: string): string {
  const [version, id, iv, tag, body, ...rest] = sealed.split(':');
  if (version !== VERSION || !id || !iv || !tag || body === undefined || rest.length > 0) {
    throw new DecryptionError('malformed ciphertext');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyById(id), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`${VERSION}:${id}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new DecryptionError('ciphertext failed authentication');
  }
}

/** A key of its own for each purpose, derived from SEARCH_KEY, so one hash never doubles as another. */
function purposeKey(purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', config.searchKey, Buffer.alloc(0), `haven:${purpose}`, 32));
}

const keys = new Map<string, Buffer>();

/** HMAC-SHA-256 of a value for one purpose, hex. Used for exact-match lookups and the audit chain. */
export function keyedHash(purpose: string, value: string): string {
  let key = keys.get(purpose);
  if (!key) keys.set(purpose, (key = purposeKey(purpose)));
  return createHmac('sha256', key).update(value, 'utf8').digest('hex');
}

/** A random token for links and codes: `bytes` of randomness, base64url. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 for high-entropy secrets (tokens), which need no slow hash. */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export function equalHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
