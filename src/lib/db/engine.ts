/**
 * The embedded engine (DATABASE.md): SecantusDB's Rust server `secantusd-rs`, MongoDB's wire protocol
 * and query language over WiredTiger, built once from crates.io with cargo into a cache outside the
 * checkout, keyed by its exact version, and run as a child process on loopback.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

/** The crate, pinned exactly: a new version is a deliberate change, tested like any other. */
export const SECANTUS_CRATE = 'secantus-mdb';
export const SECANTUS_VERSION = '0.5.3-beta.196';
const BINARY_NAME = 'secantusd-rs';
/** The replica set name the engine advertises in `hello`. */
export const SECANTUS_SET_NAME = 'secantus';

const READY_TIMEOUT_MS = 60_000;
const RESTART_DELAYS_MS = [200, 500, 1000, 2000, 5000];
/** How long a build may hold the lock before a waiting process gives up on it. */
const BUILD_WAIT_MS = 45 * 60_000;

export class EngineUnavailableError extends Error {
  override name = 'EngineUnavailableError';
}

type Say = (message: string) => void;

function engineDir(cacheDir: string): string {
  return path.join(cacheDir, `secantus-${SECANTUS_VERSION}`);
}

export function engineBinaryPath(cacheDir: string): string {
  return path.join(engineDir(cacheDir), 'bin', BINARY_NAME);
}

export function hasCargo(): boolean {
  return spawnSync('cargo', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Whether a process of this pid runs (one of another user counts as running). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the build lock: a file created exclusively, holding the builder's pid. A lock left by a
 * process that no longer runs is taken over; one held by a live process is waited for.
 */
async function takeLock(lockFile: string, binary: string, say: Say): Promise<'locked' | 'built'> {
  const started = Date.now();
  let told = false;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return 'locked';
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number(readFileSync(lockFile, 'utf8').trim());
    if (!Number.isInteger(holder) || holder <= 0 || !isAlive(holder)) {
      rmSync(lockFile, { force: true });
      continue;
    }
    if (!told) {
      say(`Another process (pid ${holder}) is building the embedded engine; waiting for it to finish.`);
      told = true;
    }
    if (existsSync(binary)) return 'built';
    if (Date.now() - started > BUILD_WAIT_MS) throw new EngineUnavailableError(`Gave up waiting for the engine build of pid ${holder}.`);
    await sleep(2000);
  }
}

/**
 * Returns the engine binary, building it first if needed (8-12 minutes on 2 cores, once per version).
 * Returns undefined when there is no binary and no cargo to build one.
 */
export async function ensureEngineBinary(cacheDir: string, say: Say): Promise<string | undefined> {
  const binary = engineBinaryPath(cacheDir);
  if (existsSync(binary)) return binary;
  if (!hasCargo()) return undefined;
  mkdirSync(cacheDir, { recursive: true });
  const lockFile = `${engineDir(cacheDir)}.lock`;
  if ((await takeLock(lockFile, binary, say)) === 'built') return binary;
  try {
    if (existsSync(binary)) return binary;
    await build(cacheDir, binary, say);
    return binary;
  } finally {
    rmSync(lockFile, { force: true });
  }
}

async function build(cacheDir: string, binary: string, say: Say): Promise<void> {
  // Built into a private root, then renamed into place: nobody ever runs half a binary.
  const partial = `${engineDir(cacheDir)}.${process.pid}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const logFile = path.join(cacheDir, `secantus-${SECANTUS_VERSION}.build.log`);
  say(
    `Building the embedded database engine (${SECANTUS_CRATE} ${SECANTUS_VERSION}, from crates.io) into ${engineDir(cacheDir)}.\n` +
      `This happens once and takes about 8-12 minutes on 2 cores; later starts take a second. Build log: ${logFile}`,
  );
  const started = Date.now();
  const log = createWriteStream(logFile);
  const tty = process.stdout.isTTY === true;
  let compiled = 0;
  let lastLine = 0;
  const progress = (final = false) => {
    const seconds = Math.round((Date.now() - started) / 1000);
    const line = `  engine build: ${compiled} crates compiled, ${Math.floor(seconds / 60)} min ${seconds % 60} s`;
    if (tty) process.stdout.write(`\r${line}${final ? '\n' : ''}`);
    else if (final || Date.now() - lastLine > 60_000) {
      say(line);
      lastLine = Date.now();
    }
  };
  const ticker = setInterval(() => progress(), tty ? 1000 : 5000);
  // Asynchronous, so that a server that is already listening keeps answering (503) during the build.
  const status = await new Promise<number | null>((resolve) => {
    const child = spawn(
      'cargo',
      // The crate declares a newer rust-version than some toolchains have; it builds on them all the same.
      ['install', '--color', 'never', '--locked', '--ignore-rust-version', '--force', SECANTUS_CRATE, '--version', SECANTUS_VERSION, '--root', partial],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.pipe(log, { end: false });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      log.write(`${line}\n`);
      if (/^\s*Compiling /.test(line)) compiled += 1;
    });
    child.once('error', () => resolve(null));
    child.once('exit', (code) => resolve(code));
  });
  clearInterval(ticker);
  progress(true);
  await new Promise((resolve) => log.end(resolve));
  const built = path.join(partial, 'bin', BINARY_NAME);
  if (status !== 0 || !existsSync(built)) {
    rmSync(partial, { recursive: true, force: true });
    const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-15).join('\n') : '';
    throw new EngineUnavailableError(
      `Building the embedded engine failed (cargo exited with ${status}). It needs cargo, cmake and a C compiler.\n${tail}`,
    );
  }
  rmSync(engineDir(cacheDir), { recursive: true, force: true });
  renameSync(partial, engineDir(cacheDir));
  say(`Engine built in ${Math.round((Date.now() - started) / 1000)} s.`);
}

export interface EngineOptions {
  binary: string;
  dataDir: string;
  /** 0 picks a free port; a restart keeps the port it got. */
  port?: number;
  /** Restart the engine when it stops on its own (default true). */
  autoRestart?: boolean;
  /**
   * Make every commit durable before it is acknowledged (default true). Only a throwaway test run
   * turns it off.
   */
  durable?: boolean;
  /** WiredTiger's cache (default 256M, which served 100,000 cases). */
  cacheSize?: string;
  /** Seconds between passes of the TTL monitor (default 60, as on mongod). */
  ttlSweepSeconds?: number;
  say?: Say;
}

export interface Engine {
  readonly uri: string;
  readonly port: number;
  /** The engine process itself (not its watcher), while it runs. */
  readonly pid: number | undefined;
  /** Stops the engine; it is not restarted until start() is called. */
  stop(): Promise<void>;
  /** Starts a stopped engine again on the same port. */
  start(): Promise<void>;
}

interface Running {
  /** The watcher shell; `pid` is the engine under it. */
  child: ChildProcess;
  pid: number;
  uri: string;
  exited: Promise<void>;
}

/**
 * The engine runs under a small POSIX shell that ends it when Haven's end of the shell's stdin closes,
 * which happens however Haven stops (even SIGKILL): no engine is left holding the data directory's lock.
 * It prints the engine's pid first, so that the engine itself can be signalled.
 */
const WATCHER = [
  'exec 3<&0',
  '"$0" "$@" 3<&- </dev/null &',
  'pid=$!',
  'echo "engine-pid $pid"',
  '{ read -r _ignored; kill -TERM "$pid" 2>/dev/null; } <&3 &',
  'watcher=$!',
  'wait "$pid"',
  'status=$?',
  'kill "$watcher" 2>/dev/null',
  'exit "$status"',
].join('\n');

export function engineArgs(options: EngineOptions, port: number, configFile: string): string[] {
  const args = [
    '--config', configFile,
    '--host', '127.0.0.1',
    '--port', String(port),
    '--storage-path', path.join(options.dataDir, 'wiredtiger'),
    '--cache-size', options.cacheSize ?? '256M',
    '--log-level', 'WARNING',
  ];
  if (options.durable ?? true) args.push('--sync-on-commit');
  return args;
}

/**
 * The engine's own settings file. Naming one turns off the engine's search of the working and home
 * folders for a `secantusd.toml`, so that a stray file there cannot change how Haven's engine runs.
 */
function writeConfig(options: EngineOptions): string {
  const file = path.join(options.dataDir, 'secantusd.toml');
  writeFileSync(file, `# Written by Haven at each start of its embedded engine.\n[storage]\nttl_sweep_seconds = ${options.ttlSweepSeconds ?? 60}\n`, { mode: 0o600 });
  return file;
}

function launch(options: EngineOptions, port: number): Promise<Running> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const configFile = writeConfig(options);
  const child = spawn('/bin/sh', ['-c', WATCHER, options.binary, ...engineArgs(options, port, configFile)], {
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
    let pid: number | undefined;
    const timer = setTimeout(() => {
      if (pid) process.kill(pid, 'SIGKILL');
      child.kill('SIGKILL');
      reject(new EngineUnavailableError('The embedded engine did not become ready in time.'));
    }, READY_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const started = /^engine-pid (\d+)$/.exec(line);
      if (started) pid = Number(started[1]);
      const match = /listening on (\S+):(\d+)\s*$/.exec(line);
      if (!match || !pid) return;
      clearTimeout(timer);
      const uri = `mongodb://127.0.0.1:${match[2]}/?directConnection=true`;
      resolve({ child, pid, uri, exited });
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
  let running: Running | undefined = await launch(options, options.port ?? 0);
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
      await sleep(delay);
      if (stopping) return;
      try {
        running = await launch(options, port);
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
      return running?.pid;
    },
    async stop() {
      stopping = true;
      const r = running;
      running = undefined;
      if (!r) return;
      // SIGTERM makes the engine checkpoint and close WiredTiger cleanly; closing stdin ends the watcher.
      try {
        process.kill(r.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      r.child.stdin?.end();
      const killer = setTimeout(() => {
        try {
          process.kill(r.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, 10_000);
      await r.exited;
      clearTimeout(killer);
    },
    async start() {
      if (running) return;
      stopping = false;
      running = await launch(options, port);
      watch(running);
    },
  };
}
