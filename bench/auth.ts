/**
 * `npm run bench -- auth`: what signing in and being signed in cost. argon2id hashing (A1), a whole
 * sign-in (password and TOTP), a signed-in page under 20 connections (session and user loaded from the
 * database on every request), and appends to the hash-chained audit log.
 */
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Types } from 'mongoose';
import { createApp } from '../src/app.js';
import { config } from '../src/config/index.js';
import { setClock } from '../src/lib/clock.js';
import { encrypt } from '../src/lib/crypto.js';
import { connect, disconnect } from '../src/lib/db/connection.js';
import { ensureEngineBinary, SECANTUS_VERSION, startEngine } from '../src/lib/db/engine.js';
import { hashPassword, verifyPassword } from '../src/lib/passwords.js';
import { newTotpSecret } from '../src/lib/totp.js';
import { OrganisationModel } from '../src/models/organisation.js';
import { UserModel } from '../src/models/user.js';
import { audit } from '../src/services/audit/audit.js';
import { ensureIndexes } from '../src/services/database.js';
import { load, row } from './load.js';
import { signInCookie } from './sign-in.js';
import { logger } from '../src/lib/logger.js';

const ms = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'haven-bench-'));
  const binary = await ensureEngineBinary(config.engineCache, console.log);
  if (!binary) throw new Error('the benchmark needs the embedded engine (secantusd-rs, built with cargo)');
  const db = await startEngine({ binary, dataDir: dir, autoRestart: false });
  await connect(db.uri, 'bench');
  await ensureIndexes();
  // Each sign-in needs a TOTP step of its own: the benchmark's clock moves 30 s per sign-in.
  let offset = 0;
  setClock(() => Date.now() + offset);
  const app = await createApp({ ipLimit: { limit: 1e9, windowMs: 60_000 } });
  // The figures, not the request log, are the output here.
  logger.level = 'warn';
  let server: Server | undefined;
  try {
    console.log(`auth: Node ${process.version}, NODE_ENV=${config.env}, engine secantusd-rs ${SECANTUS_VERSION} (embedded)`);
    const password = 'Benchmark password, fictional 2026';
    const hashTimes: number[] = [];
    let hash = '';
    const rssBefore = process.memoryUsage().rss;
    for (let i = 0; i < 10; i += 1) {
      const t = process.hrtime.bigint();
      hash = await hashPassword(password);
      hashTimes.push(ms(t));
    }
    const verifyTimes: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const t = process.hrtime.bigint();
      await verifyPassword(hash, password);
      verifyTimes.push(ms(t));
    }
    console.log(`argon2id (m=19 MiB, t=2, p=1): hash p50 ${median(hashTimes).toFixed(1)} ms, verify p50 ${median(verifyTimes).toFixed(1)} ms, rss +${((process.memoryUsage().rss - rssBefore) / 2 ** 20).toFixed(0)} MiB`);

    const org = await OrganisationModel.create({ code: 'BENCH-ORG', kind: 'ngo', country: 'PH', name: { en: 'Bench (fictional)' }, preferredLocale: 'en' });
    const secret = newTotpSecret();
    const user = await UserModel.create({ email: 'bench@bench.example', name: 'Bench (fictional)', organisationId: org._id, roles: ['caseworker'], locale: 'en', status: 'active', passwordHash: hash, mfa: { secret: encrypt(secret), lastStep: 0 } } as Parameters<typeof UserModel.create>[0]);
    const signInTimes: number[] = [];
    let cookie = '';
    for (let i = 0; i < 15; i += 1) {
      offset += 30_000;
      const t = process.hrtime.bigint();
      cookie = await signInCookie(app, { email: user.email, password, totpSecret: secret }, Date.now() + offset);
      signInTimes.push(ms(t));
    }
    console.log(`whole sign-in (4 requests: form, password, code form, code): p50 ${median(signInTimes).toFixed(1)} ms`);

    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const port = (server.address() as { port: number }).port;
    for (const p of ['/account', '/']) {
      const page = await load(`http://127.0.0.1:${port}${p}`, { connections: 20, seconds: 5, headers: { cookie } });
      console.log(row(`signed-in GET ${p}, 20 connections`, page));
    }
    const anonymous = await load(`http://127.0.0.1:${port}/`, { connections: 20, seconds: 5 });
    console.log(row('anonymous GET /, 20 connections', anonymous));

    const actor = { userId: String(new Types.ObjectId()), organisationId: String(org._id), roles: ['caseworker' as const] };
    const t = process.hrtime.bigint();
    const n = 500;
    await Promise.all(Array.from({ length: n }, (_, i) => audit(actor, { action: 'case_view', outcome: 'success', recordType: 'case', recordId: `c${i}` })));
    console.log(`audit log: ${n} appends in ${ms(t).toFixed(0)} ms (${((n / ms(t)) * 1000).toFixed(0)} entries/s, one chain)`);
    console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB (benchmark process: app and load generator)`);
  } finally {
    server?.close();
    await disconnect();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
