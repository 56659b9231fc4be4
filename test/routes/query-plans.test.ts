/**
 * Every query the pages make is served by an index (DATABASE.md). The demo is seeded, then each role
 * uses the pages as a person would while the driver's command monitor records every command sent; each
 * read and write is then asked for its plan with `explain`, and a collection scan of a collection that
 * grows with cases fails the test, naming the command. Nothing is guessed: a new page or a new query
 * is checked by being used.
 */
import { expect } from 'chai';
import type { CommandStartedEvent } from 'mongodb';
import mongoose from 'mongoose';
import request from 'supertest';
import { CONNECT_OPTIONS, disconnect } from '../../src/lib/db/connection.js';
import { decrypt } from '../../src/lib/crypto.js';
import { CaseModel } from '../../src/models/case.js';
import { CaseTaskModel } from '../../src/models/case-task.js';
import { UserModel } from '../../src/models/user.js';
import { ensureIndexes } from '../../src/services/database.js';
import { seedDemoCases } from '../../src/services/demo/cases.js';
import { seedDemo } from '../../src/services/demo/seed.js';
import { DEMO_PASSWORD } from '../../src/services/demo/users.js';
import { testApp } from '../helpers/app.js';
import { testEngine } from '../helpers/engine.js';
import { csrfFrom, signIn, type Agent } from '../helpers/session.js';
import type { TestUser } from '../helpers/factories.js';

/** Collections whose size grows with the number of cases (or of requests): a scan of these fails. */
const GROWING = /^(cases|case_notes|case_tasks|case_changes|attachments|audit_entries|sessions)$|\.(files|chunks)$/;
/** Commands that carry a query plan. */
const PLANNED = new Set(['find', 'aggregate', 'count', 'distinct', 'findAndModify', 'update', 'delete']);
/** Fields of a sent command that belong to the session or the connection, not to the query. */
const ENVELOPE = ['lsid', '$db', '$clusterTime', 'txnNumber', 'autocommit', 'startTransaction', 'readConcern', 'writeConcern', '$readPreference', 'apiVersion', 'apiStrict', 'apiDeprecationErrors', 'maxTimeMS', 'ordered', 'bypassDocumentValidation'];

interface Sent {
  page: string;
  collection: string;
  command: Record<string, unknown>;
}

function plansOf(event: CommandStartedEvent, page: string): Sent[] {
  if (!PLANNED.has(event.commandName)) return [];
  const command = { ...(event.command as Record<string, unknown>) };
  for (const key of ENVELOPE) delete command[key];
  const collection = String(command[event.commandName]);
  // Writes with several statements are explained one statement at a time.
  if (event.commandName === 'update' || event.commandName === 'delete') {
    const field = event.commandName === 'update' ? 'updates' : 'deletes';
    return (command[field] as unknown[]).map((one) => ({ page, collection, command: { ...command, [field]: [one] } }));
  }
  return [{ page, collection, command }];
}

/** The shape of a filter without its values: what a failure message may show. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : [];
  if (value && typeof value === 'object' && !(value instanceof Date) && !('_bsontype' in value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]));
  }
  return '?';
}

describe('query plans: every query the pages make uses an index (DATABASE.md)', function () {
  this.timeout(300_000);
  const sent: Sent[] = [];
  let page = 'setup';
  let listening = false;
  const dbName = `t${process.pid}_plans`;

  before(async () => {
    await disconnect();
    await mongoose.connect(testEngine().uri, { ...CONNECT_OPTIONS, dbName, monitorCommands: true });
    await ensureIndexes();
    mongoose.connection.getClient().on('commandStarted', (event: CommandStartedEvent) => {
      if (listening && event.databaseName === dbName) sent.push(...plansOf(event, page));
    });
    await seedDemo();
    await seedDemoCases();
  });
  after(async () => {
    await mongoose.connection.db?.dropDatabase();
    await disconnect();
  });

  async function demoUser(email: string): Promise<TestUser> {
    const u = (await UserModel.findOne({ email }).lean())!;
    return { id: String(u._id), email, password: DEMO_PASSWORD, totpSecret: decrypt(u.mfa!.secret!), organisationId: String(u.organisationId), roles: u.roles as TestUser['roles'] };
  }

  /** A page link of the case list (`rel` next or prev), as the browser would follow it. */
  function pageLink(html: string, rel: 'next' | 'prev'): string | undefined {
    return new RegExp(`<a href="(/cases\\?[^"]+)" rel="${rel}">`).exec(html)?.[1]?.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
  }

  async function visit(agent: Agent, path: string, status = 200): Promise<string> {
    page = `GET ${path}`;
    const res = await agent.get(path);
    expect(res.status, page).to.equal(status);
    return res.text;
  }

  it('as a caseworker, supervisor, manager, admin, auditor and partner, on the start page and every list, filter, search, case and form page', async () => {
    const app = await testApp();
    listening = true;
    page = 'sign-in';
    const caseworker = await signIn(app, await demoUser('caseworker.ph@demo.haven.example'));
    const me = await demoUser('caseworker.ph@demo.haven.example');
    const mine = (await CaseModel.findOne({ caseworkerIds: me.id }).sort({ _id: -1 }).lean())!;
    const caseId = String(mine._id);
    const worker = String(me.id);

    await visit(caseworker, '/');
    const list = await visit(caseworker, '/cases');
    for (const q of ['status=open', 'risk=high', 'type=livestream_abuse', `caseworker=${worker}`, 'team=team-a', 'sort=oldest', 'sort=intake', 'sort=risk', 'status=open&risk=high']) {
      await visit(caseworker, `/cases?${q}`);
    }
    const next = pageLink(list, 'next');
    if (next) await visit(caseworker, next);
    await visit(caseworker, `/cases?q=${encodeURIComponent(mine.caseNumber)}`);
    await visit(caseworker, `/cases?q=${encodeURIComponent('Maria')}`);
    // A name by its beginning, and a case number by its digits alone.
    await visit(caseworker, `/cases?q=${encodeURIComponent('Mari')}`);
    await visit(caseworker, `/cases?q=${encodeURIComponent(mine.caseNumber.slice(-5))}`);
    await visit(caseworker, `/cases?q=${encodeURIComponent('Mari Sant')}`);
    await visit(caseworker, `/cases/${caseId}`);
    for (const form of ['edit', 'family/new', 'assessment', 'consents/new', 'notes/new']) await visit(caseworker, `/cases/${caseId}/${form}`);
    await visit(caseworker, '/cases/new');
    await visit(caseworker, '/account');

    const token = csrfFrom(await visit(caseworker, `/cases/${caseId}/notes/new`));
    page = 'POST note';
    expect((await caseworker.post(`/cases/${caseId}/notes`).type('form').send({ _csrf: token, type: 'home_visit', date: '2026-11-30', language: 'en', text: 'A fictional follow-up visit.' })).status).to.equal(303);
    page = 'POST task';
    expect((await caseworker.post(`/cases/${caseId}/tasks`).type('form').send({ _csrf: token, title: 'Fictional task', dueDate: '2026-12-15' })).status).to.equal(303);
    const task = (await CaseTaskModel.findOne({ caseId: mine._id, doneAt: null }).lean())!;
    await visit(caseworker, `/cases/${caseId}/tasks/${task._id}/done`);
    page = 'POST task done';
    expect((await caseworker.post(`/cases/${caseId}/tasks/${task._id}/done`).type('form').send({ _csrf: token })).status).to.equal(303);
    await visit(caseworker, `/cases/${caseId}/tasks/${task._id}/done`);
    page = 'POST task reopen';
    expect((await caseworker.post(`/cases/${caseId}/tasks/${task._id}/reopen`).type('form').send({ _csrf: token })).status).to.equal(303);
    page = 'POST consent';
    expect((await caseworker.post(`/cases/${caseId}/consents`).type('form').send({ _csrf: token, purpose: 'services', organisationId: '', givenBy: 'guardian', date: '2026-11-01', formVersion: 'Demo v1' })).status).to.equal(303);
    const consent = (await CaseModel.findById(caseId).lean())!.consents.at(-1)!;
    await visit(caseworker, `/cases/${caseId}/consents/${consent._id}/withdraw`);
    page = 'POST consent withdraw';
    expect((await caseworker.post(`/cases/${caseId}/consents/${consent._id}/withdraw`).type('form').send({ _csrf: token, date: '2026-11-20', reason: 'A fictional reason.' })).status).to.equal(303);
    page = 'POST logout';
    await caseworker.post('/logout').type('form').send({ _csrf: token });

    page = 'sign-in';
    const supervisor = await signIn(app, await demoUser('supervisor.ph@demo.haven.example'));
    await visit(supervisor, '/');
    await visit(supervisor, '/cases');
    await visit(supervisor, '/cases?status=active&sort=risk');
    // The next page and, from it, the previous one (read in reverse), for a sort by id and one by key.
    for (const sort of ['newest', 'risk']) {
      const first = await visit(supervisor, `/cases?sort=${sort}`);
      const second = pageLink(first, 'next');
      expect(second, `${sort}: the team's list has a second page`).to.be.a('string');
      const back = pageLink(await visit(supervisor, second!), 'prev');
      expect(back, `${sort}: the second page links back`).to.be.a('string');
      await visit(supervisor, back!);
    }
    await visit(supervisor, `/cases/${caseId}`);
    await visit(supervisor, `/cases/${caseId}/history`);
    await visit(supervisor, `/cases/${caseId}/status`);
    await visit(supervisor, `/cases/${caseId}/assign`);

    page = 'sign-in';
    const manager = await signIn(app, await demoUser('manager.ph@demo.haven.example'));
    await visit(manager, '/');
    await visit(manager, '/cases');
    await visit(manager, '/cases?risk=critical');
    await visit(manager, `/cases?q=${encodeURIComponent(mine.caseNumber)}`);
    await visit(manager, `/cases?q=${encodeURIComponent(mine.caseNumber.slice(-5))}`);

    page = 'sign-in';
    const auditor = await signIn(app, await demoUser('auditor.ph@demo.haven.example'));
    await visit(auditor, '/');
    await visit(auditor, '/audit');
    await visit(auditor, `/audit?user=${encodeURIComponent(me.email)}`);
    await visit(auditor, `/audit?record=${caseId}`);
    await visit(auditor, "/audit?action=case_view");
    // A case number in the record filter, a window read in the organisation's zone, and the breach report.
    await visit(auditor, `/audit?record=${encodeURIComponent(mine.caseNumber)}&from=2020-01-01T00:00&to=2100-01-01T00:00`);
    await visit(auditor, '/audit/report');
    await visit(auditor, `/audit/report?user=${encodeURIComponent(me.email)}&from=2020-01-01T00:00&to=2100-01-01T00:00`);

    page = 'sign-in';
    const admin = await signIn(app, await demoUser('admin.ph@demo.haven.example'));
    await visit(admin, '/');
    await visit(admin, '/admin/users');
    await visit(admin, `/admin/users/${worker}`);
    await visit(admin, '/admin/users/new');
    await visit(admin, '/admin/teams');
    await visit(admin, '/admin/organisations');
    await visit(admin, `/admin/organisations/${me.organisationId}`);

    page = 'sign-in';
    const partner = await signIn(app, await demoUser('partner.ph@demo.haven.example'));
    await visit(partner, '/');
    listening = false;

    page = 'anonymous';
    await request(app).get('/login').expect(200);

    expect(sent.length, 'the monitor saw the pages’ commands').to.be.greaterThan(100);
    const scans: string[] = [];
    const db = mongoose.connection.db!;
    for (const s of sent.filter((x) => GROWING.test(x.collection))) {
      const plan = await db.command({ explain: s.command, verbosity: 'queryPlanner' });
      if (JSON.stringify(plan).includes('"COLLSCAN"')) {
        const { [Object.keys(s.command)[0]!]: _name, ...rest } = s.command;
        scans.push(`${s.page}: ${Object.keys(s.command)[0]} ${s.collection} ${JSON.stringify(shape(rest))}`);
      }
    }
    expect([...new Set(scans)]).to.deep.equal([]);
    const checked = new Set(sent.filter((x) => GROWING.test(x.collection)).map((x) => x.collection));
    expect([...checked]).to.include.members(['cases', 'case_notes', 'case_tasks', 'case_changes', 'attachments', 'audit_entries', 'sessions']);
  });

  it('the checker itself finds a collection scan', async () => {
    const plan = await mongoose.connection.db!.command({ explain: { find: 'cases', filter: { 'child.sex': 'female' } }, verbosity: 'queryPlanner' });
    expect(JSON.stringify(plan)).to.include('"COLLSCAN"');
  });
});
