/**
 * `npm run bench -- cases`: the case list, a filtered list, a name search and the case page under 20
 * concurrent connections, with 1,000 and then 100,000 cases, each against a bare Express page that runs
 * the same single query and render without Haven's middleware (session, CSRF, access policy, audit).
 * Cases are written in bulk with the same sealing and search tokens the service uses.
 *
 * With MONGODB_URI set it runs against that server (a scratch database, dropped at the end), which is
 * where the 100,000-case figures mean something: the embedded FerretDB (SQLite) serves only `_id`
 * lookups from an index and scans the collection for every other query, so there the 100,000-case
 * round uses 2 connections for 1 s per figure instead of 20 for 5 s, or it would run for an hour.
 */
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import express from 'express';
import type { Types } from 'mongoose';
import mongoose from 'mongoose';
import { createApp } from '../src/app.js';
import { config } from '../src/config/index.js';
import { LOOKUPS } from '../src/domain/lookups.js';
import { buildAssets } from '../src/lib/assets.js';
import { setClock } from '../src/lib/clock.js';
import { encrypt } from '../src/lib/crypto.js';
import { connect, disconnect } from '../src/lib/db/connection.js';
import { ensureEngineBinary, startEngine } from '../src/lib/db/engine.js';
import { createI18n } from '../src/lib/i18n/index.js';
import { logger } from '../src/lib/logger.js';
import { hashPassword } from '../src/lib/passwords.js';
import { newTotpSecret } from '../src/lib/totp.js';
import { CaseModel } from '../src/models/case.js';
import { OrganisationModel } from '../src/models/organisation.js';
import { UserModel } from '../src/models/user.js';
import { detailsDocument, detailsOf, displayName, identityOf, type CaseDetails } from '../src/services/case-records.js';
import { ensureIndexes } from '../src/services/database.js';
import { useViews } from '../src/views/engine.js';
import { load, row, type LoadResult } from './load.js';
import { signInCookie } from './sign-in.js';

const GIVEN = ['Maria', 'Ana', 'Rosa', 'Liza', 'Joy', 'Grace', 'Mark', 'John', 'Paolo', 'Jun'];
const FAMILY = ['Santos', 'Reyes', 'Cruz', 'Bautista', 'Garcia', 'Mendoza', 'Torres', 'Flores', 'Ramos', 'Aquino'];

function details(i: number): CaseDetails {
  return {
    riskLevel: LOOKUPS.riskLevel[i % 4]!,
    exploitationTypes: [LOOKUPS.exploitationType[i % 7]!],
    intakeDate: new Date(Date.UTC(2024, 0, 1) + (i % 900) * 86_400_000).toISOString().slice(0, 10),
    identifiedBy: 'police_operation',
    source: 'social_welfare',
    givenName: `${GIVEN[i % 10]}${i}`,
    familyName: `${FAMILY[(i / 10) % 10 | 0]} Bench`,
    givenNameLocal: '',
    familyNameLocal: '',
    nickname: '',
    dateOfBirth: '2014-05-06',
    estimatedAge: '',
    location: 'PH-07-072217',
    school: 'Fictional School',
    sex: i % 3 === 0 ? 'male' : 'female',
    nationality: 'PH',
    languages: ['ceb'],
    disability: 'none',
    placement: 'shelter',
  };
}

/** Writes cases `from`..`to` in bulk; one caseworker in ten cases, everything in the supervisor's team. */
async function seed(orgId: Types.ObjectId, workerId: Types.ObjectId, otherWorker: Types.ObjectId, from: number, to: number): Promise<void> {
  const bar = new SingleBar({ format: `seeding cases [{bar}] {value}/{total}`, stream: process.stderr }, Presets.shades_classic);
  bar.start(to, from);
  for (let start = from; start < to; start += 1000) {
    const docs = [];
    for (let i = start; i < Math.min(to, start + 1000); i++) {
      const d = details(i);
      const doc = detailsDocument(d, i % 4);
      docs.push({
        organisationId: orgId,
        caseNumber: `PH-2026-${String(i + 1).padStart(6, '0')}`,
        status: (['open', 'active', 'closed'] as const)[i % 3],
        riskLevel: doc.riskLevel,
        riskRank: doc.riskRank,
        exploitationTypes: doc.exploitationTypes,
        intake: { date: doc['intake.date'], identifiedBy: doc['intake.identifiedBy'], source: doc['intake.source'] },
        caseworkerIds: [i % 10 === 0 ? workerId : otherWorker],
        team: 'Team A',
        child: { sex: doc['child.sex'], nationality: doc['child.nationality'], languages: doc['child.languages'], disability: doc['child.disability'], placement: doc['child.placement'], secret: doc['child.secret'] },
        searchTokens: doc.searchTokens,
        family: [],
        consents: [],
        attachmentBytes: 0,
        __v: 0,
      });
    }
    await CaseModel.collection.insertMany(docs);
    bar.update(Math.min(to, start + 1000));
  }
  bar.stop();
}

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
}

/** The same queries and templates, with nothing else: no session, no CSRF, no access check, no audit. */
async function bareApp(orgId: Types.ObjectId, caseId: string): Promise<express.Express> {
  const i18n = await createI18n();
  const app = express();
  useViews(app, buildAssets(), true);
  const t = i18n.getFixedT('en');
  const page = { lang: 'en', languages: [], reviewed: true, fonts: false, calendar: 'default' };
  const list = async (filter: Record<string, unknown>, res: express.Response) => {
    const rows = await CaseModel.find({ organisationId: orgId, ...filter })
      .sort({ _id: -1 })
      .limit(51)
      .select({ caseNumber: 1, status: 1, riskLevel: 1, exploitationTypes: 1, 'intake.date': 1, caseworkerIds: 1, 'child.secret': 1 })
      .lean();
    res.render('cases/list', { t, page, identifying: true, lookups: LOOKUPS, query: {}, rows: rows.slice(0, 50).map((r) => ({ id: String(r._id), caseNumber: r.caseNumber, status: r.status, riskLevel: r.riskLevel, exploitationTypes: r.exploitationTypes, intakeDate: r.intake?.date, caseworkers: [], name: displayName(identityOf(r as never)) })) });
  };
  app.get('/cases', (_req, res) => list({}, res));
  app.get('/cases/filtered', (_req, res) => list({ riskLevel: 'high', status: 'active' }, res));
  app.get('/cases/search', (_req, res) => list({ searchTokens: detailsDocument(details(500), 0).searchTokens[0] }, res));
  app.get('/cases/one', async (_req, res) => {
    const c = await CaseModel.findById(caseId).lean();
    res.render('cases/show', { t, page, lookups: LOOKUPS, c: { id: caseId, caseNumber: c!.caseNumber, status: c!.status, details: detailsOf(c as never), caseworkers: [], family: [], consents: [], notes: [], tasks: [], attachments: [], timeline: [], assessment: {}, may: {} } });
  });
  return app;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'haven-bench-'));
  const external = config.mongodbUri;
  let engine: Awaited<ReturnType<typeof startEngine>> | undefined;
  if (external) {
    await connect(external, `haven_bench_${Date.now()}`);
  } else {
    const binary = await ensureEngineBinary(config.engineCache, console.log);
    if (!binary) throw new Error('the benchmark needs the embedded engine (Go) or MONGODB_URI');
    engine = await startEngine({ binary, dataDir: dir, autoRestart: false });
    await connect(engine.uri, 'bench');
  }
  await ensureIndexes();
  let offset = 0;
  setClock(() => Date.now() + offset);
  logger.level = 'warn';
  const servers: Server[] = [];
  try {
    const org = await OrganisationModel.create({ code: 'BENCH-CASES', kind: 'ngo', country: 'PH', name: { en: 'Bench (fictional)' }, preferredLocale: 'en' });
    const password = 'Benchmark password, fictional 2026';
    const passwordHash = await hashPassword(password);
    const make = async (email: string, roles: string[]) => {
      const totpSecret = newTotpSecret();
      const u = await UserModel.create({ email, name: `${email} (fictional)`, organisationId: org._id, roles, team: 'Team A', locale: 'en', status: 'active', passwordHash, mfa: { secret: encrypt(totpSecret), lastStep: 0 } } as Parameters<typeof UserModel.create>[0]);
      return { id: u._id, email, password, totpSecret };
    };
    const supervisor = await make('supervisor@bench.example', ['supervisor']);
    const worker = await make('worker@bench.example', ['caseworker']);
    const other = await make('other@bench.example', ['caseworker']);
    const app = await createApp({ ipLimit: { limit: 1e9, windowMs: 60_000 } });
    offset += 30_000;
    const cookie = await signInCookie(app, supervisor, Date.now() + offset);
    const haven = await listen(app);
    servers.push(haven);
    const port = (s: Server) => (s.address() as { port: number }).port;
    console.log(`cases: Node ${process.version}, NODE_ENV=${config.env}, engine ${external ? 'MongoDB (MONGODB_URI)' : 'FerretDB (embedded)'}, signed in as a supervisor whose team holds every case`);
    const figures: Record<string, LoadResult>[] = [];
    // `npm run bench -- cases 1000` stops after the first size.
    const largest = Number(process.argv[3] ?? 100_000);
    for (const size of [1000, 100_000].filter((n) => n <= largest)) {
      await seed(org._id, worker.id, other.id, size === 1000 ? 0 : 1000, size);
      const sample = await CaseModel.findOne({ caseNumber: 'PH-2026-000501' }).select({ _id: 1 }).lean();
      const caseId = String(sample!._id);
      const bare = await listen(await bareApp(org._id, caseId));
      servers.push(bare);
      const name = encodeURIComponent(details(500).givenName);
      const pairs: [string, string, string][] = [
        ['case list', '/cases', '/cases'],
        ['filtered list', '/cases?risk=high&status=active', '/cases/filtered'],
        ['name search', `/cases?q=${name}`, '/cases/search'],
        ['case page', `/cases/${caseId}`, '/cases/one'],
      ];
      const result: Record<string, LoadResult> = {};
      const protocol = size > 1000 && !external ? { connections: 2, seconds: 1 } : { connections: 20, seconds: 5 };
      console.log(`\n${size.toLocaleString('en')} cases, ${protocol.connections} connections, ${protocol.seconds} s per figure`);
      for (const [label, havenPath, barePath] of pairs) {
        await load(`http://127.0.0.1:${port(bare)}${barePath}`, { connections: protocol.connections, seconds: 1 });
        const b = await load(`http://127.0.0.1:${port(bare)}${barePath}`, protocol);
        const h = await load(`http://127.0.0.1:${port(haven)}${havenPath}`, { ...protocol, headers: { cookie } });
        result[label] = h;
        console.log(row(`bare ${label}`, b));
        console.log(row(`haven ${label}`, h, h.rps / b.rps));
      }
      figures.push(result);
      bare.close();
    }
    if (figures.length > 1) {
      console.log('\n100,000 against 1,000 cases (p50 latency ratio; the goal is at most 1.3):');
      for (const label of Object.keys(figures[0]!)) {
        console.log(`  ${label.padEnd(14)} ${(figures[1]![label]!.p50 / figures[0]![label]!.p50).toFixed(2)}`);
      }
    }
    console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB (benchmark process: app, bare app and load generator)`);
  } finally {
    for (const s of servers) s.close();
    if (external) await mongoose.connection.db?.dropDatabase();
    await disconnect();
    await engine?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
