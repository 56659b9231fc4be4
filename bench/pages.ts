/**
 * `npm run bench -- pages`: the home and sign-in pages under 20 concurrent connections, against a bare
 * Express page that renders the same template without Haven's middleware (the ratio shows their cost).
 */
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { createApp } from '../src/app.js';
import { config } from '../src/config/index.js';
import { buildAssets } from '../src/lib/assets.js';
import { connect, disconnect } from '../src/lib/db/connection.js';
import { ensureEngineBinary, startEngine } from '../src/lib/db/engine.js';
import { createI18n } from '../src/lib/i18n/index.js';
import { useViews } from '../src/views/engine.js';
import { load, row } from './load.js';

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
}

function urlOf(server: Server, p: string): string {
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return `http://127.0.0.1:${address.port}${p}`;
}

async function bareApp(): Promise<express.Express> {
  const i18n = await createI18n();
  const app = express();
  useViews(app, buildAssets(), true);
  const t = i18n.getFixedT('th');
  const page = { lang: 'th', languages: [], reviewed: false, fonts: true, calendar: 'default' };
  app.get('/', (_req, res) => res.render('home/index', { t, page }));
  return app;
}

export async function run(): Promise<void> {
  const seconds = 5;
  const connections = 20;
  const dir = mkdtempSync(path.join(tmpdir(), 'haven-bench-'));
  const binary = await ensureEngineBinary(config.engineCache, console.log);
  if (!binary) throw new Error('the benchmark needs the embedded engine (secantusd-rs, built with cargo)');
  const db = await startEngine({ binary, dataDir: dir, autoRestart: false });
  await connect(db.uri, 'bench');
  const haven = await listen(await createApp());
  const bare = await listen(await bareApp());
  try {
    console.log(`pages: ${connections} connections, ${seconds} s each, Node ${process.version}, NODE_ENV=${config.env}`);
    await load(urlOf(bare, '/'), { connections, seconds: 1 }); // warm-up
    await load(urlOf(haven, '/?lng=th'), { connections, seconds: 1 });
    const baseline = await load(urlOf(bare, '/'), { connections, seconds });
    console.log(row('bare render (home, th)', baseline));
    for (const [p, status] of [['/?lng=th', 200], ['/login?lng=km', 200], ['/no-such-page?lng=my', 404]] as const) {
      const r = await load(urlOf(haven, p), { connections, seconds, status });
      console.log(row(`haven ${p}`, r, r.rps / baseline.rps));
    }
    const gz = await load(urlOf(haven, '/?lng=th'), { connections, seconds, headers: { 'accept-encoding': 'gzip' } });
    console.log(row('haven /?lng=th (gzip)', gz, gz.rps / baseline.rps));
    console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB (benchmark process: app, bare app and load generator)`);
  } finally {
    haven.close();
    bare.close();
    await disconnect();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
