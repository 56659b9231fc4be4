import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createServer } from 'node:net';
import { expect } from 'chai';
import request from 'supertest';
import { config } from '../../src/config/index.js';
import { ROOT } from '../../src/lib/paths.js';
import { ROLES } from '../../src/domain/permissions.js';
import { plant } from '../helpers/secrets.js';

// The same loader `npm start` uses, named by path so that children started in another folder find it.
const TSX_LOADER = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

interface Run {
  code: number | null;
  out: string;
}

function run(script: string, args: string[], env: Record<string, string>, until?: RegExp): { done: Promise<Run>; ready: Promise<void>; kill: (s: NodeJS.Signals) => void; output: () => string } {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, path.join(ROOT, script), ...args], {
    cwd: env.CWD,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, HAVEN_ENGINE_CACHE: config.engineCache, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let signalReady: () => void;
  const ready = new Promise<void>((resolve) => (signalReady = resolve));
  const collect = (chunk: Buffer) => {
    out += chunk.toString();
    if (until?.test(out)) signalReady();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const done = new Promise<Run>((resolve) => child.on('exit', (code) => resolve({ code, out })));
  return { done, ready, kill: (s) => child.kill(s), output: () => out };
}

describe('npm start and the CLI share one database', () => {
  let cwd: string;
  before(() => {
    cwd = mkdtempSync(path.join(tmpdir(), 'haven-cli-'));
  });
  after(() => rmSync(cwd, { recursive: true, force: true }));

  it('start seeds an empty database once and says what it made; the CLI joins its engine; SIGTERM stops cleanly', async function () {
    this.timeout(90_000);
    const env = { CWD: cwd, NODE_ENV: 'development', HAVEN_DATA_DIR: path.join(cwd, 'data'), PORT: '0', LOG_LEVEL: 'warn' };
    const server = run('src/server.ts', [], env, /Haven is running/);
    await Promise.race([server.ready, server.done.then((r) => Promise.reject(new Error(r.out)))]);
    expect(existsSync(path.join(cwd, 'data', 'engine.json'))).to.equal(true);

    const seed = await run('src/cli/index.ts', ['seed:demo'], env).done;
    expect(seed.code, seed.out).to.equal(0);
    expect(seed.out).to.include('already running');
    expect(seed.out).to.match(/0 created, \d+ already present/);

    const indexes = await run('src/cli/index.ts', ['db:indexes'], env).done;
    expect(indexes.code, indexes.out).to.equal(0);
    expect(indexes.out).to.include('Organisation: indexes in sync');

    server.kill('SIGTERM');
    const stopped = await server.done;
    expect(stopped.code, stopped.out).to.equal(0);
    expect(stopped.out).to.match(/Seeded demo data[\s\S]*PH-DEMO-LIWANAG/);
    expect(existsSync(path.join(cwd, 'data', 'engine.json'))).to.equal(false);

    // Started again on the same data: nothing is seeded a second time.
    const again = run('src/server.ts', [], env, /Haven is running/);
    await again.ready;
    again.kill('SIGTERM');
    expect((await again.done).out).to.not.include('Seeded demo data');
  });

  it('a newcomer signs in as every demo role by following what npm start prints', async function () {
    this.timeout(120_000);
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = probe.address() as { port: number };
        probe.close(() => resolve(p));
      });
    });
    const env = { CWD: cwd, NODE_ENV: 'development', HAVEN_DATA_DIR: path.join(cwd, 'newcomer'), PORT: String(port), LOG_LEVEL: 'warn' };
    const server = run('src/server.ts', [], env, /Haven is running/);
    await Promise.race([server.ready, server.done.then((r) => Promise.reject(new Error(r.out)))]);
    try {
      const printed = server.output();
      const password = plant(/password for all of them: (.+)/.exec(printed)![1]!.trim());
      const accounts = [...printed.matchAll(/^ {2}(\w+) +(\S+@\S+) +\S+$/gm)].map((m) => ({ role: m[1]!, email: m[2]! }));
      expect(new Set(accounts.map((a) => a.role))).to.deep.equal(new Set(ROLES));
      expect(printed).to.include('npm run cli -- demo:totp <email>');
      const base = `http://127.0.0.1:${port}`;
      for (const role of ROLES) {
        const { email } = accounts.find((a) => a.role === role)!;
        const agent = request.agent(base);
        const form = await agent.get('/login');
        const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
        const signedIn = await agent.post('/login').type('form').send({ _csrf: csrf, email, password });
        expect(signedIn.headers.location, role).to.match(/^\/mfa/);
        const totp = await run('src/cli/index.ts', ['demo:totp', email], env).done;
        expect(totp.code, totp.out).to.equal(0);
        const code = plant(/^(\d{6})$/m.exec(totp.out)![1]!);
        const mfa = await agent.get('/mfa');
        const done = await agent.post('/mfa').type('form').send({ _csrf: /name="_csrf" value="([^"]+)"/.exec(mfa.text)![1]!, code });
        expect(done.status, role).to.equal(303);
        expect((await agent.get('/account')).status, role).to.equal(200);
      }

      const created = await run('src/cli/index.ts', ['user:create', '--email', 'first.admin@test.haven.example', '--role', 'admin', '--org', 'KH-DEMO-PONLEU'], env).done;
      expect(created.code, created.out).to.equal(0);
      plant(/One-time password[^:]*: (\S+)/.exec(created.out)![1]!);
      expect(/Authenticator key[^:]*: ([A-Z2-7]{32})/.exec(created.out), created.out).to.not.equal(null);
      plant(/Authenticator key[^:]*: ([A-Z2-7]{32})/.exec(created.out)![1]!);
      const refused = await run('src/cli/index.ts', ['demo:totp', 'caseworker.ph@demo.haven.example'], { ...env, DEMO: 'false' }).done;
      expect(refused.code).to.equal(1);
      expect(refused.out).to.include('only in demo mode');
    } finally {
      server.kill('SIGTERM');
      await server.done;
    }
  });

  it('without cargo, a mongod or an engine, tries mongodb-memory-server and then lists the three ways out', async function () {
    this.timeout(60_000);
    const noGo = path.join(cwd, 'empty-path');
    mkdirSync(noGo);
    const res = await run('src/cli/index.ts', ['db:indexes'], {
      CWD: cwd,
      NODE_ENV: 'test',
      PATH: noGo,
      HAVEN_DATA_DIR: path.join(cwd, 'nogo-data'),
      HAVEN_ENGINE_CACHE: path.join(cwd, 'no-engine-here'),
      // mongodb-memory-server's own settings: download into the temp folder from a closed local port.
      MONGOMS_DOWNLOAD_DIR: path.join(cwd, 'mongodb-binaries'),
      MONGOMS_DOWNLOAD_MIRROR: 'https://127.0.0.1:9',
    }).done;
    expect(res.code).to.equal(1);
    expect(res.out).to.include('MONGODB_URI').and.include('docker compose up').and.include('mongod').and.include('cargo');
    expect(res.out).to.not.include('Database engine:');
  });

  it('the CLI names unknown commands and lists the known ones', async () => {
    const res = await run('src/cli/index.ts', ['no:such'], { CWD: cwd, NODE_ENV: 'test' }).done;
    expect(res.code).to.equal(2);
    expect(res.out).to.include('Unknown command: no:such').and.include('seed:demo').and.include('db:indexes');
  });
});
