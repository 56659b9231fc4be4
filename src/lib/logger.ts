import { pino, type Logger, type DestinationStream } from 'pino';
import { config } from '../config/index.js';

/**
 * Paths that may carry secrets or personal data (SECURITY.md D4). Request logs also carry no
 * query strings and no bodies at all (see middleware/request-log.ts).
 */
export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'email',
  '*.email',
  'code',
  '*.code',
];

function destination(): DestinationStream {
  if (config.logFile) return pino.destination({ dest: config.logFile, append: true, sync: true, mkdir: true });
  return pino.destination({ dest: 1, sync: false });
}

export const logger: Logger = pino(
  {
    level: config.logLevel,
    base: { app: 'haven' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  },
  destination(),
);
