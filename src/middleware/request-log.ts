import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import { logger } from '../lib/logger.js';

/**
 * One line per request with method, path, status and time. No query strings (a search may hold a
 * child's name), no bodies, no headers (cookies): SECURITY.md D4.
 */
export const requestLog = pinoHttp({
  logger,
  genReqId: (req) => (req as IncomingMessage & { id?: string }).id ?? '-',
  // A 503 while the database is away is expected and already visible in /readyz: a warning, not an error.
  customLogLevel: (_req, res, err) => (res.statusCode === 503 ? 'warn' : err || res.statusCode >= 500 ? 'error' : 'info'),
  serializers: {
    req: (req: { id?: string; method?: string; url?: string }) => ({
      id: req.id,
      method: req.method,
      path: (req.url ?? '').split('?')[0]!.slice(0, 200),
    }),
    res: (res: ServerResponse | { statusCode?: number }) => ({ status: res.statusCode }),
    err: (err: Error) => ({ type: err.name }),
  },
  wrapSerializers: false,
  quietReqLogger: true,
});
