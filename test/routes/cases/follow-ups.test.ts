/**
 * Follow-up visits after a closure for reintegration (DOMAIN.md "Outcomes": children still safe at 6
 * and 12 months). Approving such a closure schedules a visit 6 and 12 months after the date of closure;
 * the case's caseworker (who still reaches the closed case) or a supervisor of the team records each
 * one once; a reopening cancels the visits not yet recorded and keeps the others; the visits become due
 * and overdue as the (fake) clock moves; the reports' facts and My work follow them.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Express } from 'express';
import mongoose, { Types } from 'mongoose';
import type request from 'supertest';
import { clock } from '../../../src/lib/clock.js';
import { createI18n } from '../../../src/lib/i18n/index.js';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { CaseFactModel } from '../../../src/models/case-fact.js';
import { CaseModel } from '../../../src/models/case.js';
import { FollowUpModel } from '../../../src/models/follow-up.js';
import { closuresAwaitingApproval, followUpsDue } from '../../../src/services/cases/closure-work.js';
import { proposeClosure, reopenCase, returnClosure } from '../../../src/services/cases/closure.js';
import { followUpsOf, recordFollowUp } from '../../../src/services/cases/follow-ups.js';
import { computeCaseFacts } from '../../../src/services/facts/facts.js';
import { startContext } from '../../../src/services/home/start-page.js';
import { seedDemoClosures } from '../../../src/services/demo/closures.js';
import { ClosureProposalModel } from '../../../src/models/closure-proposal.js';
import { testApp } from '../../helpers/app.js';
import { buildCase, callerOf } from '../../helpers/cases.js';
import { advance, now } from '../../helpers/clock.js';
import { closeThroughApproval, makeActive, waitingProposal } from '../../helpers/closures.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { PSEUDO, pseudoResources, untranslated } from '../../helpers/pseudo.js';
import { plant } from '../../helpers/secrets.js';
import { signIn, tokenOf, type Agent } from '../../helpers/session.js';

const DAY = 86_400_000;

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const ANSWERS = { safe: 'yes', livingAsPlanned: 'yes', inSchoolOrWork: 'no' };

describe('follow-up visits after a reintegration', () => {
  useDatabase('followups');

  let app: Express;
  before(async () => {
    app = await testApp();
  });

  let orgId: string;
  let worker: TestUser;
  let supervisor: TestUser;
  // The clock moves forward in some tests; it is put back after each, so later files see real time.
  let moved = 0;
  function moveTo(ms: number): void {
    const by = ms - now();
    advance(by);
    moved += by;
  }
  afterEach(() => {
    advance(-moved);
    moved = 0;
  });

  beforeEach(async () => {
    orgId = (await buildOrganisation({ country: 'PH' })).id;
    worker = await buildUser({ roles: ['caseworker'], organisationId: orgId, team: 'north' });
    supervisor = await buildUser({ roles: ['supervisor'], organisationId: orgId, team: 'north' });
  });

  async function closedCase(reason = 'reintegrated_family', date = '2026-06-01'): Promise<string> {
    const id = await buildCase(worker, {}, { team: 'north' });
    await makeActive(id);
    await closeThroughApproval(worker, supervisor, 'north', id, reason, date);
    return id;
  }

  async function visits(id: string) {
    return FollowUpModel.find({ caseId: id }).sort({ dueDate: 1 }).lean();
  }

  async function post(agent: Agent, path: string, body: Record<string, string>): Promise<request.Response> {
    return agent.post(path).type('form').send({ _csrf: await tokenOf(agent), ...body });
  }

  async function storedFacts(id: string) {
    const { _id, __v, createdAt: _created, updatedAt: _updated, ...fields } = (await CaseFactModel.findOne({ caseId: id }).lean()) as Record<string, unknown>;
    return JSON.parse(JSON.stringify(fields)) as Record<string, unknown>;
  }

  async function factsMatch(id: string): Promise<void> {
    const computed = JSON.parse(JSON.stringify(await computeCaseFacts(new Types.ObjectId(id)))) as Record<string, unknown>;
    expect(await storedFacts(id)).to.deep.equal(computed);
  }

  describe('scheduling', () => {
    it('schedules visits 6 and 12 months after the date of closure when a reintegration is approved, the last day of a shorter month', async () => {
      const id = await closedCase('reintegrated_family', '2026-08-31');
      const rows = await visits(id);
      expect(rows.map((r) => [r.months, r.dueDate.toISOString().slice(0, 10), r.status])).to.deep.equal([
        [6, '2027-02-28', 'scheduled'],
        [12, '2027-08-31', 'scheduled'],
      ]);
      expect(rows.every((r) => r.closedOn.toISOString() === '2026-08-31T00:00:00.000Z')).to.equal(true);
      const facts = await storedFacts(id);
      expect(facts.followUps).to.deep.equal([
        { months: 6, dueDate: '2027-02-28T00:00:00.000Z', done: false },
        { months: 12, dueDate: '2027-08-31T00:00:00.000Z', done: false },
      ]);
      await factsMatch(id);
    });

    it('schedules them for kinship care too, and none for any other closure', async () => {
      expect(await visits(await closedCase('kinship_care'))).to.have.length(2);
      for (const reason of ['foster_care', 'turned_18', 'independent_living']) expect(await visits(await closedCase(reason)), reason).to.have.length(0);
    });

    it('schedules nothing while the proposal only waits, or when it is returned', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      await makeActive(id);
      await proposeClosure(callerOf(worker, 'north'), id, { reason: 'reintegrated_family', date: '2026-06-01', note: 'Fictional.', language: 'en' });
      expect(await visits(id)).to.have.length(0);
      await returnClosure(callerOf(supervisor, 'north'), id, await waitingProposal(id), { comment: 'Fictional.', language: 'en' });
      expect(await visits(id)).to.have.length(0);
    });
  });

  describe('GET /cases/:id and /cases/:id/follow-ups/:followUpId on a closed case', () => {
    it('lets the assigned caseworker open the closed case, with its follow-up visits and a way to record each', async () => {
      const id = await closedCase();
      const [six] = await visits(id);
      const agent = await signIn(app, worker);
      const res = await agent.get(`/cases/${id}`);
      expect(res.status).to.equal(200);
      expect(res.text).to.include('Follow-up visits').and.include('Follow-up visit at 6 months').and.include('Follow-up visit at 12 months');
      expect(res.text).to.include(`href="/cases/${id}/follow-ups/${six!._id}"`);
      const form = await agent.get(`/cases/${id}/follow-ups/${six!._id}`);
      expect(form.status).to.equal(200);
      expect(form.text).to.include(`action="/cases/${id}/follow-ups/${six!._id}"`).and.include('Is the child safe?');
    });

    it('answers 404 to a caseworker not assigned and to another team’s supervisor, 403 to a manager, 404 for a visit of another case', async () => {
      const id = await closedCase();
      const [six] = await visits(id);
      const path = `/cases/${id}/follow-ups/${six!._id}`;
      for (const user of [await buildUser({ roles: ['caseworker'], organisationId: orgId, team: 'north' }), await buildUser({ roles: ['supervisor'], organisationId: orgId, team: 'south' })]) {
        const agent = await signIn(app, user);
        expect((await agent.get(path)).status).to.equal(404);
        expect((await post(agent, path, { visitDate: isoDay(now()), ...ANSWERS, note: 'Fictional.', language: 'en' })).status).to.equal(404);
        expect(await AuditEntryModel.countDocuments({ action: 'access_denied', recordId: id, userId: user.id })).to.be.at.least(2);
      }
      const manager = await signIn(app, await buildUser({ roles: ['manager'], organisationId: orgId }));
      expect((await manager.get(path)).status).to.equal(403);
      const other = await closedCase();
      expect((await (await signIn(app, worker)).get(`/cases/${other}/follow-ups/${six!._id}`)).status).to.equal(404);
      expect((await visits(id)).every((v) => v.status === 'scheduled')).to.equal(true);
    });
  });

  describe('POST /cases/:id/follow-ups/:followUpId', () => {
    it('records the visit once: the day, the three answers and a sealed note; the facts count it', async () => {
      const id = await closedCase();
      const [six] = await visits(id);
      const note = plant(`MARKERfollowupnote${randomBytes(6).toString('hex')}`);
      const agent = await signIn(app, worker);
      const path = `/cases/${id}/follow-ups/${six!._id}`;
      const res = await post(agent, path, { visitDate: '2026-11-20', ...ANSWERS, note: `Met the grandmother. ${note}`, language: 'fil' });
      expect(res.status, res.text.slice(0, 1500)).to.equal(303);
      expect(res.headers.location).to.equal(`${path}?done=recorded`);
      const stored = (await FollowUpModel.findById(six!._id).lean())!;
      expect(stored).to.include({ status: 'recorded', safe: true, livingAsPlanned: true, inSchoolOrWork: false, language: 'fil' });
      expect(stored.visitDate?.toISOString()).to.equal('2026-11-20T00:00:00.000Z');
      expect(String(stored.recordedBy)).to.equal(worker.id);
      expect(await AuditEntryModel.countDocuments({ action: 'followup_record', outcome: 'success', recordId: id, userId: worker.id })).to.equal(1);
      const facts = await storedFacts(id);
      expect((facts.followUps as unknown[])[0]).to.deep.equal({ months: 6, dueDate: six!.dueDate.toISOString(), done: true, safe: true, livingAsPlanned: true, inSchoolOrWork: false });
      await factsMatch(id);
      const shown = await agent.get(`${path}?done=recorded`);
      expect(shown.text).to.include('The follow-up visit is recorded.').and.include(note).and.include('lang="fil"');
      expect(shown.text).to.not.include(`action="${path}"`);
      const db = mongoose.connection.db!;
      for (const c of await db.collections()) expect(JSON.stringify(await c.find({}).toArray()), c.collectionName).to.not.include(note);
      // A supervisor of the team records the other one.
      const [, twelve] = await visits(id);
      const theirs = await signIn(app, supervisor);
      expect((await post(theirs, `/cases/${id}/follow-ups/${twelve!._id}`, { visitDate: '2026-11-21', safe: 'no', livingAsPlanned: 'no', inSchoolOrWork: 'no', note: 'Fictional.', language: 'en' })).status).to.equal(303);
      expect((await agent.get(`/cases/${id}`)).text).to.include('Recorded');
    });

    it('answers 422 to missing answers, a future date and a day before the closure, and changes nothing', async () => {
      const id = await closedCase('kinship_care', '2026-06-01');
      const [six] = await visits(id);
      const agent = await signIn(app, worker);
      const path = `/cases/${id}/follow-ups/${six!._id}`;
      const missing = await post(agent, path, { visitDate: '2026-11-20', note: '', language: 'en' });
      expect(missing.status).to.equal(422);
      for (const field of ['safe', 'livingAsPlanned', 'inSchoolOrWork', 'note']) expect(missing.text).to.include(`href="#${field}"`);
      const future = await post(agent, path, { visitDate: isoDay(now() + 3 * DAY), ...ANSWERS, note: 'Fictional.', language: 'en' });
      expect(future.status).to.equal(422);
      expect(future.text).to.include('Enter a real date that is not in the future.');
      const early = await post(agent, path, { visitDate: '2026-05-30', ...ANSWERS, note: 'Fictional.', language: 'en' });
      expect(early.status).to.equal(422);
      expect(early.text).to.include('The visit cannot be before the date of closure.');
      expect((await FollowUpModel.findById(six!._id).lean())!.status).to.equal('scheduled');
      expect(await AuditEntryModel.countDocuments({ action: 'followup_record', outcome: 'success' })).to.equal(0);
    });

    it('answers 422 to recording a visit a second time, audited as a refused transition, and changes nothing', async () => {
      const id = await closedCase();
      const [six] = await visits(id);
      const caller = callerOf(worker, 'north');
      await recordFollowUp(caller, id, String(six!._id), { visitDate: '2026-11-20', safe: true, livingAsPlanned: true, inSchoolOrWork: true, note: 'Fictional.', language: 'en' });
      const before = JSON.stringify(await visits(id));
      const res = await post(await signIn(app, worker), `/cases/${id}/follow-ups/${six!._id}`, { visitDate: '2026-11-21', safe: 'no', livingAsPlanned: 'no', inSchoolOrWork: 'no', note: 'Changed.', language: 'en' });
      expect(res.status).to.equal(422);
      expect(res.text).to.include('This follow-up visit is already recorded');
      expect(JSON.stringify(await visits(id))).to.equal(before);
      expect(await AuditEntryModel.countDocuments({ action: 'followup_record', outcome: 'denied', reason: 'transition_refused' })).to.equal(1);
    });
  });

  describe('reopening', () => {
    it('keeps the recorded visits and cancels the others; the facts keep only what was recorded', async () => {
      const id = await closedCase();
      const [six, twelve] = await visits(id);
      await recordFollowUp(callerOf(worker, 'north'), id, String(six!._id), { visitDate: '2026-11-20', safe: false, livingAsPlanned: true, inSchoolOrWork: true, note: 'Fictional.', language: 'en' });
      const version = (await CaseModel.findById(id).lean())!.__v!;
      await reopenCase(callerOf(supervisor, 'north'), id, { reason: 'new_risk', date: isoDay(now()), version });
      const rows = await visits(id);
      expect(rows.map((r) => r.status)).to.deep.equal(['recorded', 'cancelled']);
      expect(rows[1]!.cancelledAt).to.be.instanceOf(Date);
      const facts = await storedFacts(id);
      expect(facts.followUps).to.deep.equal([{ months: 6, dueDate: six!.dueDate.toISOString(), done: true, safe: false, livingAsPlanned: true, inSchoolOrWork: true }]);
      expect(facts).to.include({ status: 'active' });
      await factsMatch(id);
      const agent = await signIn(app, worker);
      const page = (await agent.get(`/cases/${id}`)).text;
      expect(page).to.include('Cancelled (the case was reopened)');
      const res = await post(agent, `/cases/${id}/follow-ups/${twelve!._id}`, { visitDate: isoDay(now()), ...ANSWERS, note: 'Fictional.', language: 'en' });
      expect(res.status).to.equal(422);
      expect((await FollowUpModel.findById(twelve!._id).lean())!.status).to.equal('cancelled');
    });
  });

  describe('due and overdue, on the fake clock', () => {
    it('a visit is upcoming, then due from 30 days before its date, then overdue from the day after; My work lists it once due', async () => {
      const closedOn = isoDay(now() - 20 * DAY);
      const id = await closedCase('reintegrated_family', closedOn);
      const [six] = await visits(id);
      const due = six!.dueDate.getTime();
      const standing = async () => (await followUpsOf(new Types.ObjectId(id)))[0]!.standing;
      const mine = async () => followUpsDue(startContext(callerOf(worker, 'north')), 'caseworker', new Date(Date.UTC(new Date(now()).getUTCFullYear(), new Date(now()).getUTCMonth(), new Date(now()).getUTCDate())), 10);
      expect(await standing()).to.equal('upcoming');
      expect((await mine()).total).to.equal(0);
      moveTo(due - 31 * DAY + 3_600_000);
      expect(await standing()).to.equal('upcoming');
      moveTo(due - 30 * DAY + 3_600_000);
      expect(await standing()).to.equal('due');
      moveTo(due + 3_600_000);
      expect(await standing()).to.equal('due');
      const today = await mine();
      expect(today.total).to.equal(1);
      expect(today.items[0]).to.include({ kind: 'follow_up', href: `/cases/${id}/follow-ups/${six!._id}`, labelKey: 'closure:work.followUp' });
      expect(today.items[0]!.labelValues).to.deep.equal({ count: 6 });
      moveTo(due + DAY + 3_600_000);
      expect(await standing()).to.equal('overdue');
      expect((await mine()).total).to.equal(1);
      const page = (await (await signIn(app, worker)).get(`/cases/${id}`)).text;
      expect(page).to.include('<strong class="overdue">Overdue</strong>');
      expect(clock.now().getTime()).to.be.greaterThan(due);
    });
  });

  describe('My work', () => {
    it('lists follow-ups due on the caseworker’s own closed cases and the supervisor’s team, and proposals waiting for supervisors other than the proposer', async () => {
      const mineId = await closedCase('kinship_care', isoDay(now() - 200 * DAY));
      const otherWorker = await buildUser({ roles: ['caseworker'], organisationId: orgId, team: 'north' });
      const theirs = await buildCase(otherWorker, {}, { team: 'north' });
      await makeActive(theirs);
      await closeThroughApproval(otherWorker, supervisor, 'north', theirs, 'reintegrated_family', isoDay(now() - 200 * DAY));
      const until = new Date(now() + 7 * DAY);
      const own = await followUpsDue(startContext(callerOf(worker, 'north')), 'caseworker', until, 10);
      expect(own.items.map((i) => String(i.caseId))).to.deep.equal([mineId]);
      const team = await followUpsDue(startContext(callerOf(supervisor, 'north')), 'supervisor', until, 10);
      expect(team.items.map((i) => String(i.caseId))).to.have.members([mineId, theirs]);
      expect(team.total).to.equal(2);
      expect((await followUpsDue(startContext(callerOf(supervisor, 'north')), 'caseworker', until, 10)).total).to.equal(0);

      const waiting = await buildCase(worker, {}, { team: 'north' });
      await proposeClosure(callerOf(worker, 'north'), waiting, { reason: 'duplicate', date: isoDay(now()), note: 'Fictional.', language: 'en' });
      const ownProposal = await buildCase(worker, {}, { team: 'north' });
      await proposeClosure(callerOf(supervisor, 'north'), ownProposal, { reason: 'duplicate', date: isoDay(now()), note: 'Fictional.', language: 'en' });
      const decisions = await closuresAwaitingApproval(startContext(callerOf(supervisor, 'north')), 'supervisor', until, 10);
      expect(decisions.items.map((i) => String(i.caseId))).to.deep.equal([waiting]);
      expect(decisions.items[0]).to.include({ kind: 'closure_approval', href: `/cases/${waiting}/closure`, labelKey: 'closure:work.approval' });
      expect((await closuresAwaitingApproval(startContext(callerOf(worker, 'north')), 'caseworker', until, 10)).total).to.equal(0);
      const elsewhere = await buildUser({ roles: ['supervisor'], organisationId: orgId, team: 'south' });
      expect((await closuresAwaitingApproval(startContext(callerOf(elsewhere, 'south')), 'supervisor', until, 10)).total).to.equal(0);
      expect((await followUpsDue(startContext(callerOf(elsewhere, 'south')), 'supervisor', until, 10)).total).to.equal(0);
    });
  });

  describe('demo data (services/demo/closures.ts)', () => {
    it('closes demo cases for several reasons, leaves one proposal waiting and one returned, and records visits safe and not safe, others due, overdue and upcoming', async function () {
      this.timeout(60_000);
      const org = await buildOrganisation({ code: 'PH-DEMO-LIWANAG', country: 'PH' });
      const demoWorker = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'team-a' });
      const demoSupervisor = await buildUser({ roles: ['supervisor'], organisationId: org.id, team: 'team-a' });
      await mongoose.connection.collection('users').updateMany({ _id: { $in: [new Types.ObjectId(demoWorker.id), new Types.ObjectId(demoSupervisor.id)] } }, { $set: { demo: true } });
      for (let i = 0; i < 16; i++) await buildCase(demoWorker, { intakeDate: isoDay(now() - 700 * DAY) }, { team: 'team-a' });
      expect(await seedDemoClosures()).to.equal(13);
      const cases = await CaseModel.find({ organisationId: org.id }).lean();
      const closed = cases.filter((c) => c.status === 'closed');
      expect(new Set(closed.map((c) => c.closure?.reason)).size).to.be.at.least(6);
      expect(await ClosureProposalModel.countDocuments({ organisationId: org.id, status: 'proposed' })).to.equal(1);
      expect(await ClosureProposalModel.countDocuments({ organisationId: org.id, status: 'returned' })).to.equal(1);
      const rows = (await Promise.all(closed.map((c) => followUpsOf(c._id)))).flat();
      const standings = rows.map((r) => r.standing);
      for (const standing of ['recorded', 'due', 'overdue', 'upcoming'] as const) expect(standings, standing).to.include(standing);
      const recorded = await FollowUpModel.find({ organisationId: org.id, status: 'recorded' }).lean();
      expect(recorded.map((r) => r.safe)).to.include.members([true, false]);
      for (const c of cases) await factsMatch(String(c._id));
      // Seeded once: a second run finds the organisation claimed.
      expect(await seedDemoClosures()).to.equal(0);
    });
  });

  describe('the pages in the pseudo-locale', () => {
    it('show no text outside the locale files: the closure page in each state, and the follow-up page', async function () {
      this.timeout(60_000);
      const pseudoApp = await testApp({ i18n: await createI18n({ extra: pseudoResources() }) });
      const second = await buildUser({ roles: ['supervisor'], organisationId: orgId, team: 'north' });
      // Straight to the collection: the pseudo-locale is not one a user can choose.
      await mongoose.connection.collection('users').updateMany({}, { $set: { locale: PSEUDO } });
      const workerAgent = await signIn(pseudoApp, worker);
      const supervisorAgent = await signIn(pseudoApp, supervisor);
      const waiting = await buildCase(worker, {}, { team: 'north' });
      await makeActive(waiting);
      await proposeClosure(callerOf(second, 'north'), waiting, { reason: 'reintegrated_family', date: '2026-06-01', note: 'Fictional note', language: 'en' });
      const returned = await buildCase(worker, {}, { team: 'north' });
      await proposeClosure(callerOf(worker, 'north'), returned, { reason: 'duplicate', date: '2026-06-01', note: 'Fictional note', language: 'en' });
      await returnClosure(callerOf(second, 'north'), returned, await waitingProposal(returned), { comment: 'Fictional comment', language: 'en' });
      const closed = await closedCase();
      const [six, twelve] = await visits(closed);
      await recordFollowUp(callerOf(worker, 'north'), closed, String(six!._id), { visitDate: '2026-11-20', safe: true, livingAsPlanned: false, inSchoolOrWork: true, note: 'Fictional note', language: 'en' });
      const pages: [Agent, string][] = [
        [supervisorAgent, `/cases/${waiting}/closure`],
        [supervisorAgent, `/cases/${waiting}`],
        [workerAgent, `/cases/${returned}/closure`],
        [supervisorAgent, `/cases/${closed}/closure`],
        [workerAgent, `/cases/${closed}/follow-ups/${six!._id}`],
        [workerAgent, `/cases/${closed}/follow-ups/${twelve!._id}`],
      ];
      const known = ['Fictional note', 'Fictional comment', 'Testchild', 'Fictional', 'Test User', '(fictional)', 'ZZ-TEST-', 'PH', 'north'];
      for (const [agent, path] of pages) {
        const res = await agent.get(path);
        expect(res.status, path).to.equal(200);
        const left = untranslated(res.text, known)
          // A translated text holding another (a status inside a sentence) leaves the outer one's tail behind.
          .map((t) => t.replace(/^[^⟦]*⟧/, ''))
          .map((t) => t.replace(/[A-Z][a-z]{2} \d{1,2}, \d{4}/g, '').replace(/[·\s]+$/, ''))
          .filter((t) => !/^[\d\s:Z#.,()·-]*$/.test(t));
        // The case page holds other features' sections too: only this feature's text is checked there.
        const mine = path.endsWith(waiting) ? left.filter((t) => /closure|follow/i.test(t)) : left;
        expect(mine, path).to.deep.equal([]);
      }
    });
  });
});
