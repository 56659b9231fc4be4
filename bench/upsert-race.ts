/**
 * `npm run bench -- upsert-race`: the smallest reproduction of how an engine answers upserts that race
 * on one missing key, with the driver alone. Twenty `findOneAndUpdate({ _id }, { $inc: { n: 1 } },
 * { upsert: true, returnDocument: 'after' })` at once, on a new key each round: MongoDB answers every one
 * with the document; secantusd-rs 0.5.3-beta.196 applies all twenty but answers some with null. It
 * prints how many answers were null, errors or documents, and whether every increment was applied.
 * Runs on the embedded engine, and on MONGODB_URI too when it is set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { config } from '../src/config/index.js';
import { ensureEngineBinary, startEngine } from '../src/lib/db/engine.js';

const ROUNDS = 200;
const AT_ONCE = 20;

async function race(label: string, uri: string): Promise<void> {
  const client = await MongoClient.connect(uri);
  const db = client.db(`haven_upsert_race_${Date.now()}`);
  try {
    const c = db.collection<{ _id: string; n: number }>('race');
    let documents = 0;
    let nulls = 0;
    let errors = 0;
    let lost = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const _id = `key${round}`;
      const answers = await Promise.all(
        Array.from({ length: AT_ONCE }, () => c.findOneAndUpdate({ _id }, { $inc: { n: 1 } }, { upsert: true, returnDocument: 'after' }).catch(() => 'error' as const)),
      );
      for (const a of answers) {
        if (a === 'error') errors += 1;
        else if (a === null) nulls += 1;
        else documents += 1;
      }
      const applied = (await c.findOne({ _id }))?.n ?? 0;
      if (applied !== AT_ONCE - answers.filter((a) => a === 'error').length) lost += 1;
    }
    console.log(`${label.padEnd(34)} ${ROUNDS * AT_ONCE} upserts: ${documents} documents, ${nulls} null answers, ${errors} errors; rounds with a lost increment: ${lost}`);
  } finally {
    await db.dropDatabase();
    await client.close();
  }
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'haven-upsert-race-'));
  const binary = await ensureEngineBinary(config.engineCache, console.log);
  if (!binary) throw new Error('the embedded engine cannot be built here (cargo is missing)');
  const engine = await startEngine({ binary, dataDir: dir, autoRestart: false });
  try {
    console.log(`upsert-race: ${ROUNDS} rounds of ${AT_ONCE} upserts at once on one missing key`);
    await race('secantusd-rs (embedded)', engine.uri);
    if (config.mongodbUri) await race('MONGODB_URI', config.mongodbUri);
  } finally {
    await engine.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
