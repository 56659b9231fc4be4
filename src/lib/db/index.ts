/**
 * Opens the database Haven runs on: MONGODB_URI when it is set, else the embedded engine on the data
 * directory, shared with any other Haven process already running on it (DATABASE.md).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { config } from '../../config/index.js';
import { connect, disconnect } from './connection.js';
import { EngineUnavailableError, ensureEngineBinary, startEngine, type Engine } from './engine.js';

export { engineScansOnly, isDatabaseUnavailable, isConnected, ping, syncIndexes } from './connection.js';
export { EngineUnavailableError } from './engine.js';

export interface OpenDatabase {
  /** Where the data is, for people (never holds credentials). */
  readonly description: string;
  close(): Promise<void>;
}

type Say = (message: string) => void;

const ENGINE_FILE = 'engine.json';

interface EngineRecord {
  /** The Haven process that owns the engine. */
  pid: number;
  uri: string;
  port: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function runningEngine(dataDir: string): Promise<EngineRecord | undefined> {
  const file = path.join(dataDir, ENGINE_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as EngineRecord;
    if (isAlive(record.pid) && (await answers(record.port))) return record;
  } catch {
    // A broken record is treated as no record.
  }
  return undefined;
}

export const WAYS_OUT =
  'Haven needs a database. Any one of these works:\n' +
  '  - install Go (1.24 or newer) so Haven can build its embedded engine, then start again;\n' +
  '  - set MONGODB_URI to a MongoDB 7 (or newer) server or replica set;\n' +
  '  - run `docker compose up` on a machine with Docker (see README.md).';

async function memoryServer(say: Say): Promise<{ uri: string; stop: () => Promise<unknown> }> {
  say('Go is not installed: falling back to mongodb-memory-server, which downloads a real mongod (needs internet).');
  try {
    const { MongoMemoryServer } = await import('mongodb-memory-server-core');
    const server = await MongoMemoryServer.create({ instance: { ip: '127.0.0.1' } });
    say('Using a temporary in-memory mongod: data is lost when Haven stops.');
    return { uri: server.getUri(), stop: () => server.stop() };
  } catch (err) {
    throw new EngineUnavailableError(
      `mongodb-memory-server could not provide a database (${(err as Error).message}).\n${WAYS_OUT}`,
    );
  }
}

/**
 * Starts (or joins) the engine on the configured data directory and connects mongoose to it.
 */
export async function openDatabase(say: Say = () => {}): Promise<OpenDatabase> {
  if (config.mongodbUri) {
    await connect(config.mongodbUri, config.mongodbDb);
    return { description: 'the MongoDB server in MONGODB_URI', close: disconnect };
  }

  const dataDir = config.dataDir;
  const shared = await runningEngine(dataDir);
  if (shared) {
    await connect(shared.uri, config.mongodbDb);
    return { description: `the embedded engine already running on ${dataDir}`, close: disconnect };
  }

  const binary = await ensureEngineBinary(config.engineCache, say);
  if (!binary) {
    const memory = await memoryServer(say);
    await connect(memory.uri, config.mongodbDb);
    return {
      description: 'a temporary mongodb-memory-server',
      close: async () => {
        await disconnect();
        await memory.stop();
      },
    };
  }

  const engine: Engine = await startEngine({ binary, dataDir, say });
  try {
    await connect(engine.uri, config.mongodbDb);
  } catch (err) {
    await engine.stop();
    throw err;
  }
  // Other Haven processes on this data directory (the CLI) join this engine instead of starting one.
  // The pid is ours, not the engine's: it stays the same when the engine is restarted on its port.
  const record: EngineRecord = { pid: process.pid, uri: engine.uri, port: engine.port };
  writeFileSync(path.join(dataDir, ENGINE_FILE), JSON.stringify(record) + '\n', { mode: 0o600 });
  return {
    description: `the embedded engine (FerretDB, SQLite files in ${dataDir})`,
    close: async () => {
      await disconnect();
      await engine.stop();
      rmSync(path.join(dataDir, ENGINE_FILE), { force: true });
    },
  };
}
