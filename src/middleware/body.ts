import express, { type RequestHandler } from 'express';
import { normalizeInput } from '../lib/i18n/normalize.js';

export const BODY_LIMIT = '100kb';

/**
 * Form and JSON bodies up to BODY_LIMIT (larger: 413), with every string in NFC and no prototype keys.
 * Uploads (later) have routes of their own with their own limits.
 */
export const bodyParsers: RequestHandler[] = [
  express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 200 }),
  express.json({ limit: BODY_LIMIT, strict: true }),
  (req, _res, next) => {
    if (req.body !== undefined) req.body = normalizeInput(req.body);
    next();
  },
];

/**
 * Query strings are parsed flat (`a[b]=c` stays the key `a[b]`, never a nested object), repeated keys
 * become arrays, and everything is normalised like the body.
 */
export function parseQuery(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [key, value] of new URLSearchParams(query)) {
    const previous = out[key];
    out[key] = previous === undefined ? value : ([] as string[]).concat(previous, value);
  }
  return normalizeInput(out) as Record<string, string | string[]>;
}
