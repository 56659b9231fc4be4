/**
 * `npm run bench -- referrals`: the partner portal of one partner organisation that receives referrals
 * from 3 NGOs, at 100 and at 10,000 referrals. The inbox and a referral's page, signed in as a Thai
 * partner user (Buddhist-era dates), under 20 concurrent connections, 5 s per figure; each against a
 * bare Express page that makes the same service call and renders the same template without Haven's
 * middleware (session, CSRF, access middleware, compression), so the ratio shows what the middleware
 * costs. Then the PDF form's time and size in Thai and in Burmese.
 *
 * The referrals span two years and those of the last 45 days are open (the others completed, declined
 * or revoked), so the open inbox grows with the organisation but stays a small part of what it received;
 * `BENCH_OPEN=all npm run bench -- referrals` keeps every one open, the worst case.
 *
 * Referrals are written in bulk, with snapshots sealed as the send service seals them; the partner
 * pages read only referrals, so the cases they name need not exist. It runs on the embedded engine (or
 * MONGODB_URI, in a scratch database dropped at the end).
 */
import type { Server } from 'node:http';
import express from 'express';
import { Types } from 'mongoose';
import { createApp } from '../src/app.js';
import { config } from '../src/config/index.js';
import { DECLINE_REASONS, OPEN_STATUSES, type ReferralStatus } from '../src/domain/referrals.js';
import type { Caller } from '../src/domain/permissions.js';
import { buildAssets } from '../src/lib/assets.js';
import { setClock } from '../src/lib/clock.js';
import { encrypt } from '../src/lib/crypto.js';
import { createI18n } from '../src/lib/i18n/index.js';
import { logger } from '../src/lib/logger.js';
import { hashPassword } from '../src/lib/passwords.js';
import { newTotpSecret } from '../src/lib/totp.js';
import { OrganisationModel } from '../src/models/organisation.js';
import { ReferralModel } from '../src/models/referral.js';
import { UserModel } from '../src/models/user.js';
import { trusted } from '../src/services/auth/trusted.js';
import { seal } from '../src/services/cases/records.js';
import { partnerCounts, partnerInbox } from '../src/services/partner/inbox.js';
import { partnerReferralPage } from '../src/services/partner/portal.js';
import { referralFormData, renderReferralForm } from '../src/services/referrals/form-pdf.js';
import { sealSnapshot, type ReferralSnapshot } from '../src/services/referrals/referrals.js';
import { useViews } from '../src/views/engine.js';
import { load, row, type LoadResult } from './load.js';
import { signInCookie } from './sign-in.js';
import { scratchDatabase } from './scratch-database.js';

const SIZES = [100, 10_000];
const PROTOCOL = { connections: 20, seconds: 5 };
const DAY = 86_400_000;
const LOCALE = 'th';

/** A snapshot as a referral for shelter shares it: identification, contact, family, two notes; fictional. */
function snapshotOf(i: number): ReferralSnapshot {
  return {
    identification: { givenName: `Benchchild${i}`, familyName: 'Fictional', givenNameLocal: 'ทดสอบ', familyNameLocal: 'สมมุติ', nickname: '', sex: 'female', dateOfBirth: '2013-04-02', estimatedAge: '', nationality: 'TH', languages: ['th'], disability: 'none' },
    contact: { placement: 'shelter', location: 'TH-50 (fictional)', school: '' },
    family: { members: [{ relationship: 'aunt', livesWithChild: false, guardian: true, exploitationRole: 'none' }] },
    notes: [
      { date: '2026-10-02', type: 'home_visit', text: { text: 'เยี่ยมบ้านสมมุติ เด็กปลอดภัยดี (ข้อมูลทดสอบ)', language: 'th' } },
      { date: '2026-10-20', type: 'counselling', text: { text: 'A fictional counselling note for the benchmark.', language: 'en' } },
    ],
  };
}

const OPEN: readonly ReferralStatus[] = ['sent', 'acknowledged', 'accepted', 'in_progress'];
const ENDED: readonly ReferralStatus[] = ['completed', 'completed', 'declined', 'revoked'];
/** How far back referrals go, and how long one stays open: a partner's referrals of two years, those of the last 45 days still open. */
const HISTORY_DAYS = 730;
const OPEN_DAYS = 45;

/**
 * The state of the i-th referral. `BENCH_OPEN=all` keeps every referral in an open state instead
 * (a worst case: an inbox that nobody ever answers).
 */
function stateOf(i: number, ageDays: number): ReferralStatus {
  if (process.env.BENCH_OPEN === 'all' || ageDays <= OPEN_DAYS) return OPEN[i % OPEN.length]!;
  return ENDED[i % ENDED.length]!;
}

/** Referrals `from`..`to`, spread over the 3 NGOs and the states, written 1,000 at a time. */
export async function seed(ngos: Types.ObjectId[], partner: Types.ObjectId, by: Types.ObjectId, from: number, to: number): Promise<void> {
  const now = Date.now();
  const note = seal({ text: 'ขอที่พักปลอดภัยให้เด็ก (ข้อความทดสอบ)' });
  for (let start = from; start < to; start += 1000) {
    const docs = [];
    for (let i = start; i < Math.min(to, start + 1000); i++) {
      const ageDays = (i * 7) % HISTORY_DAYS;
      const status = stateOf(i, ageDays);
      const sentAt = new Date(now - ageDays * DAY);
      docs.push({
        _id: new Types.ObjectId(),
        reference: `RF-2026-${String(i + 1).padStart(6, '0')}`,
        caseId: new Types.ObjectId(),
        fromOrganisationId: ngos[i % ngos.length],
        toOrganisationId: partner,
        locale: LOCALE,
        offline: false,
        service: 'shelter',
        urgency: 'within_72_hours',
        reasons: ['safe_placement'],
        dueDate: new Date(sentAt.getTime() + 7 * DAY),
        sections: ['identification', 'contact', 'family', 'notes'],
        noteIds: [],
        attachmentIds: [],
        secret: note,
        language: 'th',
        consent: { override: false },
        status,
        statusAt: sentAt,
        steps: [{ from: 'draft', to: 'sent', at: sentAt, by, byOrganisationId: ngos[i % ngos.length] }],
        ...(status === 'declined' ? { declineReason: DECLINE_REASONS[0] } : {}),
        snapshot: { secret: sealSnapshot(snapshotOf(i)), version: 1, takenAt: sentAt, takenBy: by },
        translations: [],
        sentAt,
        createdBy: by,
        demo: false,
        __v: 0,
        createdAt: sentAt,
        updatedAt: sentAt,
      });
    }
    await ReferralModel.collection.insertMany(docs, { ordered: false });
  }
}

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
}

/** The partner's two pages with nothing else: the same service calls and templates, in Thai. */
async function bareApp(caller: Caller, referralId: string): Promise<express.Express> {
  const i18n = await createI18n();
  const app = express();
  useViews(app, buildAssets(), true);
  const t = i18n.getFixedT(LOCALE);
  const page = { lang: LOCALE, languages: [], reviewed: false, fonts: true, calendar: 'default', section: 'referrals' };
  app.get('/inbox', async (_req, res) => {
    const [inbox, counts] = await Promise.all([partnerInbox(caller, { filter: 'open' }, LOCALE), partnerCounts(caller)]);
    res.render('partner/inbox', { t, page, title: t('partner:inbox.title'), inbox, counts });
  });
  app.get('/one', async (_req, res) => {
    const referral = await partnerReferralPage(caller, referralId, LOCALE);
    res.render('partner/show', { t, page, title: referral.view.reference, referral, declineReasons: DECLINE_REASONS });
  });
  return app;
}

/** Time and size of the PDF form of one referral in a language: a warm-up, then `n` forms in a row. */
async function pdfFigures(referralId: string, locale: string, n = 10): Promise<string> {
  const r = (await ReferralModel.findById(referralId).lean())!;
  const data = await referralFormData(r as never);
  await renderReferralForm(data, { locale, calendar: 'default' });
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const began = process.hrtime.bigint();
    bytes = (await renderReferralForm(data, { locale, calendar: 'default' })).length;
    times.push(Number(process.hrtime.bigint() - began) / 1e6);
  }
  times.sort((a, b) => a - b);
  return `PDF form in ${locale}: median ${times[Math.floor(n / 2)]!.toFixed(0)} ms, slowest ${times[n - 1]!.toFixed(0)} ms over ${n} forms; ${(bytes / 1024).toFixed(0)} KiB`;
}

export async function run(): Promise<void> {
  const database = await scratchDatabase();
  const engineLine = database.line;
  let offset = 0;
  setClock(() => Date.now() + offset);
  logger.level = 'warn';
  const servers: Server[] = [];
  try {
    const ngos = await Promise.all(
      ['PH', 'KH', 'VN'].map((country, i) => OrganisationModel.create({ code: `BENCH-NGO-${i + 1}`, kind: 'ngo', country, name: { en: `Bench NGO ${i + 1} (fictional)` }, preferredLocale: 'en' })),
    );
    const partnerOrg = await OrganisationModel.create({ code: 'BENCH-PARTNER-TH', kind: 'partner', country: 'TH', name: { en: 'Bench shelter (fictional)', th: 'บ้านพักทดสอบ (สมมุติ)' }, services: ['shelter'], preferredLocale: LOCALE });
    const password = 'Benchmark password, fictional 2026';
    const totpSecret = newTotpSecret();
    const partnerUser = await UserModel.create({ email: 'partner@bench.example', name: 'Bench partner (fictional)', organisationId: partnerOrg._id, roles: ['partner'], locale: LOCALE, calendar: 'default', status: 'active', passwordHash: await hashPassword(password), mfa: { secret: encrypt(totpSecret), lastStep: 0 } } as Parameters<typeof UserModel.create>[0]);
    const sender = new Types.ObjectId();
    const caller: Caller = { userId: String(partnerUser._id), organisationId: String(partnerOrg._id), roles: ['partner'] };
    const app = await createApp({ ipLimit: { limit: 1e9, windowMs: 60_000 } });
    app.set('view cache', true);
    offset += 30_000;
    const cookie = await signInCookie(app, { email: 'partner@bench.example', password, totpSecret }, Date.now() + offset);
    const haven = await listen(app);
    servers.push(haven);
    const port = (s: Server) => (s.address() as { port: number }).port;
    console.log(`referrals: Node ${process.version}, NODE_ENV=${config.env} with the view cache on; engine: ${engineLine}`);
    console.log(`a Thai partner user of one organisation receiving from 3 NGOs; ${PROTOCOL.connections} connections, ${PROTOCOL.seconds} s per figure; goal: ratio >= 0.5, and the 10,000 figure within 1.3x of the 100 one`);
    const figures = new Map<number, Record<string, LoadResult>>();
    let seeded = 0;
    let sampleId = '';
    for (const size of SIZES) {
      await seed(ngos.map((o) => o._id), partnerOrg._id, sender, seeded, size);
      seeded = size;
      const sample = await ReferralModel.findOne(trusted({ toOrganisationId: partnerOrg._id, status: { $in: [...OPEN_STATUSES] } })).sort({ _id: -1 }).select({ _id: 1 }).lean();
      sampleId = String(sample!._id);
      const bare = await listen(await bareApp(caller, sampleId));
      servers.push(bare);
      const pairs: [string, string, string][] = [
        ['partner inbox', '/partner/referrals', '/inbox'],
        ['referral page', `/partner/referrals/${sampleId}`, '/one'],
      ];
      const result: Record<string, LoadResult> = {};
      console.log(`\n${size.toLocaleString('en')} referrals`);
      for (const [label, havenPath, barePath] of pairs) {
        await load(`http://127.0.0.1:${port(bare)}${barePath}`, { connections: PROTOCOL.connections, seconds: 1 });
        await load(`http://127.0.0.1:${port(haven)}${havenPath}`, { connections: PROTOCOL.connections, seconds: 1, headers: { cookie } });
        const b = await load(`http://127.0.0.1:${port(bare)}${barePath}`, PROTOCOL);
        const h = await load(`http://127.0.0.1:${port(haven)}${havenPath}`, { ...PROTOCOL, headers: { cookie } });
        result[label] = h;
        console.log(row(`bare ${label}`, b));
        console.log(row(`haven ${label}`, h, h.rps / b.rps));
      }
      figures.set(size, result);
      bare.close();
    }
    const small = figures.get(SIZES[0]!)!;
    const large = figures.get(SIZES[SIZES.length - 1]!)!;
    console.log(`\n${SIZES[SIZES.length - 1]!.toLocaleString('en')} against ${SIZES[0]} referrals (haven):`);
    for (const label of Object.keys(small)) {
      console.log(`  ${label.padEnd(14)} p50 ${(large[label]!.p50 / small[label]!.p50).toFixed(2)}x   p95 ${(large[label]!.p95 / small[label]!.p95).toFixed(2)}x   throughput ${(small[label]!.rps / large[label]!.rps).toFixed(2)}x lower`);
    }
    console.log('');
    for (const locale of ['th', 'my']) console.log(await pdfFigures(sampleId, locale));
  } finally {
    for (const s of servers) s.close();
    await database.close();
  }
}
