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

export interface DataKey {
  id: string;
  key: Buffer;
}

let dataKeys: readonly DataKey[] = config.dataKeys;

/**
 * Replaces the key ring for this process. Only key rotation's tests use it: a deployment changes its
 * keys through DATA_KEYS and a restart.
 */
export function useDataKeys(keys: readonly DataKey[]): void {
  if (keys.length === 0) throw new Error('at least one data key is needed');
  dataKeys = keys;
}

function keyById(id: string): Buffer {
  const found = dataKeys.find((k) => k.id === id);
  if (!found) throw new DecryptionError('unknown key id');
  return found.key;
}

/** The key that encrypts: the last one configured. */
export function currentKeyId(): string {
  return dataKeys[dataKeys.length - 1]!.id;
}

/** The id of the key a sealed value was written with, or undefined when it is not a sealed value. */
export function sealedKeyId(sealed: string): string | undefined {
  const match = /^v1:([A-Za-z0-9_-]{1,32}):/.exec(sealed);
  return match?.[1];
}

function seal(id: string, key: Buffer, plaintext: Buffer): { iv: Buffer; tag: Buffer; body: Buffer } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`${VERSION}:${id}`));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), body };
}

function unseal(id: string, iv: Buffer, tag: Buffer, body: Buffer): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyById(id), iv);
    decipher.setAAD(Buffer.from(`${VERSION}:${id}`));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch (err) {
    if (err instanceof DecryptionError) throw err;
    throw new DecryptionError('ciphertext failed authentication');
  }
}

export function encrypt(plaintext: string): string {
  const { id, key } = dataKeys[dataKeys.length - 1]!;
  const { iv, tag, body } = seal(id, key, Buffer.from(plaintext, 'utf8'));
  return [VERSION, id, iv.toString('base64url'), tag.toString('base64url'), body.toString('base64url')].join(':');
}

export function decrypt(sealed: string): string {
  const [version, id, iv, tag, body, ...rest] = sealed.split(':');
  if (version !== VERSION || !id || !iv || !tag || body === undefined || rest.length > 0) {
    throw new DecryptionError('malformed ciphertext');
  }
  return unseal(id, Buffer.from(iv, 'base64url'), Buffer.from(tag, 'base64url'), Buffer.from(body, 'base64url')).toString('utf8');
}

/** Files: the header (`v1:keyId:iv:tag`) is kept apart from the body, which may be stored in chunks. */
export function encryptBytes(plaintext: Buffer): { header: string; body: Buffer } {
  const { id, key } = dataKeys[dataKeys.length - 1]!;
  const { iv, tag, body } = seal(id, key, plaintext);
  return { header: [VERSION, id, iv.toString('base64url'), tag.toString('base64url')].join(':'), body };
}

export function decryptBytes(header: string, body: Buffer): Buffer {
  const [version, id, iv, tag, ...rest] = header.split(':');
  if (version !== VERSION || !id || !iv || !tag || rest.length > 0) throw new DecryptionError('malformed ciphertext');
  return unseal(id, Buffer.from(iv, 'base64url'), Buffer.from(tag, 'base64url'), body);
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
