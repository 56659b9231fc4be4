/** Start-up work on the database that every entry point (server, CLI) shares. */
import '../models/index.js';
import { syncIndexes } from '../lib/db/index.js';

/** Builds every index the schemas declare; returns the models and the indexes dropped as stale. */
export async function ensureIndexes(): Promise<Record<string, string[]>> {
  return syncIndexes();
}
