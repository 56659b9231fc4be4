import type { RequestHandler } from 'express';
import { NotFound } from '../domain/errors.js';

// Since this is the last non-error-handling middleware, nothing else answered: the address is unknown.
export const notFound: RequestHandler = (_req, _res, next) => {
  next(new NotFound());
};
