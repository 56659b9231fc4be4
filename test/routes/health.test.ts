import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { config } from '../../src/config/index.js';
import { connect, disconnect } from '../../src/lib/db/connection.js';
import { ensureEngineBinary, startEngine, type Engine } from '../../src/lib/db/engine.js';
import { testApp } from '../helpers/app.js';

/** Polls until `check` holds, failing after `ms`. Returns how long it took. */
async function within(ms: number, what: string, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (await check()) return Date.now() - started;
    await sleep(100);
  }
  throw new Error(`${what} did not happen within ${ms} ms`);
}

describe('health and a database outage (SECURITY.md V1)', () => {
  let engine: Engine;
  let dir: string;
  let app: Express;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'haven-outage-'));
    const binary = (await ensureEngineBinary(config.engineCache, () => {}))!;
    engine = await startEngine({ binary, dataDir: dir, autoRestart: true });
    await disconnect();
    await connect(engine.uri, 'outage');
    app = await testApp();
  });
  after(async () => {
    await disconnect();
    await engine.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GET /healthz and /readyz say only that Haven is up and ready', async () => {
    expect((await request(app).get('/healthz').expect(200)).body).to.deep.equal({ status: 'ok' });
    expect((await request(app).get('/readyz').expect(200)).body).to.deep.equal({ status: 'ready' });
  });

  it('answers 503 pages and /readyz 503 within 5 s of the database going away, and recovers by itself', async () => {
    await request(app).get('/?lng=th').expect(200);
    await engine.stop();

    await within(5000, '/readyz 503', async () => (await request(app).get('/readyz')).status === 503);
    expect((await request(app).get('/readyz')).body).to.deep.equal({ status: 'unavailable' });
    await within(5000, 'a 503 page', async () => (await request(app).get('/?lng=th')).status === 503);
    const page = await request(app).get('/login?lng=th');
    expect(page.status).to.equal(503);
    expect(page.headers['retry-after']).to.equal('30');
    expect(/<h1>([^<]+)<\/h1>/.exec(page.text)![1]).to.match(/[\u0E00-\u0E7F]/);
    expect((await request(app).get('/healthz')).status).to.equal(200);

    await engine.start();
    await within(20_000, 'recovery', async () => (await request(app).get('/readyz')).status === 200);
    await within(5000, 'pages again', async () => (await request(app).get('/?lng=th')).status === 200);
  });

  it('restarts an embedded engine that dies, and Haven reconnects', async () => {
    const pid = engine.pid!;
    process.kill(pid, 'SIGKILL');
    // The restart can be quicker than a poll, so wait for the new process rather than for a 503.
    await within(10_000, 'a new engine process', async () => engine.pid !== undefined && engine.pid !== pid);
    await within(20_000, 'recovery', async () => (await request(app).get('/readyz')).status === 200);
    await request(app).get('/').expect(200);
  });
});
