/**
 * Root hooks: one embedded engine per test run on a temporary directory (DATABASE.md); each test file
 * gets its own database through useDatabase().
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { config } from '../../src/config/index.js';
import { disconnect } from '../../src/lib/db/connection.js';
import { ensureEngineBinary, startEngine } from '../../src/lib/db/engine.js';
import { setTestEngine, testEngine } from './engine.js';
import { TEST_DIR } from './env.js';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(30 * 60_000); // the very first run builds the engine
    const binary = await ensureEngineBinary(config.engineCache, (m) => process.stdout.write(`  ${m}\n`));
    if (!binary) throw new Error('The tests need cargo (Rust), cmake and a C compiler to build the embedded engine (DATABASE.md).');
    // A throwaway run: commits need not reach the disk before they are acknowledged. The TTL monitor
    // passes every second, so that a test can watch a document expire.
    setTestEngine(await startEngine({ binary, dataDir: path.join(TEST_DIR, 'engine'), autoRestart: false, durable: false, ttlSweepSeconds: 1 }));
  },
  async afterAll() {
    await disconnect();
    await testEngine().stop();
    setTestEngine(undefined);
    if (!process.env.KEEP_TEST_DIR) rmSync(TEST_DIR, { recursive: true, force: true });
  },
};
