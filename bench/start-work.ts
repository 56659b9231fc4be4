/**
 * "My work" (the signed-in start page, `/`) for `npm run bench -- cases`: a caseworker with 50 open
 * cases and a supervisor whose team holds 500, each with tasks overdue, due soon and later, some given
 * to the supervisor. Each page is timed against a bare Express page that makes the same queries and
 * renders the same template (`startPage` and `home/index`) without Haven's middleware (session, CSRF,
 * access check, the header's reminder); ratio = Haven's requests per second / the bare page's (the
 * bare time over the full time), goal >= 0.5. The same two people are timed again as the organisation
 * grows (the bulk cases of bench/cases.ts, with a task on every other one), so that the p95 at 100,000
 * cases can be set against the one at 1,000 (goal: within 1.3x).
 *
 * Only tasks are seeded here. The other kinds of work (reviews, interventions, hearings, follow-up
 * visits, decisions waiting) appear when their features' demo seeders exist (src/services/demo/
 * care-plans.ts, legal.ts, closures.ts): each exported `seedDemo*()` taking no arguments is run once,
 * with the bench organisation and these two people marked as demo data so that the seeders find them.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import express from 'express';
import type { Types } from 'mongoose';
import type { Caller } from '../src/domain/permissions.js';
import { buildAssets } from '../src/lib/assets.js';
import { clock } from '../src/lib/clock.js';
import { encrypt } from '../src/lib/crypto.js';
import { createI18n } from '../src/lib/i18n/index.js';
import { ROOT } from '../src/lib/paths.js';
import { hashPassword } from '../src/lib/passwords.js';
import { newTotpSecret } from '../src/lib/totp.js';
import { CaseModel } from '../src/models/case.js';
import { CaseTaskModel } from '../src/models/case-task.js';
import { OrganisationModel } from '../src/models/organisation.js';
import { UserModel } from '../src/models/user.js';
import { trusted } from '../src/services/auth/trusted.js';
import { seal } from '../src/services/cases/records.js';
import { startPage } from '../src/services/home/start-page.js';
import { useViews } from '../src/views/engine.js';
import { benchCaseDocument, benchCaseId, type BenchPeople } from './case-data.js';
import { load, row, type LoadResult } from './load.js';

export const MY_WORK_TEAM = 'Team W';
/** The My work cases are bench cases from this number on, apart from the organisation's bulk cases. */
const FIRST = 500_000;
const TEAM_CASES = 500;
const DAY = 86_400_000;

interface BenchUser {
  id: Types.ObjectId;
  email: string;
  password: string;
  totpSecret: string;
  name: string;
}

export interface MyWork {
  worker: BenchUser;
  supervisor: BenchUser;
  /** What the seeders of the other kinds of work made, for the printout. */
  others: string[];
}

function today(): number {
  const now = clock.now();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
}

/** A task document as the task service stores it (sealed title, assignee), for insertMany. */
function taskDocument(caseId: Types.ObjectId, organisationId: Types.ObjectId, n: number, dayOffset: number, assigneeId: Types.ObjectId, createdBy: Types.ObjectId, done: boolean) {
  const at = new Date(clock.ms());
  return {
    caseId,
    organisationId,
    secret: seal({ title: `Bench task ${n} (fictional)` }),
    dueDate: new Date(today() + dayOffset * DAY),
    createdBy,
    assigneeId,
    ...(done ? { doneAt: at, doneBy: createdBy } : {}),
    demo: false,
    createdAt: at,
    updatedAt: at,
  };
}

/** Tasks on the organisation's bulk cases `from`..`to`: one on every other case, for its caseworker. */
export async function seedBulkTasks(people: BenchPeople, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += 2000) {
    const docs = [];
    for (let i = start + (start % 2); i < Math.min(to, start + 2000); i += 2) {
      const worker = i % 10 === 0 ? people.worker : people.otherWorker;
      docs.push(taskDocument(benchCaseId(i, people.organisationId), people.organisationId, i, (i % 41) - 15, worker, worker, i % 6 === 0));
    }
    if (docs.length) await CaseTaskModel.collection.insertMany(docs, { ordered: false });
  }
}

async function user(organisationId: Types.ObjectId, email: string, roles: string[], passwordHash: string, password: string): Promise<BenchUser> {
  const totpSecret = newTotpSecret();
  const name = `${email} (fictional)`;
  const u = await UserModel.create({ email, name, organisationId, roles, team: MY_WORK_TEAM, locale: 'en', status: 'active', passwordHash, mfa: { secret: encrypt(totpSecret), lastStep: 0 } } as Parameters<typeof UserModel.create>[0]);
  return { id: u._id, email, password, totpSecret, name };
}

/** Runs each `seedDemo*()` of the other features' demo files that exist, on the bench organisation. */
async function seedOtherWork(organisationId: Types.ObjectId, people: Types.ObjectId[]): Promise<string[]> {
  const said: string[] = [];
  await OrganisationModel.updateOne({ _id: organisationId }, { $set: { demo: true } });
  await UserModel.updateMany(trusted({ _id: { $in: people } }), { $set: { demo: true } });
  for (const file of ['care-plans', 'legal', 'closures']) {
    if (!existsSync(path.join(ROOT, 'src', 'services', 'demo', `${file}.ts`))) {
      said.push(`${file}: no demo seeder yet`);
      continue;
    }
    const mod = (await import(`../src/services/demo/${file}.js`)) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(mod)) {
      if (!name.startsWith('seedDemo') || typeof fn !== 'function' || fn.length > 0) continue;
      try {
        said.push(`${file}: ${name}() made ${String(await (fn as () => Promise<unknown>)())}`);
      } catch (err) {
        said.push(`${file}: ${name}() failed (${(err as Error).name}: ${(err as Error).message.slice(0, 120)})`);
      }
    }
  }
  await OrganisationModel.updateOne({ _id: organisationId }, { $set: { demo: false } });
  return said;
}

/**
 * The caseworker (50 open cases of team W), a colleague holding the team's other cases, the supervisor
 * (500 cases), two tasks on each case, and whatever the other features' demo seeders add.
 */
export async function setUpMyWork(organisationId: Types.ObjectId): Promise<MyWork> {
  const password = 'Benchmark password, fictional 2026';
  const hash = await hashPassword(password);
  const worker = await user(organisationId, 'mywork-worker@bench.example', ['caseworker'], hash, password);
  const colleague = await user(organisationId, 'mywork-colleague@bench.example', ['caseworker'], hash, password);
  const supervisor = await user(organisationId, 'mywork-supervisor@bench.example', ['supervisor'], hash, password);
  const people: BenchPeople = { organisationId, worker: worker.id, otherWorker: colleague.id, supervisor: supervisor.id };
  const cases = [];
  const tasks = [];
  for (let k = 0; k < TEAM_CASES; k++) {
    // benchCaseDocument gives case i to `worker` when i % 10 === 0: 50 of the 500.
    const doc: Record<string, unknown> = { ...benchCaseDocument(FIRST + k, people), team: MY_WORK_TEAM, status: k % 5 === 0 ? 'open' : 'active', supervisorId: supervisor.id };
    cases.push(doc);
    const holder = k % 10 === 0 ? worker.id : colleague.id;
    for (let j = 0; j < 2; j++) {
      const toSupervisor = (k + j) % 7 === 0;
      tasks.push(taskDocument(doc._id as Types.ObjectId, organisationId, FIRST + k * 2 + j, ((k * 7 + j * 13) % 31) - 10, toSupervisor ? supervisor.id : holder, holder, (k + j) % 9 === 0));
    }
  }
  await CaseModel.collection.insertMany(cases, { ordered: false });
  await CaseTaskModel.collection.insertMany(tasks, { ordered: false });
  const others = await seedOtherWork(organisationId, [worker.id, supervisor.id]);
  return { worker, supervisor, others };
}

function callerOf(u: BenchUser, organisationId: Types.ObjectId, role: 'caseworker' | 'supervisor'): Caller {
  return { userId: String(u.id), organisationId: String(organisationId), roles: [role], team: MY_WORK_TEAM, ip: '127.0.0.1' };
}

/** The bare pages: the start page's service call and template, and nothing else. */
export async function bareMyWork(work: MyWork, organisationId: Types.ObjectId): Promise<express.Express> {
  const i18n = await createI18n();
  const app = express();
  useViews(app, buildAssets(), true);
  const t = i18n.getFixedT('en');
  const page = { lang: 'en', languages: [], reviewed: true, fonts: false, calendar: 'default', section: 'home' };
  const serve = (u: BenchUser, role: 'caseworker' | 'supervisor') => async (_req: express.Request, res: express.Response) => {
    const start = await startPage(callerOf(u, organisationId, role));
    res.render('home/index', { t, page, title: t('home:title'), signedIn: { name: u.name, complete: true }, start });
  };
  app.get('/worker', serve(work.worker, 'caseworker'));
  app.get('/supervisor', serve(work.supervisor, 'supervisor'));
  return app;
}

export interface MyWorkFigures {
  haven: Record<string, LoadResult>;
  bare: Record<string, LoadResult>;
}

/** Both people's My work under load: the bare page, then Haven's `/` with their cookies. */
export async function myWorkFigures(havenUrl: string, bare: Server, cookies: { worker: string; supervisor: string }, protocol: { connections: number; seconds: number }): Promise<MyWorkFigures> {
  const port = (bare.address() as { port: number }).port;
  const out: MyWorkFigures = { haven: {}, bare: {} };
  for (const [label, who, barePath] of [
    ['my work, caseworker (50)', 'worker', '/worker'],
    ['my work, supervisor (500)', 'supervisor', '/supervisor'],
  ] as const) {
    const headers = { cookie: cookies[who] };
    await load(`http://127.0.0.1:${port}${barePath}`, { connections: protocol.connections, seconds: 1 });
    await load(`${havenUrl}/`, { connections: protocol.connections, seconds: 1, headers });
    const b = await load(`http://127.0.0.1:${port}${barePath}`, protocol);
    const h = await load(`${havenUrl}/`, { ...protocol, headers });
    out.bare[label] = b;
    out.haven[label] = h;
    console.log(row(`bare ${label}`, b));
    console.log(row(`haven ${label}`, h, h.rps / b.rps));
    if (b.errors || h.errors) console.log(`  (errors: the page answered something other than 200)`);
  }
  return out;
}

/** The goals, checked on the figures: the ratio at each size, and the p95 at the largest size against the smallest. */
export function myWorkSummary(figures: { size: number; myWork: MyWorkFigures }[]): void {
  if (figures.length === 0) return;
  console.log('\nMy work: ratio (Haven req/s over the bare page’s; goal >= 0.5)');
  for (const f of figures) {
    for (const label of Object.keys(f.myWork.haven)) {
      const ratio = f.myWork.haven[label]!.rps / f.myWork.bare[label]!.rps;
      console.log(`  ${f.size.toLocaleString('en').padStart(7)} cases  ${label.padEnd(28)} ${ratio.toFixed(2)}${ratio >= 0.5 ? '' : '  below the goal'}`);
    }
  }
  const first = figures[0]!;
  const last = figures[figures.length - 1]!;
  if (last === first) return;
  console.log(`\nMy work at ${last.size.toLocaleString('en')} cases against ${first.size.toLocaleString('en')}: p95 latency ratio (goal <= 1.3)`);
  for (const label of Object.keys(first.myWork.haven)) {
    const ratio = (side: 'haven' | 'bare') => last.myWork[side][label]!.p95 / first.myWork[side][label]!.p95;
    console.log(`  ${label.padEnd(28)} haven ${ratio('haven').toFixed(2).padStart(6)}   bare ${ratio('bare').toFixed(2).padStart(6)}${ratio('haven') <= 1.3 ? '' : '  above the goal'}`);
  }
}
