import express, { type Request, type RequestHandler } from 'express';
import { Invalid } from '../domain/errors.js';
import { normalizeInput } from '../lib/i18n/normalize.js';

export const BODY_LIMIT = '100kb';

/** Keys that pollute an object a naive merge copies them into (SECURITY.md I3). */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Whether a parsed body holds a prototype key at any depth. Walked with a list, not by recursion, so
 * a body nested thousands of levels deep (JSON allows it) is checked to the bottom.
 */
export function hasPrototypeKey(body: unknown): boolean {
  const pending: unknown[] = [body];
  while (pending.length > 0) {
    const value = pending.pop();
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (const v of value) pending.push(v);
      continue;
    }
    for (const [key, v] of Object.entries(value)) {
      if (PROTOTYPE_KEYS.has(key.normalize('NFC'))) return true;
      pending.push(v);
    }
  }
  return false;
}

/**
 * Form and JSON bodies up to BODY_LIMIT (larger: 413), with every string in NFC. A body carrying a
 * `__proto__`, `constructor` or `prototype` key is refused (422) like a malformed one, before anything
 * reads it: such a key is never a field of a form, so it is an attack or a broken client, and saying so
 * beats dropping it silently. Uploads have routes of their own with their own limits.
 */
export const bodyParsers: RequestHandler[] = [
  express.urlencoded({
    extended: false,
    limit: BODY_LIMIT,
    parameterLimit: 200,
    // The form parser drops a `__proto__` field without a word; the raw fields are looked at first.
    verify: (req, _res, raw) => {
      const keys = new URLSearchParams(raw.toString('utf8')).keys();
      if ([...keys].some((k) => PROTOTYPE_KEYS.has(k.normalize('NFC')))) (req as Request & { prototypeKey?: boolean }).prototypeKey = true;
    },
  }),
  express.json({ limit: BODY_LIMIT, strict: true }),
  (req, _res, next) => {
    if (req.body === undefined) return next();
    if ((req as Request & { prototypeKey?: boolean }).prototypeKey || hasPrototypeKey(req.body)) return next(new Invalid({ _form: 'common:form.unknownField' }));
    req.body = normalizeInput(req.body);
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
