/**
 * The only module that reads process.env. It validates the environment once and exports a frozen object.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import { parseDataKeys, envSchema, SECRET_NAMES, type SecretName } from './schema.js';
import { generateSecret, loadOrCreateLocalSecrets } from './secrets.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly isProduction: boolean;
  readonly isTest: boolean;
  readonly host: string;
  readonly port: number;
  readonly baseUrl: string;
  /** Unset: the embedded engine is started (DATABASE.md). */
  readonly mongodbUri: string | undefined;
  readonly mongodbDb: string;
  readonly sessionSecret: string;
  /** Oldest first; the last one encrypts new data. */
  readonly dataKeys: readonly { readonly id: string; readonly key: Buffer }[];
  readonly searchKey: Buffer;
  readonly logLevel: LogLevel;
  readonly logFile: string | undefined;
  readonly demo: boolean;
  readonly dataDir: string;
  readonly engineCache: string;
  readonly trustProxy: boolean | number | string;
  /** Unset outside production: mail goes to the development outbox instead (never in production). */
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  /** Said once at start by the server (never secrets themselves). */
  readonly notices: readonly string[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const LOCAL_SECRETS_FILE = '.secrets.local.json';

export interface LoadOptions {
  cwd?: string;
  home?: string;
}

export function loadConfig(source: Record<string, string | undefined>, options: LoadOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(environment)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const notices: string[] = [];

  const missing = SECRET_NAMES.filter((name) => !env[name]);
  const secrets: Partial<Record<SecretName, string>> = {};
  for (const name of SECRET_NAMES) if (env[name]) secrets[name] = env[name];

  if (missing.length > 0) {
    if (env.NODE_ENV === 'production') {
      throw new ConfigError(
        `Haven will not start in production without these secrets: ${missing.join(', ')}.\n` +
          'Set them in the environment (see README.md, "Configuration").',
      );
    }
    if (env.NODE_ENV === 'test') {
      // Tests get throw-away secrets that live only in this process.
      for (const name of missing) secrets[name] = generateSecret(name);
    } else {
      const file = path.resolve(cwd, LOCAL_SECRETS_FILE);
      const local = loadOrCreateLocalSecrets(file, missing);
      for (const name of missing) secrets[name] = local.values[name];
      if (local.generated.length > 0) {
        notices.push(
          `Generated development secrets (${local.generated.join(', ')}) into ${LOCAL_SECRETS_FILE}. ` +
            'Keep that file out of git; production must set them in the environment.',
        );
      }
    }
  }

  const port = env.PORT;
  const trustProxy = parseTrustProxy(env.TRUST_PROXY);
  const config: Config = {
    env: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    isTest: env.NODE_ENV === 'test',
    host: env.HOST,
    port,
    baseUrl: (env.BASE_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    mongodbUri: env.MONGODB_URI,
    mongodbDb: env.MONGODB_DB,
    sessionSecret: secrets.SESSION_SECRET as string,
    dataKeys: Object.freeze(parseDataKeys(secrets.DATA_KEYS as string).map((k) => Object.freeze(k))),
    searchKey: Buffer.from(secrets.SEARCH_KEY as string, 'base64'),
    logLevel: env.LOG_LEVEL ?? 'info',
    logFile: env.LOG_FILE ? path.resolve(cwd, env.LOG_FILE) : undefined,
    demo: env.DEMO ?? env.NODE_ENV === 'development',
    dataDir: path.resolve(cwd, env.HAVEN_DATA_DIR),
    engineCache: path.resolve(cwd, env.HAVEN_ENGINE_CACHE ?? path.join(options.home ?? homedir(), '.cache', 'haven')),
    trustProxy,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM ?? 'Haven <no-reply@localhost>',
    notices: Object.freeze(notices),
  };
  if (config.isProduction && !env.BASE_URL) {
    throw new ConfigError('Haven will not start in production without BASE_URL (the address users reach it at).');
  }
  if (config.isProduction && !env.MONGODB_URI) {
    throw new ConfigError(
      'Haven will not start in production without MONGODB_URI: the embedded engine is for trying Haven, development and tests. ' +
        'Run compose.yaml (README.md), which starts MongoDB as a replica set, or point MONGODB_URI at one.',
    );
  }
  if (config.isProduction && !env.SMTP_URL) {
    throw new ConfigError('Haven will not start in production without SMTP_URL (invitations and password resets are sent by email).');
  }
  if (config.isProduction && config.demo) {
    notices.push('DEMO is on in production: demo helpers are enabled. Turn it off for real case data.');
  }
  return Object.freeze(config);
}

function parseTrustProxy(raw: string | undefined): boolean | number | string {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

function loadOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // Fail fast with the reason and nothing else: no stack, no values.
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}

export const config: Config = loadOrExit();
