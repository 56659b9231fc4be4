import { z } from 'zod';

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** `id:base64key,id:base64key` — the last key encrypts; all of them decrypt. */
export function parseDataKeys(raw: string): { id: string; key: Buffer }[] {
  const seen = new Set<string>();
  return raw.split(',').map((part) => {
    const [id, b64, ...rest] = part.trim().split(':');
    if (!id || !b64 || rest.length > 0 || !KEY_ID.test(id)) {
      throw new Error('each DATA_KEYS entry must look like id:base64key');
    }
    if (seen.has(id)) throw new Error(`DATA_KEYS repeats the key id ${id}`);
    seen.add(id);
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) throw new Error(`DATA_KEYS key ${id} must be 32 bytes (base64 of 32 random bytes)`);
    return { id, key };
  });
}

function secretKey(name: string) {
  return z.string().refine((v) => Buffer.from(v, 'base64').length >= 32, {
    message: `${name} must be at least 32 random bytes, base64-encoded`,
  });
}

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  BASE_URL: z.url().optional(),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'MONGODB_URI must start with mongodb:// or mongodb+srv://')
    .optional(),
  MONGODB_DB: z.string().regex(/^[A-Za-z0-9_-]{1,38}$/).default('haven'),
  SESSION_SECRET: secretKey('SESSION_SECRET').optional(),
  DATA_KEYS: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      if (v === undefined) return;
      try {
        parseDataKeys(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
  SEARCH_KEY: secretKey('SEARCH_KEY').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  LOG_FILE: z.string().min(1).optional(),
  DEMO: booleanString.optional(),
  HAVEN_DATA_DIR: z.string().min(1).default('./data'),
  HAVEN_ENGINE_CACHE: z.string().min(1).optional(),
  TRUST_PROXY: z.string().optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'SMTP_URL must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).max(200).optional(),
});

export type RawEnv = z.infer<typeof envSchema>;

/** The secrets that production must be given and development may generate. */
export const SECRET_NAMES = ['SESSION_SECRET', 'DATA_KEYS', 'SEARCH_KEY'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];
