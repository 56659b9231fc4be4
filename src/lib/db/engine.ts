/**
 * The embedded engine (DATABASE.md): FerretDB v1.24.2 with its SQLite handler, built from the small
 * wrapper module in tools/ferretdb and cached outside the checkout, keyed by version and wrapper source.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ENGINE_SOURCE_DIR } from '../paths.js';

export const FERRETDB_VERSION = 'v1.24.2';
const READY_TIMEOUT_MS = 30_000;
const RESTART_DELAYS_MS = [200, 500, 1000, 2000, 5000];

export class EngineUnavailableError extends Error {
  override name = 'EngineUnavailableError';
}

type Say = (message: string) => void;

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of ['go.mod', 'go.sum', 'main.go']) {
    hash.update(file).update(readFileSync(path.join(ENGINE_SOURCE_DIR, file)));
  }
  return hash.digest('hex').slice(0, 12);
}

export function engineBinaryPath(cacheDir: string): string {
  return path.join(cacheDir, `ferretdb-${FERRETDB_VERSION}-${sourceHash()}`, 'haven-ferretdb');
}

export function hasGo(): boolean {
  const probe = spawnSync('go', ['version'], { stdio: 'ignore' });
  return probe.status === 0;
}

/**
 * Returns the engine binary, building it first if needed (a few minutes the first time).
 * Returns undefined when there is no binary and no Go toolchain to build one.
 */
export async function ensureEngineBinary(cacheDir: string, say: Say): Promise<string | undefined> {
  // A production image carries no engine source: it runs on MONGODB_URI.
  if (!existsSync(path.join(ENGINE_SOURCE_DIR, 'go.mod'))) return undefined;
  const binary = engineBinaryPath(cacheDir);
  if (existsSync(binary)) return binary;
  if (!hasGo()) return undefined;
  mkdirSync(path.dirname(binary), { recursive: true });
  say(`Building the embedded database engine (FerretDB ${FERRETDB_VERSION}) into ${path.dirname(binary)}; ` +
    'the first build takes a few minutes and is reused afterwards.');
  const started = Date.now();
  // Build to a private name, then rename: two processes building at once never see half a binary.
  const partial = `${binary}.${process.pid}.partial`;
  // Asynchronous, so that a server that is already listening keeps answering (503) during the build.
  const status = await new Promise<number | null>((resolve) => {
    const build = spawn('go', ['build', '-mod=mod', '-trimpath', '-o', partial, '.'], {
      cwd: ENGINE_SOURCE_DIR,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    build.once('error', () => resolve(null));
    build.once('exit', (code) => resolve(code));
  });
  if (status !== 0 || !existsSync(partial)) {
    rmSync(partial, { force: true });
    throw new EngineUnavailableError(`Building the embedded engine failed (go build exited with ${status}).`);
  }
  renameSync(partial, binary);
  say(`Engine built in ${Math.round((Date.now() - started) / 1000)} s.`);
  return binary;
}

export interface EngineOptions {
  binary: string;
  dataDir: string;
  /** 0 picks a free port; a restart keeps the port it got. */
  port?: number;
  /** Restart the engine when it stops on its own (default true). */
  autoRestart?: boolean;
  say?: Say;
}

export interface Engine {
  readonly uri: string;
  readonly port: number;
  readonly pid: number | undefined;
  /** Stops the engine; it is not restarted until start() is called. */
  stop(): Promise<void>;
  /** Starts a stopped engine again on the same port. */
  start(): Promise<void>;
}

interface Running {
  child: ChildProcess;
  uri: string;
  exited: Promise<void>;
}

function launch(binary: string, dataDir: string, port: number): Promise<Running> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const child = spawn(binary, ['-data', dataDir, '-listen', `127.0.0.1:${port}`, '-watch-stdin'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The engine's own log may quote documents: keep its last lines for an error message, never log them.
  const tail: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
  });
  return new Promise<Running>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new EngineUnavailableError('The embedded engine did not become ready in time.'));
    }, READY_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /^ready (mongodb:\/\/\S+)$/.exec(line);
      if (!match) return;
      clearTimeout(timer);
      resolve({ child, uri: match[1]!, exited });
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new EngineUnavailableError(`The embedded engine could not start: ${err.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new EngineUnavailableError(`The embedded engine exited with ${code}:\n${tail.join('\n')}`));
    });
  });
}

export async function startEngine(options: EngineOptions): Promise<Engine> {
  const say = options.say ?? (() => {});
  const autoRestart = options.autoRestart ?? true;
  let running: Running | undefined = await launch(options.binary, options.dataDir, options.port ?? 0);
  const port = Number(new URL(running.uri).port);
  const uri = running.uri;
  let stopping = false;
  let restartAttempt = 0;

  const watch = (r: Running) => {
    void r.exited.then(() => {
      if (stopping || running !== r || !autoRestart) return;
      running = undefined;
      void restart();
    });
  };

  const restart = async (): Promise<void> => {
    while (!stopping && !running) {
      const delay = RESTART_DELAYS_MS[Math.min(restartAttempt, RESTART_DELAYS_MS.length - 1)]!;
      restartAttempt += 1;
      say(`The embedded engine stopped unexpectedly; restarting it in ${delay} ms.`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (stopping) return;
      try {
        running = await launch(options.binary, options.dataDir, port);
        restartAttempt = 0;
        watch(running);
      } catch {
        running = undefined;
      }
    }
  };
  watch(running);

  return {
    uri,
    port,
    get pid() {
      return running?.child.pid;
    },
    async stop() {
      stopping = true;
      const r = running;
      running = undefined;
      if (!r) return;
      r.child.stdin?.end();
      r.child.kill('SIGTERM');
      const killer = setTimeout(() => r.child.kill('SIGKILL'), 5000);
      await r.exited;
      clearTimeout(killer);
    },
    async start() {
      if (running) return;
      stopping = false;
      running = await launch(options.binary, options.dataDir, port);
      watch(running);
    },
  };
}
