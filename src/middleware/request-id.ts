import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

/** Every request gets its own id, shown on error pages and in logs. Incoming ids are not trusted. */
export const requestId: RequestHandler = (req, res, next) => {
  const id = randomUUID();
  req.id = id;
  res.setHeader('X-Request-Id', id);
  next();
};
