/** The one embedded engine of a test run, started by the root hooks. */
import type { Engine } from '../../src/lib/db/engine.js';

let current: Engine | undefined;

export function setTestEngine(engine: Engine | undefined): void {
  current = engine;
}

export function testEngine(): Engine {
  if (!current) throw new Error('the test engine is not running (see test/helpers/hooks.ts)');
  return current;
}
