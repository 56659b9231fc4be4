/**
 * The database a benchmark runs on: the embedded engine in a scratch folder, or the server in
 * MONGODB_URI with a scratch database dropped at the end. `close()` undoes whichever it was.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { config } from '../src/config/index.js';
import { connect, disconnect } from '../src/lib/db/connection.js';
import { ensureEngineBinary, startEngine, SECANTUS_VERSION } from '../src/lib/db/engine.js';
import { ensureIndexes } from '../src/services/database.js';

export interface ScratchDatabase {
  /** The embedded engine's process, to read its memory; undefined on MONGODB_URI. */
  engine: Awaited<ReturnType<typeof startEngine>> | undefined;
  /** What the figures were measured on, for the benchmark's first lines. */
  line: string;
  close: () => Promise<void>;
}

export async function scratchDatabase(): Promise<ScratchDatabase> {
  const dir = mkdtempSync(path.join(tmpdir(), 'haven-bench-'));
  const external = config.mongodbUri;
  let engine: ScratchDatabase['engine'];
  let line: string;
  if (external) {
    await connect(external, `haven_bench_${Date.now()}`);
    const info = await mongoose.connection.db!.admin().command({ buildInfo: 1 }).catch(() => ({ version: '?' }));
    line = `MONGODB_URI (server ${String(info.version)}), scratch database ${mongoose.connection.db!.databaseName}, dropped at the end`;
  } else {
    const binary = await ensureEngineBinary(config.engineCache, console.log);
    if (!binary) throw new Error('the benchmark needs the embedded engine (secantusd-rs, built with cargo) or MONGODB_URI');
    engine = await startEngine({ binary, dataDir: dir, autoRestart: false });
    await connect(engine.uri, 'bench');
    line = `secantusd-rs ${SECANTUS_VERSION} (embedded, pid ${engine.pid}, --cache-size 256M, --sync-on-commit)`;
  }
  await ensureIndexes();
  return {
    engine,
    line,
    close: async () => {
      if (external) await mongoose.connection.db?.dropDatabase();
      await disconnect();
      await engine?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
