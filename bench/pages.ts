/**
 * `npm run bench -- pages`, in sections:
 * - first-visit bytes: what a browser with an empty cache downloads for a page (HTML, stylesheets,
 *   fonts, icon; compressed as sent), signed out and signed in as the demo caseworker, in English and
 *   in Thai, measured in Chromium so that only the fonts the page really uses are counted;
 * - throughput: the home and sign-in pages under 20 concurrent connections, against a bare Express
 *   page that renders the same template without Haven's middleware (the ratio shows their cost);
 * - start page: `/` signed in as each demo role, against a bare render of the same service call.
 * `npm run bench -- pages first` runs the first section only (see SECTIONS).
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
import { seedDemoCases } from '../src/services/demo/cases.js';
import { seedDemo } from '../src/services/demo/seed.js';
import { demoTotp } from '../src/services/demo/totp.js';
import { startPageThroughput } from './start-page.js';
import { DEMO_PASSWORD } from '../src/services/demo/users.js';
import { useViews } from '../src/views/engine.js';
import { chooseLanguage, firstVisit, launchChromium, signedInContext, visitRow } from './first-visit.js';
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

/** What each section of the benchmark is given: Haven and the bare app, listening on 127.0.0.1. */
export interface PagesBench {
  haven: Server;
  bare: Server;
}

const PROTOCOL = { connections: 20, seconds: 5 };
/** The demo caseworker the signed-in figures are taken as (an organisation with demo cases). */
const CASEWORKER = 'caseworker.ph@demo.haven.example';

/**
 * First-visit bytes (compressed, every request) of the pages a visitor and the demo caseworker open
 * first, in English and in Thai: signed out by the browser's language, signed in by the profile's.
 */
export async function firstVisitBytes({ haven }: PagesBench): Promise<void> {
  const base = urlOf(haven, '');
  await seedDemo();
  const cases = await seedDemoCases();
  console.log(`first-visit bytes (compressed bodies of every request, empty cache; ${cases} demo cases seeded)`);
  const browser = await launchChromium();
  try {
    for (const [lng, locale] of [['en', 'en-GB'], ['th', 'th-TH']] as const) {
      for (const p of ['/', '/login']) console.log(visitRow(`signed out ${lng} ${p}`, await firstVisit(browser, base, p, { locale })));
    }
    const session = await signedInContext(browser, base, { email: CASEWORKER, password: DEMO_PASSWORD }, async () => {
      const code = await demoTotp(CASEWORKER);
      if (!code) throw new Error(`${CASEWORKER} has no second factor: was the demo seeded?`);
      return code;
    });
    try {
      const list = session.pages()[0]!;
      await list.goto(`${base}/cases`);
      const href = await list.locator('a[href^="/cases/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')).find((h) => /^\/cases\/[0-9a-f]{24}$/.test(h ?? '')));
      if (!href) throw new Error('the case list shows no case to open');
      for (const lng of ['en', 'th']) {
        await chooseLanguage(session, base, lng);
        const cookies = await session.cookies();
        for (const [label, p] of [['/', '/'], ['/cases', '/cases'], ['a case page', href]] as const) {
          console.log(visitRow(`signed in ${lng} ${label}`, await firstVisit(browser, base, p, { cookies })));
        }
      }
    } finally {
      await session.close();
    }
  } finally {
    await browser.close();
  }
}

/** The home and sign-in pages under load, against the bare render of the home page. */
export async function throughput({ haven, bare }: PagesBench): Promise<void> {
  const { connections, seconds } = PROTOCOL;
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
}

/**
 * The sections `npm run bench -- pages` runs, in order, on one database and one pair of servers.
 * The start page's requests per second against a bare render of the same queries belongs here as one
 * more section (after the demo data that firstVisitBytes seeds).
 */
export const SECTIONS: readonly { name: string; run: (bench: PagesBench) => Promise<void> }[] = [
  { name: 'first-visit bytes', run: firstVisitBytes },
  { name: 'throughput', run: throughput },
  { name: 'start page', run: ({ haven }) => startPageThroughput({ haven, viewCache: true }) },
];

/** `npm run bench -- pages throughput` runs only the sections whose name starts with that word. */
export async function run(): Promise<void> {
  const only = process.argv[3];
  const sections = SECTIONS.filter((s) => !only || s.name.startsWith(only));
  if (sections.length === 0) throw new Error(`No section ${only}. Known: ${SECTIONS.map((s) => s.name).join(', ')}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'haven-bench-'));
  const binary = await ensureEngineBinary(config.engineCache, console.log);
  if (!binary) throw new Error('the benchmark needs the embedded engine (secantusd-rs, built with cargo)');
  const db = await startEngine({ binary, dataDir: dir, autoRestart: false });
  await connect(db.uri, 'bench');
  // Templates compiled once, as in production (development compiles them on every request).
  const havenApp = await createApp();
  const bareExpress = await bareApp();
  havenApp.set('view cache', true);
  bareExpress.set('view cache', true);
  const haven = await listen(havenApp);
  const bare = await listen(bareExpress);
  try {
    for (const section of sections) {
      console.log(`\n== ${section.name}`);
      await section.run({ haven, bare });
    }
    console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB (benchmark process: app, bare app and load generator)`);
  } finally {
    haven.close();
    bare.close();
    await disconnect();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
