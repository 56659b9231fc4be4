/**
 * Opens the database Haven runs on (DATABASE.md): MONGODB_URI when it is set, else a local engine on the
 * data directory, shared with any other Haven process already running on it.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { config } from '../../config/index.js';
import { connect, disconnect } from './connection.js';
import { chooseEngine, configuredServer, describeChoice } from './choice.js';
import { isAlive, startEngine, type Engine } from './engine.js';

export { inTransaction, isDatabaseUnavailable, isConnected, ping, syncIndexes } from './connection.js';
export { EngineUnavailableError } from './engine.js';
export { WAYS_OUT } from './choice.js';

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

async function startMongod(binary: string, dataDir: string): Promise<{ uri: string; stop: () => Promise<unknown> }> {
  const { MongoMemoryReplSet } = await import('mongodb-memory-server-core');
  const dbPath = path.join(dataDir, 'mongod');
  mkdirSync(dbPath, { recursive: true, mode: 0o700 });
  // A one-member replica set, so that sessions and transactions work as in production.
  const set = await MongoMemoryReplSet.create({
    binary: { systemBinary: binary },
    replSet: { count: 1, name: 'haven', storageEngine: 'wiredTiger', ip: '127.0.0.1' },
    instanceOpts: [{ dbPath }],
  });
  return { uri: set.getUri(), stop: () => set.stop({ doCleanup: false }) };
}

/**
 * Connects mongoose to the engine chosen by lib/db/choice.ts: MONGODB_URI, else the engine already
 * running on the data directory (started by another Haven process), else one started here.
 */
export async function openDatabase(say: Say = () => {}): Promise<OpenDatabase> {
  const configured = configuredServer(config.mongodbUri);
  if (configured) {
    say(describeChoice(configured, ''));
    await connect(configured.uri, config.mongodbDb);
    return { description: 'the MongoDB server in MONGODB_URI', close: disconnect };
  }

  const dataDir = config.dataDir;
  const shared = await runningEngine(dataDir);
  if (shared) {
    say(`Database engine: the one already running on ${dataDir}, started by Haven process ${shared.pid}.`);
    await connect(shared.uri, config.mongodbDb);
    return { description: `the engine already running on ${dataDir}`, close: disconnect };
  }

  const choice = await chooseEngine({ uri: undefined, cacheDir: config.engineCache, say });
  let uri: string;
  let port: number;
  let stop: () => Promise<unknown>;
  if (choice.kind === 'mongod') {
    const mongod = await startMongod(choice.binary, dataDir);
    uri = mongod.uri;
    port = Number(new URL(uri).port);
    stop = mongod.stop;
  } else if (choice.kind === 'secantus') {
    const engine: Engine = await startEngine({ binary: choice.binary, dataDir, say });
    uri = engine.uri;
    port = engine.port;
    stop = () => engine.stop();
  } else {
    throw new Error('MONGODB_URI was handled above');
  }
  say(describeChoice(choice, dataDir));
  try {
    await connect(uri, config.mongodbDb);
  } catch (err) {
    await stop();
    throw err;
  }
  // Other Haven processes on this data directory (the CLI) join this engine instead of starting one.
  // The pid is ours, not the engine's: it stays the same when the engine is restarted on its port.
  const record: EngineRecord = { pid: process.pid, uri, port };
  writeFileSync(path.join(dataDir, ENGINE_FILE), JSON.stringify(record) + '\n', { mode: 0o600 });
  return {
    description: choice.kind === 'mongod' ? `mongod on ${dataDir}` : `the embedded engine (secantusd-rs, WiredTiger files in ${dataDir})`,
    close: async () => {
      await disconnect();
      await stop();
      rmSync(path.join(dataDir, ENGINE_FILE), { force: true });
    },
  };
}
