/**
 * The signed-in start page (`/`) of each demo role under 20 concurrent connections, 5 s per figure,
 * against a bare render: the same service call (`startPage`) and the same template through Express's
 * `app.render`, in this process, with no HTTP, session, CSRF, access middleware or compression. The
 * ratio shows what HTTP and the middleware add to the page's own queries. It also prints how many
 * database calls one start page makes for each role.
 *
 * `startPageThroughput` is a section for `npm run bench -- pages` (Haven listening on a database; the
 * demo is seeded if it is not yet).
 */
import type { Server } from 'node:http';
import express from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import { config } from '../src/config/index.js';
import type { Caller, Role } from '../src/domain/permissions.js';
import { buildAssets } from '../src/lib/assets.js';
import { setClock } from '../src/lib/clock.js';
import { decrypt } from '../src/lib/crypto.js';
import { createI18n } from '../src/lib/i18n/index.js';
import { logger } from '../src/lib/logger.js';
import { currentTotp } from '../src/lib/totp.js';
import { UserModel } from '../src/models/user.js';
import { seedDemoCases } from '../src/services/demo/cases.js';
import { seedDemo } from '../src/services/demo/seed.js';
import { DEMO_PASSWORD } from '../src/services/demo/users.js';
import { startPage } from '../src/services/home/start-page.js';
import { useViews } from '../src/views/engine.js';
import { load, row, type LoadResult } from './load.js';

const PROTOCOL = { connections: 20, seconds: 5 };
const ROLES: readonly Role[] = ['caseworker', 'supervisor', 'manager', 'partner', 'admin', 'auditor'];

const csrf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

/**
 * Each sign-in moves this process's clock one TOTP step on, so that a code is never one the account
 * already used (another section may have signed the same demo account in a moment ago).
 */
let offset = 0;
async function signInCookie(base: string, email: string, secret: string): Promise<string> {
  offset += 30_000;
  setClock(() => Date.now() + offset);
  const agent = request.agent(base);
  const login = await agent.get('/login');
  await agent.post('/login').type('form').send({ _csrf: csrf(login.text), email, password: DEMO_PASSWORD });
  const mfa = await agent.get('/mfa');
  const done = await agent.post('/mfa').type('form').send({ _csrf: csrf(mfa.text), code: await currentTotp(secret, Date.now() + offset) });
  if (done.status !== 303) throw new Error(`sign-in of ${email} failed: ${done.status}`);
  return String((done.headers['set-cookie'] as unknown as string[])[0]).split(';')[0]!;
}

/** A closed loop in this process: `connections` workers repeat `work` for `seconds`; same figures as load(). */
async function loop(work: () => Promise<void>, options: { connections: number; seconds: number }): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const began = Date.now();
  const deadline = began + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (Date.now() < deadline) {
        const started = process.hrtime.bigint();
        try {
          await work();
          latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        } catch {
          errors += 1;
        }
      }
    }),
  );
  const elapsed = (Date.now() - began) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]! : NaN);
  return { requests: latencies.length, errors, rps: latencies.length / elapsed, p50: at(50), p95: at(95) };
}

/** The start page's service call and template, rendered by Express without a request. */
async function bareRenderer(viewCache: boolean): Promise<(caller: Caller, name: string) => Promise<void>> {
  const i18n = await createI18n();
  const app = express();
  useViews(app, buildAssets(), viewCache);
  const t = i18n.getFixedT('en');
  const page = { lang: 'en', languages: [], reviewed: true, fonts: true, calendar: 'default', section: 'home' };
  return async (caller, name) => {
    const start = await startPage(caller);
    const locals = { t, page, title: t('home:title'), signedIn: { name, complete: true }, start };
    await new Promise<void>((resolve, reject) => app.render('home/index', locals, (err) => (err ? reject(err) : resolve())));
  };
}

/** How many calls to the database one start page makes (mongoose's own count of collection calls). */
async function callsOf(caller: Caller): Promise<number> {
  let calls = 0;
  mongoose.set('debug', () => {
    calls += 1;
  });
  try {
    await startPage(caller);
  } finally {
    mongoose.set('debug', false);
  }
  return calls;
}

/**
 * The section: Haven's `/` for each demo role, against the bare render of the same service call.
 * `viewCache` should say whether Haven caches its templates (createApp does outside development), so
 * that both sides compile templates alike.
 */
export async function startPageThroughput({ haven, viewCache = config.env !== 'development' }: { haven: Server; viewCache?: boolean }): Promise<void> {
  const address = haven.address();
  if (!address || typeof address === 'string') throw new Error('Haven is not listening');
  const base = `http://127.0.0.1:${address.port}`;
  await seedDemo();
  const seeded = await seedDemoCases();
  const render = await bareRenderer(viewCache);
  const { connections, seconds } = PROTOCOL;
  const level = logger.level;
  logger.level = 'warn';
  console.log(`start page: ${connections} connections, ${seconds} s per figure, Node ${process.version}, NODE_ENV=${config.env}, view cache ${viewCache ? 'on' : 'off'}${seeded ? `, ${seeded} demo cases seeded` : ''}`);
  console.log('bare = startPage() and the same template through app.render, in process: no HTTP, session, CSRF or middleware');
  for (const role of ROLES) {
    const email = `${role}.ph@demo.haven.example`;
    const user = await UserModel.findOne({ email }).lean();
    if (!user?.mfa?.secret) throw new Error(`${email} is missing: was the demo seeded?`);
    const caller: Caller = { userId: String(user._id), organisationId: String(user.organisationId), roles: user.roles as Role[], team: user.team ?? undefined, ip: '127.0.0.1' };
    const cookie = await signInCookie(base, email, decrypt(user.mfa.secret));
    const calls = await callsOf(caller);
    await loop(() => render(caller, user.name), { connections, seconds: 1 }); // warm-up
    await load(`${base}/`, { connections, seconds: 1, headers: { cookie } });
    const bare = await loop(() => render(caller, user.name), { connections, seconds });
    const http = await load(`${base}/`, { connections, seconds, headers: { cookie } });
    console.log(`${role}: ${calls} database calls per start page`);
    console.log(row(`  bare render (${role})`, bare));
    console.log(row(`  haven / (${role})`, http, http.rps / bare.rps));
  }
  logger.level = level;
}
