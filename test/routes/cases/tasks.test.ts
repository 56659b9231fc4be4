/**
 * Tasks with assignees and "My work" (the start page) of caseworkers and supervisors: a task goes to
 * the case's first caseworker unless someone else on the case is chosen; it can be reassigned while
 * open (audited `task_assign`), never to someone off the case (422, nothing changed) nor once done
 * (422, `transition_refused`); a case out of scope answers 404. Tasks become due and overdue as the
 * fake clock moves, on the start page and in the header's reminder, which never shows one user's
 * counts to another. Titles stay sealed in the database and are shown on the pages.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import mongoose, { Types } from 'mongoose';
import type request from 'supertest';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { CaseFactModel } from '../../../src/models/case-fact.js';
import { CaseModel } from '../../../src/models/case.js';
import { CaseTaskModel } from '../../../src/models/case-task.js';
import { assignCase } from '../../../src/services/cases/cases.js';
import { addTask, assignTask, completeTask } from '../../../src/services/cases/notes.js';
import { seal } from '../../../src/services/cases/records.js';
import { computeCaseFacts } from '../../../src/services/facts/facts.js';
import { forgetAllReminders } from '../../../src/services/home/reminder-cache.js';
import { setReminderWait } from '../../../src/services/home/reminders.js';
import { BLOCK_ROWS } from '../../../src/services/home/start-page.js';
import { testApp } from '../../helpers/app.js';
import { buildCase, callerOf } from '../../helpers/cases.js';
import { advance, now } from '../../helpers/clock.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { plant } from '../../helpers/secrets.js';
import { signIn, tokenOf, type Agent } from '../../helpers/session.js';

const DAY = 86_400_000;
const CASE_NUMBER = /\b[A-Z]{2,12}-\d{4}-\d{5,}\b/g;

function day(offset: number): string {
  return new Date(now() + offset * DAY).toISOString().slice(0, 10);
}

/** One block of the start page, by its id (`my-tasks`, `team-tasks`, ...), or '' when the page has none. */
function block(html: string, id: string): string {
  const start = html.indexOf(`aria-labelledby="start-${id}"`);
  return start < 0 ? '' : html.slice(start, html.indexOf('</section>', start));
}

function blocksOn(html: string): string[] {
  return [...html.matchAll(/<section class="card start-block" aria-labelledby="start-([a-z-]+)"/g)].map((m) => m[1]!);
}

/** The header's reminder link, or '' when there is none. */
function reminder(html: string): string {
  const m = /<a class="reminder" href="\/">([\s\S]*?)<\/a>/.exec(html);
  return m ? m[1]!.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim() : '';
}

function numbers(html: string): string[] {
  return [...new Set(html.match(CASE_NUMBER) ?? [])];
}

describe('tasks with assignees, and My work', function () {
  this.timeout(120_000);
  useDatabase('tasks');

  let app: Express;
  before(async () => {
    app = await testApp();
    // The counts of the header are awaited here, so that a slow machine does not drop them.
    setReminderWait(15_000);
  });
  after(() => setReminderWait(250));

  let org: string;
  let worker: TestUser;
  let colleague: TestUser;
  let supervisor: TestUser;
  let otherSupervisor: TestUser;
  let otherWorker: TestUser;
  /** Assigned to the worker, supervised by name by the supervisor, in team north. */
  let mine: string;
  /** The colleague's, in team north. */
  let theirs: string;
  /** Another team's. */
  let south: string;
  const agents = new Map<TestUser, Agent>();
  const tokens = new Map<TestUser, string>();

  beforeEach(async () => {
    forgetAllReminders();
    org = (await buildOrganisation({ country: 'PH' })).id;
    worker = await buildUser({ roles: ['caseworker'], organisationId: org, team: 'north' });
    colleague = await buildUser({ roles: ['caseworker'], organisationId: org, team: 'north' });
    supervisor = await buildUser({ roles: ['supervisor'], organisationId: org, team: 'north' });
    otherSupervisor = await buildUser({ roles: ['supervisor'], organisationId: org, team: 'south' });
    otherWorker = await buildUser({ roles: ['caseworker'], organisationId: org, team: 'south' });
    mine = await buildCase(supervisor, {}, { team: 'north', assignment: { caseworkerIds: [worker.id, colleague.id] } });
    theirs = await buildCase(supervisor, {}, { team: 'north', assignment: { caseworkerIds: [colleague.id] } });
    south = await buildCase(otherSupervisor, { riskLevel: 'critical' }, { team: 'south', assignment: { caseworkerIds: [otherWorker.id] } });
    agents.clear();
    tokens.clear();
  });

  async function agent(user: TestUser): Promise<Agent> {
    if (!agents.has(user)) {
      const a = await signIn(app, user);
      agents.set(user, a);
      tokens.set(user, await tokenOf(a));
    }
    return agents.get(user)!;
  }

  async function post(user: TestUser, path: string, body: Record<string, string>): Promise<request.Response> {
    const a = await agent(user);
    return a.post(path).type('form').send({ _csrf: tokens.get(user), ...body });
  }

  async function page(user: TestUser, path = '/'): Promise<string> {
    const res = await (await agent(user)).get(path);
    expect(res.status, path).to.equal(200);
    return res.text;
  }

  async function numberOf(id: string): Promise<string> {
    return (await CaseModel.findById(id).lean())!.caseNumber;
  }

  async function onlyTask(caseId: string) {
    return (await CaseTaskModel.findOne({ caseId: new Types.ObjectId(caseId) }).sort({ _id: -1 }).lean())!;
  }

  /** Every stored task, as the driver returns it, for before/after comparisons. */
  async function storedTasks(): Promise<string> {
    return JSON.stringify(await CaseTaskModel.collection.find({}).sort({ _id: 1 }).toArray());
  }

  async function expectFactsCurrent(caseId: string): Promise<void> {
    const stored = await CaseFactModel.findOne({ caseId: new Types.ObjectId(caseId) }).lean();
    const { _id: _ignoredId, __v: _ignoredVersion, createdAt: _created, updatedAt: _updated, ...fields } = stored as unknown as Record<string, unknown>;
    expect(JSON.parse(JSON.stringify(fields))).to.deep.equal(JSON.parse(JSON.stringify(await computeCaseFacts(new Types.ObjectId(caseId)))));
  }

  describe('POST /cases/:id/tasks', () => {
    it('gives a new task to the case’s first caseworker by default, and says so on the case page', async () => {
      const res = await post(worker, `/cases/${mine}/tasks`, { title: 'Fictional default task', dueDate: day(3), assigneeId: '' });
      expect(res.status).to.equal(303);
      const task = await onlyTask(mine);
      expect(String(task.assigneeId)).to.equal(worker.id);
      const html = await page(colleague, `/cases/${mine}`);
      expect(html).to.include('Fictional default task').and.include(`Assigned to Test User ${worker.email.match(/\d+/)![0]} (fictional)`);
      expect(html, 'the form offers the case’s people, the first caseworker chosen').to.match(new RegExp(`<option value="${worker.id}" selected>`));
      expect(html).to.include(`<option value="${colleague.id}">`).and.include(`<option value="${supervisor.id}">`);
      expect(html).to.include(`href="/cases/${mine}/tasks/${task._id}/assign"`);
      await expectFactsCurrent(mine);
    });

    it('gives it to the chosen colleague or the supervisor of the case', async () => {
      expect((await post(worker, `/cases/${mine}/tasks`, { title: 'For the colleague', dueDate: day(2), assigneeId: colleague.id })).status).to.equal(303);
      expect(String((await onlyTask(mine)).assigneeId)).to.equal(colleague.id);
      expect((await post(worker, `/cases/${mine}/tasks`, { title: 'For the supervisor', dueDate: day(2), assigneeId: supervisor.id })).status).to.equal(303);
      expect(String((await onlyTask(mine)).assigneeId)).to.equal(supervisor.id);
    });

    it('refuses someone who is not on the case with 422, names the field, audits it, and stores nothing', async () => {
      for (const stranger of [otherWorker, otherSupervisor]) {
        const before = await storedTasks();
        const res = await post(worker, `/cases/${mine}/tasks`, { title: 'Fictional refused task', dueDate: day(2), assigneeId: stranger.id });
        expect(res.status).to.equal(422);
        expect(res.text).to.include('Choose one of the case').and.include('id="assigneeId-error"');
        expect(res.text, 'the form again, with the typed title').to.include('value="Fictional refused task"');
        expect(await storedTasks()).to.equal(before);
      }
      expect(await AuditEntryModel.countDocuments({ action: 'task_assign', outcome: 'denied', reason: 'field_not_allowed', userId: new Types.ObjectId(worker.id) })).to.equal(2);
    });
  });

  describe('reassigning: GET and POST /cases/:id/tasks/:taskId/assign', () => {
    let taskId: string;
    beforeEach(async () => {
      await addTask(callerOf(worker, 'north'), mine, { title: 'Fictional task to hand over', dueDate: day(1) });
      taskId = String((await onlyTask(mine))._id);
    });

    it('shows the case’s people to choose from, saves the choice, audits it, and confirms it', async () => {
      const form = await page(worker, `/cases/${mine}/tasks/${taskId}/assign`);
      expect(form).to.include('Fictional task to hand over');
      for (const u of [worker, colleague, supervisor]) expect(form).to.include(`value="${u.id}"`);
      expect(form).to.not.include(otherWorker.id);
      const res = await post(worker, `/cases/${mine}/tasks/${taskId}/assign`, { assigneeId: colleague.id });
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`/cases/${mine}/tasks/${taskId}/assign?done=assigned`);
      expect(String((await onlyTask(mine)).assigneeId)).to.equal(colleague.id);
      expect(await page(worker, res.headers.location as string)).to.include('The task is now assigned to Test User');
      expect(await AuditEntryModel.countDocuments({ action: 'task_assign', outcome: 'success', recordId: mine })).to.equal(1);
      await expectFactsCurrent(mine);
    });

    it('moves the task from one person’s My work to the other’s', async () => {
      expect(block(await page(worker), 'my-tasks')).to.include('Fictional task to hand over');
      expect(block(await page(colleague), 'my-tasks')).to.not.include('Fictional task to hand over');
      await post(worker, `/cases/${mine}/tasks/${taskId}/assign`, { assigneeId: colleague.id });
      expect(block(await page(worker), 'my-tasks')).to.not.include('Fictional task to hand over');
      expect(block(await page(colleague), 'my-tasks')).to.include('Fictional task to hand over');
    });

    it('refuses someone off the case (422, nothing changed) and a done task (422, transition_refused)', async () => {
      let before = await storedTasks();
      const stranger = await post(worker, `/cases/${mine}/tasks/${taskId}/assign`, { assigneeId: otherWorker.id });
      expect(stranger.status).to.equal(422);
      expect(stranger.text).to.include('Choose one of the case');
      expect(await storedTasks()).to.equal(before);
      const empty = await post(worker, `/cases/${mine}/tasks/${taskId}/assign`, { assigneeId: '' });
      expect(empty.status).to.equal(422);
      expect(await storedTasks()).to.equal(before);

      await completeTask(callerOf(worker, 'north'), mine, taskId);
      before = await storedTasks();
      const done = await post(worker, `/cases/${mine}/tasks/${taskId}/assign`, { assigneeId: colleague.id });
      expect(done.status).to.equal(422);
      expect(done.text).to.include('This task is done. Reopen it before giving it to someone else.');
      expect(await storedTasks()).to.equal(before);
      expect(await AuditEntryModel.countDocuments({ action: 'task_assign', outcome: 'denied', reason: 'transition_refused', recordId: mine })).to.equal(1);
      expect(await page(worker, `/cases/${mine}/tasks/${taskId}/assign`), 'the page offers no choice for a done task').to.not.include(`action="/cases/${mine}/tasks/${taskId}/assign"`);
    });

    it('answers 404 to a caseworker not on the case and to another team’s supervisor, audited, and changes nothing', async () => {
      await addTask(callerOf(otherWorker, 'south'), south, { title: 'Fictional south task', dueDate: day(1) });
      const southTask = String((await onlyTask(south))._id);
      const before = await storedTasks();
      for (const user of [otherWorker, otherSupervisor]) {
        expect((await (await agent(user)).get(`/cases/${mine}/tasks/${taskId}/assign`)).status).to.equal(404);
        expect((await post(user, `/cases/${mine}/tasks/${taskId}/assign`, { assigneeId: user.id })).status).to.equal(404);
        expect(await AuditEntryModel.countDocuments({ action: 'access_denied', recordId: mine, userId: new Types.ObjectId(user.id) })).to.equal(2);
      }
      // A task of another case, named under one's own case; an id that is no id.
      expect((await post(worker, `/cases/${mine}/tasks/${southTask}/assign`, { assigneeId: worker.id })).status).to.equal(404);
      expect((await (await agent(worker)).get(`/cases/${mine}/tasks/not-an-id/assign`)).status).to.equal(404);
      expect(await storedTasks()).to.equal(before);
    });

    it('gives the tasks of someone taken off the case to its first caseworker', async () => {
      await assignTask(callerOf(worker, 'north'), mine, taskId, colleague.id);
      const version = (await CaseModel.findById(mine).lean())!.__v;
      await assignCase(callerOf(supervisor, 'north'), mine, version, { caseworkerIds: [worker.id], supervisorId: supervisor.id });
      expect((await onlyTask(mine)).assigneeId).to.equal(undefined);
      expect(block(await page(worker), 'my-tasks')).to.include('Fictional task to hand over');
      expect(block(await page(colleague), 'my-tasks')).to.not.include('Fictional task to hand over');
    });
  });

  describe('My work on the start page, per role', () => {
    it('shows a caseworker the tasks assigned to them on their cases, and nobody else’s', async () => {
      const caller = callerOf(worker, 'north');
      await addTask(caller, mine, { title: 'Mine, due soon', dueDate: day(2) });
      await addTask(caller, mine, { title: 'For the colleague on my case', dueDate: day(-2), assigneeId: colleague.id });
      await addTask(caller, mine, { title: 'For the supervisor on my case', dueDate: day(1), assigneeId: supervisor.id });
      await addTask(callerOf(colleague, 'north'), theirs, { title: 'The colleague’s own case', dueDate: day(1) });
      await addTask(callerOf(otherWorker, 'south'), south, { title: 'Another team’s task', dueDate: day(-3) });
      // An old task, stored before tasks had assignees: the first caseworker's.
      await CaseTaskModel.collection.insertOne({ caseId: new Types.ObjectId(mine), organisationId: new Types.ObjectId(org), secret: seal({ title: 'An old task' }), dueDate: new Date(`${day(-1)}T00:00:00Z`), createdBy: new Types.ObjectId(worker.id), createdAt: new Date(now()) });
      const html = await page(worker);
      expect(blocksOn(html)).to.deep.equal(['my-tasks', 'my-cases', 'my-activity']);
      const tasks = block(html, 'my-tasks');
      expect(tasks).to.include('My tasks <span class="start-tally">· 2</span>');
      expect(tasks).to.include('Mine, due soon').and.include('Due soon');
      expect(tasks, 'the old task, overdue').to.include('An old task').and.include('>Overdue</strong>').and.include('1 overdue.');
      for (const other of ['For the colleague on my case', 'For the supervisor on my case', 'The colleague’s own case', 'Another team’s task']) expect(tasks, other).to.not.include(other);
      expect(numbers(html), 'no other team’s case anywhere').to.not.include(await numberOf(south));
      expect(reminder(html)).to.equal('My work: 2 due · 1 overdue');
    });

    it('shows a supervisor every overdue task of the team and the tasks assigned to them, and no other team’s', async () => {
      const caller = callerOf(worker, 'north');
      await addTask(caller, mine, { title: 'Late, the worker’s', dueDate: day(-2) });
      await addTask(caller, mine, { title: 'Soon, the worker’s', dueDate: day(2) });
      await addTask(caller, mine, { title: 'Soon, the supervisor’s', dueDate: day(3), assigneeId: supervisor.id });
      await addTask(callerOf(colleague, 'north'), theirs, { title: 'Late, the colleague’s', dueDate: day(-1) });
      await addTask(callerOf(otherWorker, 'south'), south, { title: 'Late, another team’s', dueDate: day(-4) });
      const html = await page(supervisor);
      expect(blocksOn(html)).to.deep.equal(['team-tasks', 'team-cases', 'unassigned', 'awaiting-decision', 'team-activity']);
      const tasks = block(html, 'team-tasks');
      expect(tasks).to.include('Team tasks <span class="start-tally">· 3</span>');
      expect(tasks).to.include('Late, the worker’s').and.include('Late, the colleague’s').and.include('Soon, the supervisor’s');
      expect(tasks).to.not.include('Soon, the worker’s').and.not.include('another team');
      expect(tasks, 'whose each is').to.include('Task assigned to you').and.include('Assigned to Test User');
      expect(tasks.indexOf('Late, the worker’s'), 'soonest first').to.be.below(tasks.indexOf('Soon, the supervisor’s'));
      expect(reminder(html)).to.equal('My work: 3 due · 2 overdue');
    });

    it('shows managers, partners, admins and auditors none of it, and no reminder; /work is refused to them', async () => {
      await addTask(callerOf(worker, 'north'), mine, { title: 'Fictional hidden task', dueDate: day(-1) });
      for (const role of ['manager', 'partner', 'admin', 'auditor'] as const) {
        const user = await buildUser({ roles: [role], organisationId: org, team: 'north' });
        const html = await page(user);
        expect(blocksOn(html).filter((b) => /tasks|reviews|hearings|approvals|follow-ups|interventions/.test(b)), role).to.deep.equal([]);
        expect(html, role).to.not.include('Fictional hidden task');
        expect(reminder(html), role).to.equal('');
        expect((await (await agent(user)).get('/work?kind=tasks')).status, role).to.equal(403);
      }
    });

    it('lists every task of the block on /work when there are more than the block shows', async () => {
      const caller = callerOf(worker, 'north');
      for (let i = 0; i < BLOCK_ROWS + 3; i++) await addTask(caller, mine, { title: `Fictional numbered task ${i}`, dueDate: day(i % 5) });
      const tasks = block(await page(worker), 'my-tasks');
      expect(tasks).to.include(`· ${BLOCK_ROWS + 3}</span>`);
      expect(tasks.match(/<li>/g)).to.have.length(BLOCK_ROWS);
      expect(tasks).to.include('href="/work?kind=tasks&amp;as=caseworker"');
      const all = await page(worker, '/work?kind=tasks&as=caseworker');
      expect(all.match(/Fictional numbered task/g)).to.have.length(BLOCK_ROWS + 3);
      expect((await (await agent(worker)).get('/work?kind=tasks&as=supervisor')).status, 'a role the caller does not hold').to.equal(404);
      expect((await (await agent(worker)).get('/work?kind=plan-approvals&as=caseworker')).status, 'a kind the role has not').to.equal(404);
      expect((await (await agent(worker)).get('/work?kind=nothing')).status).to.equal(404);
      expect((await (await agent(worker)).get('/work?kind[$ne]=x')).status).to.equal(404);
      expect(await AuditEntryModel.countDocuments({ action: 'case_list', userId: new Types.ObjectId(worker.id) })).to.be.greaterThan(1);
    });
  });

  describe('on the fake clock', () => {
    it('a task becomes due within the horizon, due today, then overdue, on the page and in the reminder', async () => {
      await addTask(callerOf(worker, 'north'), mine, { title: 'Fictional task far ahead', dueDate: day(8) });
      const steps: [number, string, string][] = [
        [0, '', ''],
        [1, 'Fictional task far ahead', 'My work: 1 due'],
        [5, 'Due soon', 'My work: 1 due'],
        [2, 'Due today', 'My work: 1 due'],
        [1, 'Overdue', 'My work: 1 due · 1 overdue'],
      ];
      for (const [days, shown, badge] of steps) {
        advance(days * DAY);
        // Sessions end after 30 idle minutes: sign in again after the clock moved.
        agents.clear();
        const html = await page(worker);
        const tasks = block(html, 'my-tasks');
        if (shown) expect(tasks, `after ${days} more days`).to.include(shown);
        else expect(tasks).to.include('Nothing overdue or due in the next 7 days.');
        expect(reminder(html), `after ${days} more days`).to.equal(badge);
      }
    });

    it('the reminder of one user is never another’s, and changes at once for the people a task change concerns', async () => {
      await addTask(callerOf(worker, 'north'), mine, { title: 'Fictional late task', dueDate: day(-1) });
      expect(reminder(await page(worker))).to.equal('My work: 1 due · 1 overdue');
      expect(reminder(await page(colleague)), 'the colleague has nothing due').to.equal('');
      expect(reminder(await page(otherWorker))).to.equal('');
      const taskId = String((await onlyTask(mine))._id);
      await post(worker, `/cases/${mine}/tasks/${taskId}/assign`, { assigneeId: colleague.id });
      expect(reminder(await page(worker)), 'given away').to.equal('');
      expect(reminder(await page(colleague)), 'received').to.equal('My work: 1 due · 1 overdue');
      await post(colleague, `/cases/${mine}/tasks/${taskId}/done`, {});
      expect(reminder(await page(colleague)), 'done').to.equal('');
    });
  });

  it('keeps task titles sealed in every collection, and shows them on My work and the case page', async () => {
    const title = plant(`Marker task title ${new Types.ObjectId().toHexString()}`);
    await post(worker, `/cases/${mine}/tasks`, { title, dueDate: day(1), assigneeId: supervisor.id });
    const taskId = String((await onlyTask(mine))._id);
    await post(supervisor, `/cases/${mine}/tasks/${taskId}/assign`, { assigneeId: worker.id });
    expect(block(await page(worker), 'my-tasks')).to.include(title);
    expect(await page(worker, `/cases/${mine}`)).to.include(title);
    expect(await page(worker, '/work?kind=tasks')).to.include(title);
    for (const c of await mongoose.connection.db!.collections()) {
      const raw = JSON.stringify(await c.find({}).toArray());
      expect(raw, c.collectionName).to.not.include(title);
    }
  });
});
