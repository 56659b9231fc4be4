/**
 * Which database engine Haven runs on, in DATABASE.md's order, one function per choice: the server in
 * MONGODB_URI; else a real mongod (on PATH, cached by mongodb-memory-server, or fetched by it within a
 * few seconds); else the embedded secantusd-rs; else a message naming the ways out.
 */
import { spawnSync } from 'node:child_process';
import { EngineUnavailableError, SECANTUS_VERSION, ensureEngineBinary } from './engine.js';

export type EngineChoice =
  | { kind: 'uri'; uri: string }
  | { kind: 'mongod'; binary: string }
  | { kind: 'secantus'; binary: string };

type Say = (message: string) => void;

export const WAYS_OUT =
  'Haven needs a database. Any one of these works:\n' +
  '  - set MONGODB_URI to a MongoDB 7 (or newer) replica set, or run `docker compose up` with compose.yaml (README.md);\n' +
  '  - put a MongoDB 7+ `mongod` on PATH (or let mongodb-memory-server download one, which needs internet);\n' +
  `  - install Rust (cargo), cmake and a C compiler, so that Haven can build its embedded engine (secantusd-rs ${SECANTUS_VERSION}).`;

/** How long the download host of mongod may take to answer before Haven stops waiting for it. */
const FETCH_PROBE_MS = 3000;

/** 1. The server the operator named. */
export function configuredServer(uri: string | undefined): Extract<EngineChoice, { kind: 'uri' }> | undefined {
  return uri ? { kind: 'uri', uri } : undefined;
}

function mongodOnPath(): string | undefined {
  const found = spawnSync('mongod', ['--version'], { stdio: 'ignore' });
  return found.status === 0 ? 'mongod' : undefined;
}

/** 2. A real mongod: on PATH, in mongodb-memory-server's cache, or downloadable right now. */
export async function realMongod(say: Say): Promise<EngineChoice | undefined> {
  const onPath = mongodOnPath();
  if (onPath) return { kind: 'mongod', binary: onPath };
  try {
    const { DryMongoBinary, MongoBinary } = await import('mongodb-memory-server-core');
    const options = await DryMongoBinary.generateOptions();
    const cached = await DryMongoBinary.locateBinary(options);
    if (cached) return { kind: 'mongod', binary: cached };
    const { MongoBinaryDownloadUrl } = await import('mongodb-memory-server-core/lib/util/MongoBinaryDownloadUrl.js');
    const url = await new MongoBinaryDownloadUrl(options).getDownloadUrl();
    const answer = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(FETCH_PROBE_MS) });
    if (!answer.ok) return undefined;
    say(`Downloading mongod ${options.version} through mongodb-memory-server (once; it is cached afterwards).`);
    return { kind: 'mongod', binary: await MongoBinary.getPath(options) };
  } catch {
    // No cache and no download host within the probe's time: the next choice.
    return undefined;
  }
}

/** 3. The embedded engine, built once with cargo. */
export async function embeddedSecantus(cacheDir: string, say: Say): Promise<EngineChoice | undefined> {
  const binary = await ensureEngineBinary(cacheDir, say);
  return binary ? { kind: 'secantus', binary } : undefined;
}

/** 4. Nothing could be had. */
export function noEngine(): never {
  throw new EngineUnavailableError(WAYS_OUT);
}

export async function chooseEngine(options: { uri: string | undefined; cacheDir: string; say: Say }): Promise<EngineChoice> {
  return (
    configuredServer(options.uri) ??
    (await realMongod(options.say)) ??
    (await embeddedSecantus(options.cacheDir, options.say)) ??
    noEngine()
  );
}

/** The one line that says which engine runs. */
export function describeChoice(choice: EngineChoice, where: string): string {
  switch (choice.kind) {
    case 'uri':
      return 'Database engine: the MongoDB server in MONGODB_URI.';
    case 'mongod':
      return `Database engine: mongod (${choice.binary}), a one-member replica set on ${where}.`;
    case 'secantus':
      return `Database engine: secantusd-rs ${SECANTUS_VERSION} (embedded, for trying Haven, development and tests; WiredTiger files in ${where}).`;
  }
}
