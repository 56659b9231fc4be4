/**
 * `npm run bench -- reports`: the outcome report of one organisation at 1,000, 10,000 and 100,000 cases'
 * reporting facts. For each size: the report's aggregation alone through the driver (the floor), the
 * dashboard page through Haven signed in as the manager (session, access, the same aggregation, the
 * names, suppression, the template and the audit entry), and the CSV and PDF downloads. Goals: the
 * dashboard within 1.5x of the bare aggregation, its p95 under 1 s at 100,000.
 *
 * The facts are fictional: three teams, cases taken in over three years, a third of them closed, each
 * with goals, wellbeing scores, a legal case for some and referrals for many. Written in bulk straight
 * into `case_facts`, then summed into the report cells (timed, as `facts:rebuild` would), which are all
 * the report reads. It runs on the embedded engine (or MONGODB_URI, in a scratch database dropped at
 * the end).
 */
import type { Server } from 'node:http';
import { Types } from 'mongoose';
import { createApp } from '../src/app.js';
import { config } from '../src/config/index.js';
import { CARE_DOMAINS } from '../src/domain/assessments.js';
import { LEGAL_STATUSES, VERDICTS } from '../src/domain/legal.js';
import { LOOKUPS } from '../src/domain/lookups.js';
import { setClock } from '../src/lib/clock.js';
import { encrypt } from '../src/lib/crypto.js';
import { logger } from '../src/lib/logger.js';
import { hashPassword } from '../src/lib/passwords.js';
import { newTotpSecret } from '../src/lib/totp.js';
import { CaseFactModel } from '../src/models/case-fact.js';
import { OrganisationModel } from '../src/models/organisation.js';
import { UserModel } from '../src/models/user.js';
import { ReportCellModel } from '../src/models/report-cell.js';
import { rebuildReportCells } from '../src/services/facts/cells.js';
import { readReport, reportQueries } from '../src/services/reports/pipeline.js';
import { scratchDatabase } from './scratch-database.js';
import { signInCookie } from './sign-in.js';

const SIZES = [1_000, 10_000, 100_000];
const DAY = 86_400_000;
const TEAMS = ['north', 'south', 'east'];
/** Runs per figure, one at a time (a manager opens a report, they do not hammer it). */
const RUNS = 10;
const RUNS_LARGE = 3;

/** Facts `from`..`to`, 1,000 at a time. */
async function seed(org: Types.ObjectId, workers: Types.ObjectId[], partners: Types.ObjectId[], from: number, to: number): Promise<void> {
  const now = Date.now();
  for (let start = from; start < to; start += 1000) {
    const docs = [];
    for (let i = start; i < Math.min(to, start + 1000); i++) {
      const intake = new Date(now - ((i * 13) % 1095) * DAY);
      const closed = i % 3 === 0 ? new Date(intake.getTime() + (30 + (i % 300)) * DAY) : undefined;
      const planDays = i % 5 === 0 ? undefined : (i * 7) % 120;
      docs.push({
        caseId: new Types.ObjectId(),
        organisationId: org,
        status: closed && closed.getTime() < now ? 'closed' : i % 4 === 0 ? 'open' : 'active',
        riskLevel: LOOKUPS.riskLevel[i % 4],
        exploitationTypes: [LOOKUPS.exploitationType[i % 8], ...(i % 6 === 0 ? [LOOKUPS.exploitationType[(i + 3) % 8]] : [])],
        team: TEAMS[i % 3],
        country: 'PH',
        intakeMonth: intake.toISOString().slice(0, 7),
        intakeDate: intake,
        caseworkerIds: [workers[i % workers.length]],
        ...(planDays === undefined ? {} : { firstPlanApprovedAt: new Date(intake.getTime() + planDays * DAY), daysToFirstPlan: planDays }),
        goals: [{ domain: CARE_DOMAINS[i % 7], set: 1 + (i % 3), achieved: i % 3 }],
        wellbeing: [{ domain: CARE_DOMAINS[i % 7], first: 1 + (i % 3), firstAt: intake, latest: 2 + (i % 4), latestAt: new Date(intake.getTime() + 90 * DAY) }],
        legalCases: i % 4 === 0 ? [{ status: LEGAL_STATUSES[i % 6], ...(i % 8 === 0 ? { verdict: VERDICTS[i % 6] } : {}) }] : [],
        reviewDue: new Date(now + ((i % 60) - 20) * DAY),
        openTaskDueDates: i % 2 === 0 ? [new Date(now + ((i % 30) - 10) * DAY)] : [],
        ...(closed ? { closedAt: closed, closureReason: LOOKUPS.closureReason[i % 6] } : {}),
        followUps: closed && i % 2 === 0 ? [{ months: 6, dueDate: new Date(closed.getTime() + 182 * DAY), done: i % 5 !== 0, safe: i % 7 !== 0 }] : [],
        referrals:
          i % 2 === 0
            ? [{ service: LOOKUPS.serviceType[i % 11], toOrganisationId: partners[i % partners.length], status: 'accepted', sentAt: new Date(intake.getTime() + 10 * DAY), daysToAcknowledge: i % 9, daysToAccept: i % 15, outcome: i % 5 === 0 ? 'declined:no_capacity' : 'accepted' }]
            : [],
        demo: false,
        createdAt: intake,
        updatedAt: intake,
      });
    }
    await CaseFactModel.collection.insertMany(docs, { ordered: false });
  }
}

/** `n` runs of `work` in a row after one warm-up: p50 and p95 in ms. */
async function timed(n: number, work: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await work();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const began = process.hrtime.bigint();
    await work();
    times.push(Number(process.hrtime.bigint() - began) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(n / 2)]!, p95: times[Math.min(n - 1, Math.floor(n * 0.95))]! };
}

async function fetchBytes(url: string, cookie: string): Promise<number> {
  const res = await fetch(url, { headers: { cookie } });
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  return (await res.arrayBuffer()).byteLength;
}

export async function run(): Promise<void> {
  const database = await scratchDatabase();
  let offset = 0;
  setClock(() => Date.now() + offset);
  logger.level = 'warn';
  let server: Server | undefined;
  try {
    const org = await OrganisationModel.create({ code: 'BENCH-NGO-REPORTS', kind: 'ngo', country: 'PH', name: { en: 'Bench NGO (fictional)' }, preferredLocale: 'en', teams: TEAMS.map((code) => ({ code, name: `Team ${code} (fictional)` })) });
    const partners = await Promise.all([1, 2, 3].map((i) => OrganisationModel.create({ code: `BENCH-PARTNER-${i}`, kind: 'partner', country: 'PH', name: { en: `Bench partner ${i} (fictional)` }, preferredLocale: 'en' })));
    const password = 'Benchmark password, fictional 2026';
    const totpSecret = newTotpSecret();
    const hash = await hashPassword(password);
    const workers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => UserModel.create({ email: `worker${i}@bench.example`, name: `Bench worker ${i} (fictional)`, organisationId: org._id, roles: ['caseworker'], team: TEAMS[i % 3], locale: 'en', status: 'active', passwordHash: hash } as Parameters<typeof UserModel.create>[0])),
    );
    await UserModel.create({ email: 'manager@bench.example', name: 'Bench manager (fictional)', organisationId: org._id, roles: ['manager'], locale: 'en', calendar: 'default', status: 'active', passwordHash: hash, mfa: { secret: encrypt(totpSecret), lastStep: 0 } } as Parameters<typeof UserModel.create>[0]);
    const app = await createApp({ ipLimit: { limit: 1e9, windowMs: 60_000 } });
    app.set('view cache', true);
    offset += 30_000;
    const cookie = await signInCookie(app, { email: 'manager@bench.example', password, totpSecret }, Date.now() + offset);
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    console.log(`reports: Node ${process.version}, NODE_ENV=${config.env} with the view cache on; engine: ${database.line}`);
    console.log('one organisation, 3 teams, cases over 3 years; the dashboard for the last 12 months as its manager, one request at a time; goal: dashboard within 1.5x of the bare aggregation, p95 < 1 s at 100,000');
    const today = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()));
    const filters = { from: new Date(today.getTime() - 364 * DAY), to: new Date(today.getTime() + DAY) };
    let seeded = 0;
    for (const size of SIZES) {
      await seed(org._id, workers.map((w) => w._id), partners.map((p) => p._id), seeded, size);
      seeded = size;
      const summed = Date.now();
      const { cells } = await rebuildReportCells(org._id);
      const sumMs = Date.now() - summed;
      const queries = reportQueries({ organisationId: String(org._id) }, filters, new Date());
      const read = (await Promise.all(queries.map((q) => ReportCellModel.collection.countDocuments(q.filter)))).reduce((a, b) => a + b, 0);
      const n = size >= 100_000 ? RUNS_LARGE : RUNS;
      const bare = await timed(n, () => readReport(ReportCellModel.collection, { organisationId: String(org._id) }, filters, new Date()));
      const page = await timed(n, () => fetchBytes(`${base}/reports`, cookie));
      let csvBytes = 0;
      let pdfBytes = 0;
      const csv = await timed(n, async () => (csvBytes = await fetchBytes(`${base}/reports/export.csv`, cookie)));
      const pdf = await timed(n, async () => (pdfBytes = await fetchBytes(`${base}/reports/export.pdf`, cookie)));
      const line = (label: string, r: { p50: number; p95: number }, extra = '') => console.log(`${label.padEnd(22)} p50 ${r.p50.toFixed(0).padStart(7)} ms  p95 ${r.p95.toFixed(0).padStart(7)} ms${extra}`);
      console.log(`\n${size.toLocaleString('en')} cases, ${n} runs each; ${cells.toLocaleString('en')} report cells, summed from the facts in ${(sumMs / 1000).toFixed(1)} s; the dashboard reads ${read} of them in ${queries.length} ranges`);
      line('bare aggregation', bare);
      line('haven dashboard', page, `  ratio to bare: p50 ${(page.p50 / bare.p50).toFixed(2)}x, p95 ${(page.p95 / bare.p95).toFixed(2)}x`);
      line('CSV download', csv, `  ${(csvBytes / 1024).toFixed(0)} KiB`);
      line('PDF download', pdf, `  ${(pdfBytes / 1024).toFixed(0)} KiB`);
    }
  } finally {
    server?.close();
    await database.close();
  }
}
