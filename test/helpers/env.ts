/**
 * Loaded before anything else (see .mocharc.json): the environment the app's config reads in tests.
 * Logs of the whole run go to one file, so that a test can scan them (SECURITY.md D4).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const dir = mkdtempSync(path.join(tmpdir(), 'haven-test-'));
process.env.NODE_ENV = 'test';
process.env.HAVEN_DATA_DIR = path.join(dir, 'data');
process.env.LOG_FILE = path.join(dir, 'haven.log');
process.env.LOG_LEVEL = 'info';
process.env.DEMO = 'false';
delete process.env.MONGODB_URI;
delete process.env.PORT;

export const TEST_DIR = dir;
