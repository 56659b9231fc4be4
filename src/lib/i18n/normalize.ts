/**
 * Every text input is stored in Unicode NFC, and Burmese typed in Zawgyi is converted to Unicode first
 * (SECURITY.md I6, I18N.md).
 */
import { fromZawgyi } from './zawgyi.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function normalizeInput(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return fromZawgyi(value).normalize('NFC');
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => normalizeInput(v, depth + 1));
  // A fresh null-prototype object: keys such as __proto__ can neither pollute nor reach a schema.
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, v] of Object.entries(value)) {
    if (FORBIDDEN_KEYS.has(key)) continue;
    out[key.normalize('NFC')] = normalizeInput(v, depth + 1);
  }
  return out;
}
