/**
 * `npm run bench -- cases`: the case list, a filtered list (risk and status), the list's next page, a
 * name search and the case page under 20 concurrent connections, 5 s per figure, at 1,000, 10,000 and
 * 100,000 cases; each against a bare Express page that sends the same query and renders the same
 * template without Haven's middleware (session, CSRF, access policy, audit), so that the ratio shows
 * what the middleware costs. Cases are written in bulk with the same sealing and search tokens the
 * case service uses. `npm run bench -- cases 1000` stops after the first size.
 *
 * "My work" (the start page) of a caseworker with 50 cases and a supervisor with 500 is timed at each
 * size too, against a bare page with the same queries and template (bench/start-work.ts), and so is
 * the case page of a case with an approved care plan of 10 goals, against a bare page that calls the
 * same service (`getCase`) and renders the same template.
 *
 * It runs on the embedded engine, or with MONGODB_URI set against that server, in a scratch database
 * dropped at the end. The engine's resident memory is printed after each size (embedded engine only),
 * and the benchmark process's own while Haven serves the 20 connections.
 */
import type { Server } from 'node:http';
import { SingleBar, Presets } from 'cli-progress';
import express from 'express';
import { Types } from 'mongoose';
import request from 'supertest';
import { createApp } from '../src/app.js';
import { config } from '../src/config/index.js';
import { CASE_PAGE_SIZE } from '../src/domain/cases.js';
import { LOOKUPS } from '../src/domain/lookups.js';
import { caseFilter, type Caller } from '../src/domain/permissions.js';
import { buildAssets } from '../src/lib/assets.js';
import { setClock } from '../src/lib/clock.js';
import { encrypt } from '../src/lib/crypto.js';
import { createI18n } from '../src/lib/i18n/index.js';
import { logger } from '../src/lib/logger.js';
import { hashPassword } from '../src/lib/passwords.js';
import { newTotpSecret } from '../src/lib/totp.js';
import { CARE_DOMAINS } from '../src/domain/assessments.js';
import { CaseModel } from '../src/models/case.js';
import { addGoal, addIntervention } from '../src/services/care/plan-goals.js';
import { approvePlan, startVersion, submitPlan } from '../src/services/care/plans.js';
import { getCase } from '../src/services/cases/view.js';
import { OrganisationModel } from '../src/models/organisation.js';
import { UserModel } from '../src/models/user.js';
import { detailsOf, displayName, identityOf } from '../src/services/cases/records.js';
import { queryTokenSets } from '../src/services/cases/name-search.js';
import { trusted } from '../src/services/auth/trusted.js';
import { useViews } from '../src/views/engine.js';
import { BENCH_TEAM, benchCaseDocument, benchDetails, formatResident, resident, type BenchPeople } from './case-data.js';
import { load, row, type LoadResult } from './load.js';
import { signInCookie } from './sign-in.js';
import { bareMyWork, myWorkFigures, myWorkSummary, seedBulkTasks, setUpMyWork, type MyWorkFigures } from './start-work.js';
import { scratchDatabase } from './scratch-database.js';

const SIZES = [1000, 10_000, 100_000];
const PROTOCOL = { connections: 20, seconds: 5 };
/** What the case list reads for a caller who may see names (src/services/cases/list.ts). */
const LIST_FIELDS = { caseNumber: 1, status: 1, riskLevel: 1, riskRank: 1, exploitationTypes: 1, 'intake.date': 1, caseworkerIds: 1, team: 1, 'child.secret': 1 } as const;

/** Writes cases `from`..`to` in batches of 1,000 through insertMany. */
async function seed(people: BenchPeople, from: number, to: number): Promise<void> {
  const bar = new SingleBar({ format: `seeding cases [{bar}] {value}/{total}`, stream: process.stderr }, Presets.shades_classic);
  bar.start(to, from);
  for (let start = from; start < to; start += 1000) {
    const docs = [];
    for (let i = start; i < Math.min(to, start + 1000); i++) docs.push(benchCaseDocument(i, people));
    await CaseModel.collection.insertMany(docs, { ordered: false });
    bar.update(Math.min(to, start + 1000));
  }
  bar.stop();
}

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
}

/** The name search's filter as the case list builds it: every token of one reading of the name. */
function nameFilter(q: string): Record<string, unknown> {
  const alternatives = queryTokenSets(q).map((tokens) => ({ searchTokens: { $all: tokens } }));
  return alternatives.length === 1 ? alternatives[0]! : { $or: alternatives };
}

/**
 * The same queries and templates, with nothing else: no session, no CSRF, no access check, no audit.
 * The filters are Haven's own (the access policy's filter in an `$and` with the list's), so that the
 * difference is the middleware and not the query.
 */
async function bareApp(caller: Caller, caseId: string, cursor: Types.ObjectId, name: string, plannedId: string): Promise<express.Express> {
  const i18n = await createI18n();
  const app = express();
  useViews(app, buildAssets(), true);
  const t = i18n.getFixedT('en');
  const page = { lang: 'en', languages: [], reviewed: true, fonts: false, calendar: 'default' };
  const list = async (parts: Record<string, unknown>[], res: express.Response) => {
    const rows = await CaseModel.find(trusted({ $and: [caseFilter(caller), ...parts] }))
      .sort({ _id: -1 })
      .limit(CASE_PAGE_SIZE + 1)
      .select(LIST_FIELDS)
      .lean();
    res.render('cases/list', { t, page, identifying: true, lookups: LOOKUPS, query: {}, rows: rows.slice(0, CASE_PAGE_SIZE).map((r) => ({ id: String(r._id), caseNumber: r.caseNumber, status: r.status, riskLevel: r.riskLevel, exploitationTypes: r.exploitationTypes, intakeDate: r.intake?.date, caseworkers: [], name: displayName(identityOf(r as never)) })) });
  };
  app.get('/cases', (_req, res) => list([], res));
  app.get('/cases/filtered', (_req, res) => list([{ status: 'active' }, { riskLevel: 'high' }], res));
  app.get('/cases/next', (_req, res) => list([{ _id: { $lt: cursor } }], res));
  app.get('/cases/search', (_req, res) => list([nameFilter(name)], res));
  app.get('/cases/one', async (_req, res) => {
    const c = await CaseModel.findOne(trusted({ $and: [caseFilter(caller), { _id: new Types.ObjectId(caseId) }] })).lean();
    res.render('cases/show', { t, page, lookups: LOOKUPS, c: { id: caseId, caseNumber: c!.caseNumber, status: c!.status, details: detailsOf(c as never), caseworkers: [], family: [], consents: [], notes: [], tasks: [], attachments: [], timeline: [], assessments: { rows: [], series: { domains: [] } }, may: {} } });
  });
  // The case page with a plan of 10 goals: the same service call and template as Haven's route.
  app.get('/cases/planned', async (_req, res) => {
    const view = await getCase(caller, plannedId, 'en');
    res.render('cases/show', { t, page, lookups: LOOKUPS, title: view.caseNumber, c: view, nationality: '', languages: [], opened: {}, today: new Date().toISOString().slice(0, 10) });
  });
  return app;
}

/**
 * A case of the bench's caseworker given an approved care plan of 10 goals, each with an intervention:
 * drafted and submitted by the caseworker, approved by the supervisor, through the services.
 */
async function planOfTenGoals(organisationId: Types.ObjectId, worker: Types.ObjectId, supervisor: Types.ObjectId): Promise<string> {
  const as = (id: Types.ObjectId, role: 'caseworker' | 'supervisor'): Caller => ({ userId: String(id), organisationId: String(organisationId), roles: [role], team: BENCH_TEAM });
  const c = (await CaseModel.findOne(trusted({ organisationId, caseworkerIds: worker, status: 'open' })).select({ _id: 1 }).lean())!;
  const caseId = String(c._id);
  const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  const planId = await startVersion(as(worker, 'caseworker'), caseId);
  for (let i = 0; i < 10; i++) {
    const goalId = await addGoal(as(worker, 'caseworker'), caseId, planId, { domain: CARE_DOMAINS[i % CARE_DOMAINS.length]!, text: `Fictional bench goal ${i + 1}: a step towards safety and school.`, language: 'en', targetDate: day(90 + i), status: 'in_progress' });
    await addIntervention(as(worker, 'caseworker'), caseId, planId, goalId, { service: 'counselling', responsible: `user:${String(worker)}`, dueDate: day(30 + i), status: 'planned' });
  }
  await submitPlan(as(worker, 'caseworker'), caseId, planId);
  await approvePlan(as(supervisor, 'supervisor'), caseId, planId);
  return caseId;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#x3D': '=', '#x60': '`' };

/** The list's "next" link as the page renders it, and the case it continues after. */
async function nextLink(app: express.Express, cookie: string): Promise<{ href: string; after: Types.ObjectId }> {
  const first = await request(app).get('/cases').set('cookie', cookie);
  const match = /<a href="([^"]+)" rel="next">/.exec(first.text);
  if (first.status !== 200 || !match) throw new Error(`the case list has no next link (status ${first.status})`);
  const href = match[1]!.replace(/&(amp|lt|gt|quot|#x27|#x3D|#x60);/g, (_all, e: string) => ENTITIES[e]!);
  const cursor = new URL(href, 'http://localhost').searchParams.get('after')!;
  // The cursor of the newest-first sort: [null, the last row's _id] (src/services/cases/list.ts).
  const [, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, string];
  return { href, after: new Types.ObjectId(id) };
}

/** The largest resident memory seen: of this process (bytes), and of the engine when it runs here. */
interface Peaks {
  rss: number;
  engine: ReturnType<typeof resident>;
}

/** Runs the load and keeps the largest resident memory of this process and of the engine while it runs. */
async function loadWithRss(url: string, options: Parameters<typeof load>[1], peak: Peaks, enginePid: number | undefined): Promise<LoadResult> {
  const sampler = setInterval(() => {
    peak.rss = Math.max(peak.rss, process.memoryUsage.rss());
    const now = resident(enginePid);
    if (now && (!peak.engine || now.rss > peak.engine.rss)) peak.engine = now;
  }, 100);
  try {
    return await load(url, options);
  } finally {
    clearInterval(sampler);
  }
}

export async function run(): Promise<void> {
  const database = await scratchDatabase();
  const engine = database.engine;
  const engineLine = database.line;
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
      const u = await UserModel.create({ email, name: `${email} (fictional)`, organisationId: org._id, roles, team: BENCH_TEAM, locale: 'en', status: 'active', passwordHash, mfa: { secret: encrypt(totpSecret), lastStep: 0 } } as Parameters<typeof UserModel.create>[0]);
      return { id: u._id, email, password, totpSecret };
    };
    const supervisor = await make('supervisor@bench.example', ['supervisor']);
    const worker = await make('worker@bench.example', ['caseworker']);
    const other = await make('other@bench.example', ['caseworker']);
    const people: BenchPeople = { organisationId: org._id, worker: worker.id, otherWorker: other.id, supervisor: supervisor.id };
    const myWork = await setUpMyWork(org._id);
    const caller: Caller = { userId: String(supervisor.id), organisationId: String(org._id), roles: ['supervisor'], team: BENCH_TEAM };
    const app = await createApp({ ipLimit: { limit: 1e9, windowMs: 60_000 } });
    // As in production: in development Haven compiles every template again for each request, which
    // would be most of what this measures (the bare pages cache theirs).
    app.set('view cache', true);
    offset += 30_000;
    const cookie = await signInCookie(app, supervisor, Date.now() + offset);
    offset += 30_000;
    const myWorkCookies = { worker: await signInCookie(app, myWork.worker, Date.now() + offset), supervisor: '' };
    offset += 30_000;
    myWorkCookies.supervisor = await signInCookie(app, myWork.supervisor, Date.now() + offset);
    const bareWork = await listen(await bareMyWork(myWork, org._id));
    servers.push(bareWork);
    const haven = await listen(app);
    servers.push(haven);
    const port = (s: Server) => (s.address() as { port: number }).port;
    console.log(`cases: Node ${process.version}, NODE_ENV=${config.env} with the view cache on, signed in as a supervisor whose team holds every case`);
    console.log(`engine: ${engineLine}`);
    console.log(`${PROTOCOL.connections} connections, ${PROTOCOL.seconds} s per figure; a shared 2-core machine makes absolute figures noisy, compare within one run`);
    console.log(`my work: a caseworker with 50 open cases and a supervisor with 500, two tasks on each case; other kinds of work: ${myWork.others.join('; ')}`);
    const figures: { size: number; haven: Record<string, LoadResult>; bare: Record<string, LoadResult>; myWork: MyWorkFigures }[] = [];
    // `npm run bench -- cases 1000` stops after the first size.
    const largest = Number(process.argv[3] ?? SIZES[SIZES.length - 1]);
    let seeded = 0;
    let plannedId: string | undefined;
    for (const size of SIZES.filter((n) => n <= largest)) {
      await seed(people, seeded, size);
      await seedBulkTasks(people, seeded, size);
      seeded = size;
      const sample = await CaseModel.findOne({ organisationId: org._id, caseNumber: 'PH-2026-000501' }).select({ _id: 1 }).lean();
      const caseId = String(sample!._id);
      const name = benchDetails(500).givenName;
      const next = await nextLink(app, cookie);
      plannedId ??= await planOfTenGoals(org._id, worker.id, supervisor.id);
      const bare = await listen(await bareApp(caller, caseId, next.after, name, plannedId));
      servers.push(bare);
      const pairs: [string, string, string][] = [
        ['case list', '/cases', '/cases'],
        ['filtered list', '/cases?risk=high&status=active', '/cases/filtered'],
        ['next page', next.href, '/cases/next'],
        ['name search', `/cases?q=${encodeURIComponent(name)}`, '/cases/search'],
        ['case page', `/cases/${caseId}`, '/cases/one'],
        ['case page, plan of 10 goals', `/cases/${plannedId}`, '/cases/planned'],
      ];
      const result = { size, haven: {} as Record<string, LoadResult>, bare: {} as Record<string, LoadResult>, myWork: { haven: {}, bare: {} } as MyWorkFigures };
      const peak: Peaks = { rss: 0, engine: undefined };
      console.log(`\n${size.toLocaleString('en')} cases`);
      for (const [label, havenPath, barePath] of pairs) {
        await load(`http://127.0.0.1:${port(bare)}${barePath}`, { connections: PROTOCOL.connections, seconds: 1 });
        const b = await load(`http://127.0.0.1:${port(bare)}${barePath}`, PROTOCOL);
        const h = await loadWithRss(`http://127.0.0.1:${port(haven)}${havenPath}`, { ...PROTOCOL, headers: { cookie } }, peak, engine?.pid);
        result.bare[label] = b;
        result.haven[label] = h;
        console.log(row(`bare ${label}`, b));
        console.log(row(`haven ${label}`, h, h.rps / b.rps));
      }
      result.myWork = await myWorkFigures(`http://127.0.0.1:${port(haven)}`, bareWork, myWorkCookies, PROTOCOL);
      figures.push(result);
      bare.close();
      console.log(
        engine
          ? `engine resident memory after ${size.toLocaleString('en')} cases: ${formatResident(resident(engine.pid))}; peak while Haven served ${PROTOCOL.connections} connections: ${formatResident(peak.engine)}`
          : `engine resident memory: not measured (MONGODB_URI)`,
      );
      console.log(`bench process (Haven, bare app, load generator) peak resident memory under ${PROTOCOL.connections} connections: ${(peak.rss / 2 ** 20).toFixed(0)} MiB`);
    }
    const first = figures[0]!;
    for (const later of figures.slice(1)) {
      console.log(`\n${later.size.toLocaleString('en')} against ${first.size.toLocaleString('en')} cases, p95 latency ratio:`);
      for (const label of Object.keys(first.haven)) {
        const ratio = (side: 'haven' | 'bare') => (later[side][label]!.p95 / first[side][label]!.p95).toFixed(2);
        console.log(`  ${label.padEnd(14)} haven ${ratio('haven').padStart(7)}   bare ${ratio('bare').padStart(7)}`);
      }
    }
    myWorkSummary(figures);
  } finally {
    for (const s of servers) s.close();
    await database.close();
  }
}
