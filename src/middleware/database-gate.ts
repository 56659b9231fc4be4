import type { RequestHandler } from 'express';
import { Unavailable } from '../domain/errors.js';

/**
 * Every page needs the database (sessions, records). While it is away, answer the translated 503 page
 * at once rather than letting each request wait for a time-out; the driver reconnects by itself.
 */
export function databaseGate(isConnected: () => boolean): RequestHandler {
  return (_req, _res, next) => {
    next(isConnected() ? undefined : new Unavailable());
  };
}
