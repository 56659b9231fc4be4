/**
 * The start page at `/` once signed in, on the seeded demo: each role sees its blocks with demo data,
 * and only what the access policy lets that role see; for caseworkers and supervisors it is "My work",
 * with the header's reminder of what is due. A few fictional records are added beside the demo so that
 * something out of scope exists for every role to not see: another team's caseworker and case,
 * unassigned cases in two teams, and a user with two roles.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import mongoose, { Types } from 'mongoose';
import request from 'supertest';
import { LOCALES } from '../../../src/domain/locales.js';
import { LOOKUPS } from '../../../src/domain/lookups.js';
import { CASE_STATUSES } from '../../../src/domain/cases.js';
import { decrypt } from '../../../src/lib/crypto.js';
import { connect, disconnect } from '../../../src/lib/db/connection.js';
import { createI18n } from '../../../src/lib/i18n/index.js';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { CaseModel } from '../../../src/models/case.js';
import { CaseTaskModel } from '../../../src/models/case-task.js';
import { ReferralModel } from '../../../src/models/referral.js';
import { UserModel } from '../../../src/models/user.js';
import type { Role } from '../../../src/domain/permissions.js';
import { effectiveAssignee } from '../../../src/domain/tasks.js';
import { displayName, identityOf, unseal } from '../../../src/services/cases/records.js';
import { ensureIndexes } from '../../../src/services/database.js';
import { seedDemoCases } from '../../../src/services/demo/cases.js';
import { seedDemo } from '../../../src/services/demo/seed.js';
import { DEMO_TASK_TITLES } from '../../../src/services/demo/tasks.js';
import { DEMO_PASSWORD } from '../../../src/services/demo/users.js';
import { BLOCK_ROWS, ROLE_BLOCKS, TASK_HORIZON_DAYS } from '../../../src/services/home/start-page.js';
import { trusted } from '../../../src/services/auth/trusted.js';
import { testApp } from '../../helpers/app.js';
import { startHarness, watchedPage, expectClean, type Harness } from '../../helpers/browser.js';
import { buildCase } from '../../helpers/cases.js';
import { now } from '../../helpers/clock.js';
import { testEngine } from '../../helpers/engine.js';
import { buildUser, type TestUser } from '../../helpers/factories.js';
import { visibleText } from '../../helpers/pages.js';
import { PSEUDO, pseudoResources, untranslated } from '../../helpers/pseudo.js';
import { nextCode, signIn, signInWithPassword, type Agent } from '../../helpers/session.js';

// Case numbers; a referral's own number (`RF-2026-00042`) names no case and no child.
const CASE_NUMBER = /\b(?!RF-)[A-Z]{2,12}-\d{4}-\d{5,}\b/g;
/** The blocks every page of its role shows, whatever the data: work kinds with nothing due are left out. */
const BLOCK_IDS = ['my-cases', 'my-tasks', 'my-activity', 'team-cases', 'team-tasks', 'team-activity', 'unassigned', 'awaiting-decision', 'caseload', 'referrals', 'administration', 'data-protection'];

/** The blocks a page shows, by their heading ids, in page order. */
function blocksOn(html: string): string[] {
  return [...html.matchAll(/<section class="card start-block" aria-labelledby="start-([a-z-]+)"/g)].map((m) => m[1]!);
}

/**
 * The page shows its roles' blocks in the order of ROLE_BLOCKS, each role's in turn, with at least the
 * blocks always shown; a work kind with nothing in it may be left out.
 */
function expectBlocks(html: string, roles: Role[], always: string[]): void {
  const order = roles.flatMap((r) => ROLE_BLOCKS[r]);
  const shown = blocksOn(html);
  expect(shown.filter((id) => !order.includes(id)), 'blocks of other roles').to.deep.equal([]);
  expect(shown, 'in the roles’ order').to.deep.equal(order.filter((id) => shown.includes(id)));
  expect(shown).to.include.members(always);
}

/** The header's reminder ("My work: 3 due · 1 overdue") as numbers, or undefined when there is none. */
function reminderOf(html: string): { due: number; overdue: number } | undefined {
  const m = /<a class="reminder" href="\/">([\s\S]*?)<\/a>/.exec(html);
  if (!m) return undefined;
  const text = m[1]!.replace(/<[^>]+>/g, '');
  return { due: Number(/(\d+) due/.exec(text)?.[1] ?? NaN), overdue: Number(/(\d+) overdue/.exec(text)?.[1] ?? 0) };
}

/** One block's HTML. */
function block(html: string, id: string): string {
  const start = html.indexOf(`aria-labelledby="start-${id}"`);
  expect(start, `block ${id}`).to.be.greaterThan(-1);
  return html.slice(start, html.indexOf('</section>', start));
}

function caseNumbers(html: string): string[] {
  return [...new Set(html.match(CASE_NUMBER) ?? [])];
}

describe('GET / signed in: the start page of each role, on the seeded demo', function () {
  this.timeout(300_000);
  const dbName = `t${process.pid}_startpage`;
  let app: Express;
  let org: Types.ObjectId;
  const demo = new Map<string, TestUser & { name: string; team?: string }>();
  const agents = new Map<string, Agent>();
  let otherWorker: TestUser;
  let otherCase: string;
  let unassignedOwn: string;
  let unassignedOther: string;
  let both: TestUser;
  let bothCase: string;

  async function demoUser(email: string) {
    const u = (await UserModel.findOne({ email }).lean())!;
    return { id: String(u._id), email, password: DEMO_PASSWORD, totpSecret: decrypt(u.mfa!.secret!), organisationId: String(u.organisationId), roles: u.roles as TestUser['roles'], name: u.name, team: u.team ?? undefined };
  }

  async function numberOf(id: string): Promise<string> {
    return (await CaseModel.findById(id).lean())!.caseNumber;
  }

  /** Case numbers of the PH organisation's cases matching `filter`, found by the test itself. */
  async function numbers(filter: Record<string, unknown>): Promise<Set<string>> {
    return new Set((await CaseModel.find(trusted({ organisationId: org, ...filter })).select({ caseNumber: 1 }).lean()).map((c) => c.caseNumber));
  }

  async function page(who: string): Promise<string> {
    const res = await agents.get(who)!.get('/');
    expect(res.status, who).to.equal(200);
    expect(res.headers['cache-control'], who).to.equal('no-store');
    return res.text;
  }

  before(async () => {
    await disconnect();
    await connect(testEngine().uri, dbName);
    await ensureIndexes();
    await seedDemo();
    await seedDemoCases();
    for (const role of ['caseworker', 'supervisor', 'manager', 'admin', 'auditor', 'partner']) demo.set(role, await demoUser(`${role}.ph@demo.haven.example`));
    demo.set('kh-caseworker', await demoUser('caseworker.kh@demo.haven.example'));
    org = new Types.ObjectId(demo.get('caseworker')!.organisationId);
    // The demo accounts read their organisation's language; these tests read English unless they say otherwise.
    await mongoose.connection.collection('users').updateMany({}, { $set: { locale: 'en' } });
    const ph = String(org);
    // Another team of the same organisation: its caseworker's case is critical, so it would lead any list it leaked into.
    otherWorker = await buildUser({ roles: ['caseworker'], organisationId: ph, team: 'Team B' });
    otherCase = await buildCase(otherWorker, { riskLevel: 'critical' }, { team: 'Team B' });
    // A supervisor registering a case names no caseworker: unassigned, in their team.
    unassignedOwn = await buildCase(demo.get('supervisor')!, {}, { team: 'Team A' });
    const otherSupervisor = await buildUser({ roles: ['supervisor'], organisationId: ph, team: 'Team B' });
    unassignedOther = await buildCase(otherSupervisor, { riskLevel: 'critical' }, { team: 'Team B' });
    both = await buildUser({ roles: ['caseworker', 'supervisor'], organisationId: ph, team: 'Team B' });
    bothCase = await buildCase(both, {}, { team: 'Team B' });
    app = await testApp();
    for (const [who, user] of demo) agents.set(who, await signIn(app, user));
    agents.set('both', await signIn(app, both));
  });

  after(async () => {
    await mongoose.connection.db?.dropDatabase();
    await disconnect();
  });

  it('stays the public page for visitors, and for someone who has not given the second factor yet', async () => {
    const anonymous = await request(app).get('/').expect(200);
    expect(anonymous.text).to.include('href="/login"');
    expect(blocksOn(anonymous.text)).to.deep.equal([]);
    const { agent } = await signInWithPassword(app, demo.get('caseworker')!);
    const halfway = await agent.get('/').expect(200);
    expect(blocksOn(halfway.text)).to.deep.equal([]);
    expect(caseNumbers(halfway.text)).to.deep.equal([]);
  });

  it('shows a caseworker their open cases, highest risk first, their due tasks and recent activity, and nothing of other caseworkers', async () => {
    const me = demo.get('caseworker')!;
    const html = await page('caseworker');
    expectBlocks(html, ['caseworker'], ['my-tasks', 'my-cases', 'my-activity']);
    expect(blocksOn(html).at(-2), 'work first, then the cases and what happened').to.equal('my-cases');
    const mine = await numbers({ caseworkerIds: new Types.ObjectId(me.id) });
    expect(mine.size, 'the demo gives the caseworker cases').to.be.greaterThan(50);
    // Every case number on the page is one of theirs; the other team's critical case is not there.
    expect(caseNumbers(html).filter((n) => !mine.has(n))).to.deep.equal([]);
    expect(html).to.not.include(await numberOf(otherCase));

    const cases = block(html, 'my-cases');
    const top = await CaseModel.find(trusted({ organisationId: org, caseworkerIds: new Types.ObjectId(me.id), status: { $in: ['open', 'active'] } })).sort({ riskRank: -1, _id: -1 }).limit(BLOCK_ROWS).lean();
    expect(caseNumbers(cases)).to.deep.equal(top.map((c) => c.caseNumber));
    // The demo closes some of them (services/demo/closures.ts): the block counts the open and active ones.
    const openMine = await numbers({ caseworkerIds: new Types.ObjectId(me.id), status: { $in: ['open', 'active'] } });
    expect(cases).to.include(`${openMine.size} open cases assigned to you`);
    expect(cases).to.include(displayName(identityOf(top[0]!)));
    expect(cases).to.include(`risk-${top[0]!.riskLevel}"`);
    expect(cases).to.include(`href="/cases?caseworker=${me.id}&amp;sort=risk"`);
    expect(cases, 'cards, not a table').to.not.include('<table');

    // The tasks, counted here from all of the organisation's tasks, not through the page's query: the
    // caseworker's are those whose assignee is them, or that have none on a case where they come first.
    const people = new Map((await CaseModel.find(trusted({ organisationId: org, caseworkerIds: new Types.ObjectId(me.id), status: { $in: ['open', 'active'] } })).select({ caseworkerIds: 1, supervisorId: 1 }).lean()).map((c) => [String(c._id), { caseworkerIds: c.caseworkerIds.map(String), supervisorId: c.supervisorId ? String(c.supervisorId) : undefined }]));
    const at = new Date(now());
    const today = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
    const horizon = today + (TASK_HORIZON_DAYS + 1) * 86_400_000;
    const open = (await CaseTaskModel.find({ organisationId: org }).lean()).filter((t) => people.has(String(t.caseId)) && !t.doneAt && t.dueDate.getTime() < horizon);
    const due = open.filter((t) => effectiveAssignee(t.assigneeId ? String(t.assigneeId) : undefined, people.get(String(t.caseId))!) === me.id);
    const overdue = due.filter((t) => t.dueDate.getTime() < today);
    expect(due.length, 'the demo has tasks due').to.be.greaterThan(0);
    expect(overdue.length, 'the demo has overdue tasks').to.be.greaterThan(0);
    expect(open.length, 'the demo gives some tasks on the caseworker’s cases to the supervisor').to.be.greaterThan(due.length);
    const tasks = block(html, 'my-tasks');
    expect(tasks).to.include(`My tasks <span class="start-tally">· ${due.length}</span>`);
    expect(tasks).to.include(`${due.length} overdue or due in the next ${TASK_HORIZON_DAYS} days, soonest first.`);
    expect(tasks).to.include(`${overdue.length} overdue.`);
    const soonest = [...due].sort((a, b) => a.dueDate.getTime() - b.dueDate.getTime() || String(a._id).localeCompare(String(b._id)));
    expect(tasks).to.include(`href="/cases/${soonest[0]!.caseId}#tasks"`);
    expect(tasks).to.include(unseal<{ title: string }>(soonest[0]!.secret, { title: '' }).title);
    expect(tasks.match(/<li>/g), 'the first rows').to.have.length(Math.min(BLOCK_ROWS, due.length));
    expect(tasks).to.include('>Overdue</strong>');
    // The reminder counts at least these tasks (other kinds of work add to it when the demo has them).
    const badge = reminderOf(html)!;
    expect(badge.due).to.be.at.least(due.length);
    expect(badge.overdue).to.be.at.least(overdue.length);

    const activity = block(html, 'my-activity');
    expect(caseNumbers(activity).length, 'recent notes and changes').to.be.greaterThan(0);
    // Who did it: the caseworker, or the supervisor who took the case on (the demo's task seeding does).
    expect([me.name, demo.get('supervisor')!.name].some((name) => activity.includes(name)), 'who').to.equal(true);
  });

  it('writes one case_list audit entry for a page that lists cases, and none for one that does not', async () => {
    const count = (user: TestUser) => AuditEntryModel.countDocuments({ action: 'case_list', userId: new Types.ObjectId(user.id) });
    const before = { worker: await count(demo.get('caseworker')!), admin: await count(demo.get('admin')!) };
    await page('caseworker');
    await page('admin');
    expect(await count(demo.get('caseworker')!)).to.equal(before.worker + 1);
    expect(await count(demo.get('admin')!)).to.equal(before.admin);
  });

  it('shows a supervisor the team’s cases, tasks and activity, the team’s unassigned cases and the cases waiting at intake, and no other team’s', async () => {
    const me = demo.get('supervisor')!;
    const html = await page('supervisor');
    expectBlocks(html, ['supervisor'], ['team-tasks', 'team-cases', 'unassigned', 'awaiting-decision', 'team-activity']);
    const team = await numbers({ $or: [{ team: me.team }, { supervisorId: new Types.ObjectId(me.id) }] });
    expect(caseNumbers(html).filter((n) => !team.has(n))).to.deep.equal([]);
    for (const id of [otherCase, unassignedOther]) expect(html).to.not.include(await numberOf(id));

    const cases = block(html, 'team-cases');
    const openTeam = await numbers({ status: { $in: ['open', 'active'] }, $or: [{ team: me.team }, { supervisorId: new Types.ObjectId(me.id) }] });
    expect(cases).to.include(`${openTeam.size} open cases in your team`);
    expect(cases, 'who holds each case').to.include(demo.get('caseworker')!.name);

    const unassigned = block(html, 'unassigned');
    expect(caseNumbers(unassigned)).to.deep.equal([await numberOf(unassignedOwn)]);
    expect(unassigned).to.include(`href="/cases/${unassignedOwn}/assign"`);
    expect(unassigned).to.include('1 open case has no caseworker yet');

    const waiting = block(html, 'awaiting-decision');
    const open = await numbers({ status: 'open', $or: [{ team: me.team }, { supervisorId: new Types.ObjectId(me.id) }] });
    expect(waiting).to.include(`${open.size} cases at intake`);
    expect(waiting).to.include('href="/cases?status=open&amp;sort=oldest"');
    const oldest = await CaseModel.find({ organisationId: org, status: 'open', team: me.team }).sort({ 'intake.date': 1, _id: 1 }).limit(1).lean();
    expect(caseNumbers(waiting)[0]).to.equal(oldest[0]!.caseNumber);
    // The team's overdue tasks and the supervisor's own, counted here from the organisation's tasks.
    const teamCases = await CaseModel.find(trusted({ organisationId: org, status: { $in: ['open', 'active'] }, $or: [{ team: me.team }, { supervisorId: new Types.ObjectId(me.id) }] })).select({ caseworkerIds: 1, supervisorId: 1 }).lean();
    const people = new Map(teamCases.map((c) => [String(c._id), { caseworkerIds: c.caseworkerIds.map(String), supervisorId: c.supervisorId ? String(c.supervisorId) : undefined }]));
    const at = new Date(now());
    const today = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
    const horizon = today + (TASK_HORIZON_DAYS + 1) * 86_400_000;
    const teamTasks = (await CaseTaskModel.find({ organisationId: org }).lean()).filter((t) => people.has(String(t.caseId)) && !t.doneAt && t.dueDate.getTime() < horizon);
    const shown = teamTasks.filter((t) => t.dueDate.getTime() < today || effectiveAssignee(t.assigneeId ? String(t.assigneeId) : undefined, people.get(String(t.caseId))!) === me.id);
    expect(shown.some((t) => t.dueDate.getTime() >= today), 'the demo gives the supervisor tasks not yet due').to.equal(true);
    const taskBlock = block(html, 'team-tasks');
    expect(taskBlock).to.include(`Team tasks <span class="start-tally">· ${shown.length}</span>`);
    expect(taskBlock).to.include('overdue or due in the next').and.include('Task assigned to you');
    expect(reminderOf(html)!.due).to.be.at.least(shown.length);
    expect(caseNumbers(block(html, 'team-activity')).length).to.be.greaterThan(0);
  });

  it('shows a user with two roles the blocks of each, each within that role’s scope', async () => {
    const html = await page('both');
    expectBlocks(html, ['caseworker', 'supervisor'], ['my-tasks', 'my-cases', 'my-activity', 'team-tasks', 'team-cases', 'unassigned', 'awaiting-decision', 'team-activity']);
    const own = await numberOf(bothCase);
    const other = await numberOf(otherCase);
    expect(caseNumbers(block(html, 'my-cases'))).to.deep.equal([own]);
    expect(caseNumbers(block(html, 'team-cases'))).to.include.members([own, other, await numberOf(unassignedOther)]);
    expect(caseNumbers(block(html, 'unassigned'))).to.deep.equal([await numberOf(unassignedOther)]);
    expect(html, 'Team A’s cases').to.not.include(await numberOf(unassignedOwn));
  });

  it('shows a manager the caseload counted by status and risk, with no case number or child named', async () => {
    const html = await page('manager');
    expect(blocksOn(html)).to.deep.equal(['caseload']);
    expect(reminderOf(html), 'no reminder of case work').to.equal(undefined);
    expect(caseNumbers(html)).to.deep.equal([]);
    expect(html).to.not.match(/href="\/cases\/[0-9a-f]{24}/);
    const sample = (await CaseModel.findOne({ organisationId: org }).lean())!;
    expect(html).to.not.include(displayName(identityOf(sample)));
    const caseload = block(html, 'caseload');
    const total = await CaseModel.countDocuments({ organisationId: org });
    expect(caseload).to.include(`${total} cases in all`);
    for (const status of CASE_STATUSES) {
      const n = await CaseModel.countDocuments({ organisationId: org, status });
      expect(caseload, status).to.include(`href="/cases?status=${status}"><span class="start-count">${n}</span>`);
    }
    for (const risk of LOOKUPS.riskLevel) {
      const n = await CaseModel.countDocuments({ organisationId: org, riskLevel: risk });
      expect(caseload, risk).to.include(`href="/cases?risk=${risk}"><span class="start-count">${n}</span>`);
    }
  });

  it("shows a partner their organisation's referrals (the demo's), counted and linking to the inbox, and no case", async () => {
    const html = await page('partner');
    expect(blocksOn(html)).to.deep.equal(['referrals']);
    expect(reminderOf(html), 'no reminder of case work').to.equal(undefined);
    for (const show of ['new', 'open', 'overdue']) expect(block(html, 'referrals')).to.include(`href="/partner/referrals?filter=${show}"`);
    expect(block(html, 'referrals')).to.match(/href="\/partner\/referrals\/[0-9a-f]{24}"/);
    expect(caseNumbers(html)).to.deep.equal([]);
    expect(html).to.not.match(/href="\/cases/);
  });

  it('gives an admin their sections, with their organisation’s accounts counted, and no case', async () => {
    const html = await page('admin');
    expect(blocksOn(html)).to.deep.equal(['administration']);
    expect(reminderOf(html), 'no reminder of case work').to.equal(undefined);
    const admin = block(html, 'administration');
    for (const href of ['/admin/users', '/admin/users/new', '/admin/organisations']) expect(admin).to.include(`href="${href}"`);
    const active = await UserModel.countDocuments({ organisationId: org, status: 'active' });
    expect(admin).to.include(`<span class="start-count">${active}</span> Active`);
    expect(caseNumbers(html)).to.deep.equal([]);
    expect(html).to.not.match(/href="\/cases/);
  });

  it('gives an auditor the audit log and access report, with the refused attempts of the last week', async () => {
    // A caseworker asks for another organisation's case: refused, and audited in their organisation.
    const foreign = (await CaseModel.findOne({ organisationId: new Types.ObjectId(demo.get('kh-caseworker')!.organisationId) }).lean())!;
    await agents.get('caseworker')!.get(`/cases/${foreign._id}`).expect(404);
    const html = await page('auditor');
    expect(blocksOn(html)).to.deep.equal(['data-protection']);
    expect(reminderOf(html), 'no reminder of case work').to.equal(undefined);
    const section = block(html, 'data-protection');
    for (const href of ['/audit', '/audit/report', '/audit?action=access_denied']) expect(section).to.include(`href="${href}"`);
    const denied = await AuditEntryModel.countDocuments(trusted({ organisationId: org, action: 'access_denied', at: { $gte: new Date(now() - 7 * 86_400_000) } }));
    expect(denied).to.be.greaterThan(0);
    expect(section).to.include(`${denied} refused attempt${denied === 1 ? '' : 's'} in the last 7 days`);
    expect(caseNumbers(html)).to.deep.equal([]);
  });

  describe('in every language', () => {
    const everyone = () => [...demo.entries()].filter(([who]) => who !== 'kh-caseworker').map(([, u]) => u as TestUser).concat(both);
    const setLocale = (locale: string) => mongoose.connection.collection('users').updateMany({ _id: { $in: everyone().map((u) => new Types.ObjectId(u.id)) } }, { $set: { locale } });
    afterEach(() => setLocale('en'));

    it('shows no text outside the locale files in the pseudo-locale, for every role', async () => {
      const pseudoApp = await testApp({ i18n: await createI18n({ extra: pseudoResources() }) });
      await setLocale(PSEUDO);
      const cases = await CaseModel.find({ organisationId: org }).lean();
      const users = await UserModel.find({ organisationId: org }).select({ name: 1 }).lean();
      const references = (await ReferralModel.find({}).select({ reference: 1 }).lean()).map((r) => r.reference);
      const known = [...references, ...cases.map((c) => c.caseNumber), ...cases.map((c) => displayName(identityOf(c))), ...users.map((u) => u.name), 'Follow-up home visit (demo)', ...DEMO_TASK_TITLES, 'Team A', 'Team B'].filter(Boolean).sort((a, b) => b.length - a.length);
      const seen = new Set<string>();
      for (const user of everyone()) {
        const res = await (await signIn(pseudoApp, user)).get('/');
        expect(res.status).to.equal(200);
        expect(res.headers['content-language']).to.equal(PSEUDO);
        for (const id of blocksOn(res.text)) seen.add(id);
        const left = untranslated(res.text, known).map((t) => t.replace(/[A-Z][a-z]{2} \d{1,2}, \d{4}/g, ''));
        expect(left.filter((t) => /\p{L}/u.test(t)), user.email).to.deep.equal([]);
      }
      expect([...seen], 'every block was rendered').to.include.members(BLOCK_IDS);
    });

    it('renders in all 12 languages with no translation key showing', async function () {
      this.timeout(120_000);
      for (const lng of LOCALES) {
        await setLocale(lng);
        for (const who of ['caseworker', 'supervisor', 'manager', 'partner', 'admin', 'auditor']) {
          const res = await agents.get(who)!.get('/');
          expect(res.status, `${who} ${lng}`).to.equal(200);
          expect(res.text, `${who} ${lng}`).to.include(`<html lang="${lng}"`);
          const keys = visibleText(res.text).filter((t) => /\b(common|home|cases|lookups|admin|audit):[a-zA-Z_.]+\b/.test(t));
          expect(keys, `${who} ${lng}`).to.deep.equal([]);
        }
      }
    });
  });

  describe('in Chromium at 360 px', () => {
    let harness: Harness;
    before(async () => {
      harness = await startHarness(app);
    });
    after(async () => harness?.close());

    for (const [who, locale] of [['supervisor', 'en'], ['caseworker', 'km'], ['manager', 'th'], ['admin', 'my']] as const) {
      it(`the ${who}'s start page in ${locale} fits without sideways scrolling, and case numbers do not break`, async () => {
        const user = demo.get(who)!;
        await mongoose.connection.collection('users').updateOne({ _id: new Types.ObjectId(user.id) }, { $set: { locale } });
        const context = await harness.browser.newContext({ viewport: { width: 360, height: 740 } });
        try {
          const watched = await watchedPage(context);
          const { page: tab } = watched;
          await tab.goto(`${harness.baseUrl}/login`);
          await tab.fill('#email', user.email);
          await tab.fill('#password', user.password);
          await Promise.all([tab.waitForEvent('load'), tab.locator('form[action="/login"] button[type=submit]').click()]);
          await tab.fill('#code', await nextCode(user));
          await Promise.all([tab.waitForEvent('load'), tab.locator('form[action="/mfa"] button[type=submit]').click()]);
          await tab.goto(`${harness.baseUrl}/`);
          expect(await tab.locator('.start-block').count(), 'blocks').to.be.greaterThan(0);
          const widths = await tab.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: window.innerWidth }));
          expect(widths.scroll, 'no sideways scroll').to.be.at.most(widths.view);
          const broken = await tab.evaluate(() => [...document.querySelectorAll('.start-case-number, .risk-badge')].filter((el) => el.getClientRects().length !== 1).map((el) => el.textContent));
          expect(broken).to.deep.equal([]);
          expectClean(watched, `${who}'s start page`);
        } finally {
          await context.close();
          await mongoose.connection.collection('users').updateOne({ _id: new Types.ObjectId(user.id) }, { $set: { locale: 'en' } });
        }
      });
    }
  });
});
