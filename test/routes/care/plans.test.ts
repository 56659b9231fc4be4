/**
 * Care plans through the pages (DOMAIN.md "Care plan", "States"): starting a version, its goals and
 * interventions, submitting, a supervisor's approval or return, the first approval making the case
 * active, superseded versions, progress on the plan in force, drafting from an assessment, and every
 * refusal: 422 with a message and nothing changed, audited; 403 for a caseworker's decision; 404 out
 * of scope. Text typed about the child never reaches the database in the clear.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Express } from 'express';
import mongoose, { Types } from 'mongoose';
import type request from 'supertest';
import type { AuditReason } from '../../../src/domain/audit.js';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { CarePlanModel } from '../../../src/models/care-plan.js';
import { CaseFactModel } from '../../../src/models/case-fact.js';
import { CaseChangeModel } from '../../../src/models/case-change.js';
import { CaseModel } from '../../../src/models/case.js';
import { UserModel } from '../../../src/models/user.js';
import { createI18n } from '../../../src/lib/i18n/index.js';
import { recordAssessment } from '../../../src/services/care/assessments.js';
import { recordProgress } from '../../../src/services/care/plan-goals.js';
import { advance } from '../../helpers/clock.js';
import { closeThroughApproval } from '../../helpers/closures.js';
import { setReminderWait } from '../../../src/services/home/reminders.js';
import { returnPlan, startVersion } from '../../../src/services/care/plans.js';
import { recordReview, returnReview } from '../../../src/services/care/reviews.js';
import { computeCaseFacts } from '../../../src/services/facts/facts.js';
import { testApp } from '../../helpers/app.js';
import { buildCase, callerOf } from '../../helpers/cases.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { PSEUDO, pseudoResources, untranslated } from '../../helpers/pseudo.js';
import { plant } from '../../helpers/secrets.js';
import { signIn, tokenOf, type Agent } from '../../helpers/session.js';
import { approvedPlan, draftPlan, inDays, returnedPlan, submittedPlan, today } from './plan-fixtures.js';

const marker = (label: string) => plant(`MARKER${label}${randomBytes(6).toString('hex')}`);

/** Every document of every collection, raw through the driver, as one string. */
async function rawDatabase(): Promise<string> {
  const parts: string[] = [];
  for (const c of await mongoose.connection.db!.collections()) {
    for (const doc of await c.find({}).toArray()) parts.push(JSON.stringify(doc));
  }
  return parts.join('\n');
}

describe('care plans', () => {
  useDatabase('careplans');

  let app: Express;
  before(async () => {
    app = await testApp();
  });

  let org: string;
  let partner: string;
  let worker: TestUser;
  let supervisor: TestUser;
  let both: TestUser;
  let stranger: TestUser;
  let workerAgent: Agent;
  let supervisorAgent: Agent;
  let workerToken: string;
  let supervisorToken: string;
  beforeEach(async function () {
    this.timeout(60_000);
    org = (await buildOrganisation({ country: 'PH' })).id;
    partner = (await buildOrganisation({ kind: 'partner', name: { en: 'Fictional Shelter Partner' } })).id;
    worker = await buildUser({ roles: ['caseworker'], organisationId: org, team: 'north' });
    supervisor = await buildUser({ roles: ['supervisor'], organisationId: org, team: 'north' });
    both = await buildUser({ roles: ['caseworker', 'supervisor'], organisationId: org, team: 'north' });
    stranger = await buildUser({ roles: ['supervisor'], organisationId: org, team: 'south' });
    workerAgent = await signIn(app, worker);
    supervisorAgent = await signIn(app, supervisor);
    workerToken = await tokenOf(workerAgent);
    supervisorToken = await tokenOf(supervisorAgent);
  });

  const w = () => callerOf(worker, 'north');
  const s = () => callerOf(supervisor, 'north');
  const newCase = () => buildCase(worker, {}, { team: 'north' });
  const plans = (caseId: string) => CarePlanModel.find({ caseId }).sort({ version: 1 }).lean();

  function post(agent: Agent, path: string, body: Record<string, unknown> = {}): Promise<request.Response> {
    return agent.post(path).type('form').send({ _csrf: agent === supervisorAgent ? supervisorToken : workerToken, ...body });
  }

  async function denied(userId: string, reason: AuditReason): Promise<number> {
    return AuditEntryModel.countDocuments({ userId, outcome: 'denied', reason });
  }

  describe('GET /cases/:id/care-plans/new and POST /cases/:id/care-plans', () => {
    it('starts an empty draft, version 1, and shows it', async () => {
      const id = await newCase();
      const page = await workerAgent.get(`/cases/${id}/care-plans/new`);
      expect(page.status).to.equal(200);
      expect(page.text).to.include('Start an empty plan');
      const res = await post(workerAgent, `/cases/${id}/care-plans`);
      expect(res.status).to.equal(303);
      const [plan] = await plans(id);
      expect(plan).to.include({ version: 1, status: 'draft' });
      expect(res.headers.location).to.equal(`/cases/${id}/care-plans/${plan!._id}?done=started`);
      const shown = await workerAgent.get(res.headers.location as string);
      expect(shown.text).to.include('The new version is started as a draft.').and.include('Care plan, version 1');
      expect(await AuditEntryModel.countDocuments({ action: 'careplan_change', outcome: 'success', userId: worker.id })).to.equal(1);
      expect(await AuditEntryModel.countDocuments({ action: 'careplan_view', userId: worker.id })).to.be.greaterThan(0);
    });

    it('refuses a second version while one is open: 422, nothing created, audited', async () => {
      const id = await newCase();
      await draftPlan(w(), id);
      const res = await post(workerAgent, `/cases/${id}/care-plans`);
      expect(res.status).to.equal(422);
      expect(res.text).to.include('Another version of the plan is still being worked on.');
      expect(await plans(id)).to.have.length(1);
      expect(await denied(worker.id, 'transition_refused')).to.equal(1);
    });

    it('starts version 2 as a copy of the plan in force, goals and interventions included', async () => {
      const id = await newCase();
      await approvedPlan(w(), s(), id);
      expect((await post(workerAgent, `/cases/${id}/care-plans`)).status).to.equal(303);
      const [v1, v2] = await plans(id);
      expect(v2).to.include({ version: 2, status: 'draft', copiedFromVersion: 1 });
      expect(v2!.goals.map((g) => [g.domain, g.secret, g.interventions.length])).to.deep.equal(v1!.goals.map((g) => [g.domain, g.secret, g.interventions.length]));
    });

    it('answers 404 to a supervisor of another team, audited', async () => {
      const id = await newCase();
      const other = await signIn(app, stranger);
      const res = await other.post(`/cases/${id}/care-plans`).type('form').send({ _csrf: await tokenOf(other) });
      expect(res.status).to.equal(404);
      expect(await AuditEntryModel.countDocuments({ action: 'access_denied', recordId: id, userId: stranger.id })).to.equal(1);
      expect(await plans(id)).to.have.length(0);
    });

    it('refuses any change on a closed case', async () => {
      const id = await newCase();
      await CaseModel.updateOne({ _id: id }, { $set: { status: 'closed', closure: { reason: 'duplicate', from: 'open', date: new Date() } } });
      const res = await post(workerAgent, `/cases/${id}/care-plans`);
      expect(res.status).to.equal(422);
      expect(res.text).to.include('The case is closed');
      expect(await plans(id)).to.have.length(0);
    });
  });

  it("a plan submitted for approval shows in the supervisor's header reminder on their next page, and leaves it once decided", async () => {
    const due = (html: string) => Number(/<a class="reminder" href="\/">[\s\S]*?(\d+)[\s\S]*?<\/a>/.exec(html)?.[1] ?? 0);
    setReminderWait(20_000); // a page waits for its counts here, however busy the machine
    try {
      const id = await newCase();
      const before = due((await supervisorAgent.get('/cases')).text);
      const { planId } = await submittedPlan(w(), id);
      expect(due((await supervisorAgent.get('/cases')).text)).to.equal(before + 1);
      await returnPlan(s(), id, planId, 'Fictional comment.', 'en');
      expect(due((await supervisorAgent.get('/cases')).text)).to.equal(before);
    } finally {
      setReminderWait(250);
    }
  });

  it('a closed case keeps its plan readable, with nothing overdue and no review due, here or in its reporting facts', async () => {
    const id = await newCase();
    const { planId } = await approvedPlan(w(), s(), id);
    advance(400 * 86_400_000); // the goal's target, the intervention and the review are all past
    try {
      const agent = await signIn(app, worker); // the session from before the clock moved has expired
      expect((await agent.get(`/cases/${id}`)).text).to.include('Next review').and.include('class="overdue"');
      await closeThroughApproval(worker, both, 'north', id, 'moved_away', today());
      const page = (await agent.get(`/cases/${id}`)).text;
      const section = page.slice(page.indexOf('id="care-plan"'), page.indexOf('</details>', page.indexOf('id="care-plan"')));
      expect(section).to.include('Plan in force: version 1').and.not.include('Next review').and.not.include('class="overdue"').and.not.include('No care plan has been approved yet');
      const planPage = (await agent.get(`/cases/${id}/care-plans/${planId}`)).text;
      expect(planPage).to.not.include('Next review').and.not.include('class="overdue"');
      expect((await CaseFactModel.findOne({ caseId: id }).lean())!.reviewDue).to.equal(undefined);
    } finally {
      advance(-400 * 86_400_000);
    }
  });

  it('offers "revise" on a returned version to the caseworker, not to the supervisor who returned it', async () => {
    const id = await newCase();
    const { planId } = await returnedPlan(w(), s(), id);
    const action = `/cases/${id}/care-plans/${planId}/revise`;
    expect((await workerAgent.get(`/cases/${id}/care-plans/${planId}`)).text).to.include(`action="${action}"`);
    expect((await supervisorAgent.get(`/cases/${id}/care-plans/${planId}`)).text).to.not.include(`action="${action}"`);
  });

  describe('POST /cases/:id/care-plans/from-assessment', () => {
    it("the assessment page links to the plan's start, which then has that assessment chosen", async () => {
      const id = await newCase();
      const older = await recordAssessment(w(), id, { type: 'needs', date: today(), language: 'en', scores: { safety: 2 }, notes: {}, overall: '' });
      const newer = await recordAssessment(w(), id, { type: 'wellbeing', date: today(), language: 'en', scores: { health: 1 }, notes: {}, overall: '' });
      const shown = await workerAgent.get(`/cases/${id}/assessments/${older}`);
      expect(shown.text).to.include(`href="/cases/${id}/care-plans/new?assessment=${older}#assessmentId"`);
      const start = await workerAgent.get(`/cases/${id}/care-plans/new?assessment=${older}`);
      expect(start.text).to.include(`value="${older}" checked`).and.not.include(`value="${newer}" checked`);
    });

    it('drafts one goal per weakest domain, each with its default text, in the reader’s language', async () => {
      const id = await newCase();
      const assessmentId = await recordAssessment(w(), id, { type: 'needs', date: today(), language: 'en', scores: { safety: 2, health: 5, education: 1, family: 3, legal: 4 }, notes: {}, overall: '' });
      const res = await post(workerAgent, `/cases/${id}/care-plans/from-assessment`, { assessmentId });
      expect(res.status, res.text.slice(0, 800)).to.equal(303);
      const [plan] = await plans(id);
      expect(plan!.goals.map((g) => g.domain)).to.deep.equal(['education', 'safety', 'family']);
      expect(plan!.goals.every((g) => g.defaultText && !g.secret)).to.equal(true);
      const page = await workerAgent.get(`/cases/${id}/care-plans/${plan!._id}`);
      expect(page.text).to.include('The child attends school or training regularly and is making progress.');
      // The reader's language is their profile's: the same goal reads in Filipino for a Filipino reader.
      await UserModel.updateOne({ _id: worker.id }, { $set: { locale: 'fil' } });
      const fil = await workerAgent.get(`/cases/${id}/care-plans/${plan!._id}`);
      await UserModel.updateOne({ _id: worker.id }, { $set: { locale: 'en' } });
      expect(fil.text).to.include('Regular na pumapasok ang bata sa paaralan');
      // Editing a default goal starts from its text, which is then stored sealed as typed.
      const edit = await workerAgent.get(`/cases/${id}/care-plans/${plan!._id}/goals/${plan!.goals[0]!._id}`);
      expect(edit.text).to.include('The child attends school or training regularly');
    });

    it('refuses an assessment with no weak domain (422) and one of another case (404)', async () => {
      const id = await newCase();
      const strong = await recordAssessment(w(), id, { type: 'needs', date: today(), language: 'en', scores: { safety: 5, health: 4 }, notes: {}, overall: '' });
      const res = await post(workerAgent, `/cases/${id}/care-plans/from-assessment`, { assessmentId: strong });
      expect(res.status).to.equal(422);
      expect(res.text).to.include('suggests no goals');
      const other = await newCase();
      const elsewhere = await recordAssessment(w(), other, { type: 'needs', date: today(), language: 'en', scores: { safety: 1 }, notes: {}, overall: '' });
      expect((await post(workerAgent, `/cases/${id}/care-plans/from-assessment`, { assessmentId: elsewhere })).status).to.equal(404);
      expect(await plans(id)).to.have.length(0);
    });
  });

  describe('goals and interventions of a draft', () => {
    it('adds, edits and removes a goal and an intervention', async () => {
      const id = await newCase();
      const planId = String((await post(workerAgent, `/cases/${id}/care-plans`)).headers.location).split('/')[4]!.split('?')[0]!;
      expect((await workerAgent.get(`/cases/${id}/care-plans/${planId}/goals/new`)).status).to.equal(200);
      const added = await post(workerAgent, `/cases/${id}/care-plans/${planId}/goals`, { domain: 'education', text: 'Fictional: back at school.', language: 'en', targetDate: inDays(90), status: 'not_started', rev: '0' });
      expect(added.status, added.text.slice(0, 800)).to.equal(303);
      let plan = (await CarePlanModel.findById(planId).lean())!;
      const goalId = String(plan.goals[0]!._id);
      expect(plan.goals[0]).to.include({ domain: 'education', status: 'not_started' });
      const edited = await post(workerAgent, `/cases/${id}/care-plans/${planId}/goals/${goalId}`, { domain: 'education', text: 'Fictional: attends every day.', language: 'en', targetDate: inDays(100), status: 'in_progress', rev: String(plan.__v) });
      expect(edited.status).to.equal(303);
      expect((await workerAgent.get(`/cases/${id}/care-plans/${planId}/goals/${goalId}/interventions/new`)).text).to.include('Fictional Shelter Partner');
      plan = (await CarePlanModel.findById(planId).lean())!;
      const withPartner = await post(workerAgent, `/cases/${id}/care-plans/${planId}/goals/${goalId}/interventions`, { service: 'shelter', responsible: `organisation:${partner}`, dueDate: inDays(10), status: 'planned', rev: String(plan.__v) });
      expect(withPartner.status, withPartner.text.slice(0, 800)).to.equal(303);
      plan = (await CarePlanModel.findById(planId).lean())!;
      const intervention = plan.goals[0]!.interventions[0]!;
      expect(String(intervention.responsibleOrganisationId)).to.equal(partner);
      const page = await workerAgent.get(`/cases/${id}/care-plans/${planId}`);
      expect(page.text).to.include('Fictional: attends every day.').and.include('Fictional Shelter Partner').and.include('Shelter');
      expect((await workerAgent.get(`/cases/${id}/care-plans/${planId}/goals/${goalId}/interventions/${intervention._id}`)).status).to.equal(200);
      const toWorker = await post(workerAgent, `/cases/${id}/care-plans/${planId}/goals/${goalId}/interventions/${intervention._id}`, { service: 'education', responsible: `user:${worker.id}`, dueDate: inDays(12), status: 'in_progress', rev: String(plan.__v) });
      expect(toWorker.status).to.equal(303);
      plan = (await CarePlanModel.findById(planId).lean())!;
      expect(plan.goals[0]!.interventions[0]).to.include({ service: 'education', status: 'in_progress' });
      expect(plan.goals[0]!.interventions[0]!.responsibleOrganisationId).to.equal(undefined);
      expect((await post(workerAgent, `/cases/${id}/care-plans/${planId}/goals/${goalId}/interventions/${intervention._id}/remove`)).status).to.equal(303);
      expect((await post(workerAgent, `/cases/${id}/care-plans/${planId}/goals/${goalId}/remove`)).status).to.equal(303);
      expect((await CarePlanModel.findById(planId).lean())!.goals).to.have.length(0);
    });

    it('answers 422 with a message per field and stores nothing for a goal left empty', async () => {
      const id = await newCase();
      const { planId } = await draftPlan(w(), id);
      const before = (await CarePlanModel.findById(planId).lean())!;
      const res = await post(workerAgent, `/cases/${id}/care-plans/${planId}/goals`, { domain: '', text: '', language: 'en', targetDate: '2026-02-30', status: 'not_started', rev: '0' });
      expect(res.status).to.equal(422);
      expect(res.text).to.include('Domain: This field is required.').and.include('Goal: This field is required.');
      expect((await CarePlanModel.findById(planId).lean())!.__v).to.equal(before.__v);
    });

    it('refuses a responsible who is not a caseworker of the case, and a field the form does not have', async () => {
      const id = await newCase();
      const { planId, goalId } = await draftPlan(w(), id);
      const rev = String((await CarePlanModel.findById(planId).lean())!.__v);
      const res = await post(workerAgent, `/cases/${id}/care-plans/${planId}/goals/${goalId}/interventions`, { service: 'shelter', responsible: `user:${supervisor.id}`, dueDate: inDays(5), status: 'planned', rev });
      expect(res.status).to.equal(422);
      expect(res.text).to.include('Choose a caseworker of this case or a partner organisation from the list.');
      const smuggled = await post(workerAgent, `/cases/${id}/care-plans/${planId}/goals`, { domain: 'health', text: 'x', language: 'en', targetDate: inDays(5), status: 'not_started', rev, version: '9' });
      expect(smuggled.status).to.equal(422);
      expect((await CarePlanModel.findById(planId).lean())!.goals[0]!.interventions).to.have.length(1);
    });

    it('answers 409 to a save from a form read before someone else saved', async () => {
      const id = await newCase();
      const { planId, goalId } = await draftPlan(w(), id);
      const res = await post(workerAgent, `/cases/${id}/care-plans/${planId}/goals/${goalId}`, { domain: 'safety', text: 'Fictional late edit', language: 'en', targetDate: inDays(9), status: 'not_started', rev: '0' });
      expect(res.status).to.equal(409);
      expect((await CarePlanModel.findById(planId).lean())!.goals[0]!.targetDate.toISOString().slice(0, 10)).to.equal(inDays(120));
    });

    it('answers 404 to an unknown goal or intervention', async () => {
      const id = await newCase();
      const { planId, goalId } = await draftPlan(w(), id);
      const unknown = String(new Types.ObjectId());
      expect((await workerAgent.get(`/cases/${id}/care-plans/${planId}/goals/${unknown}`)).status).to.equal(404);
      expect((await workerAgent.get(`/cases/${id}/care-plans/${planId}/goals/${goalId}/interventions/${unknown}`)).status).to.equal(404);
      expect((await workerAgent.get(`/cases/${id}/care-plans/${unknown}`)).status).to.equal(404);
      expect((await workerAgent.get(`/cases/${id}/care-plans/not-an-id`)).status).to.equal(404);
    });
  });

  describe('POST /cases/:id/care-plans/:planId/submit', () => {
    it('refuses a plan without goals, or with a goal without intervention, naming the problem', async () => {
      const id = await newCase();
      const planId = String((await post(workerAgent, `/cases/${id}/care-plans`)).headers.location).split('/')[4]!.split('?')[0]!;
      const empty = await post(workerAgent, `/cases/${id}/care-plans/${planId}/submit`);
      expect(empty.status).to.equal(422);
      expect(empty.text).to.include('Add at least one goal before submitting the plan.');
      await post(workerAgent, `/cases/${id}/care-plans/${planId}/goals`, { domain: 'health', text: 'Fictional health goal', language: 'en', targetDate: inDays(30), status: 'not_started', rev: '0' });
      const bare = await post(workerAgent, `/cases/${id}/care-plans/${planId}/submit`);
      expect(bare.status).to.equal(422);
      expect(bare.text).to.include('Every goal needs at least one intervention');
      expect((await CarePlanModel.findById(planId).lean())!.status).to.equal('draft');
    });

    it('submits a complete draft for approval', async () => {
      const id = await newCase();
      const { planId } = await draftPlan(w(), id);
      const res = await post(workerAgent, `/cases/${id}/care-plans/${planId}/submit`);
      expect(res.status).to.equal(303);
      const plan = (await CarePlanModel.findById(planId).lean())!;
      expect(plan.status).to.equal('submitted');
      expect(String(plan.submittedBy)).to.equal(worker.id);
      expect(await AuditEntryModel.countDocuments({ action: 'careplan_submit', outcome: 'success' })).to.equal(1);
      // A submitted version is no longer edited: its goal forms go back to the plan.
      expect((await workerAgent.get(`/cases/${id}/care-plans/${planId}/goals/new`)).status).to.equal(303);
      const edit = await post(workerAgent, `/cases/${id}/care-plans/${planId}/goals`, { domain: 'health', text: 'x', language: 'en', targetDate: inDays(5), status: 'not_started', rev: String(plan.__v) });
      expect(edit.status).to.equal(422);
      expect(edit.text).to.include('Only a draft can be changed.');
    });
  });

  describe('a supervisor’s decision', () => {
    it('answers 403 to a caseworker who tries to approve or return', async () => {
      const id = await newCase();
      const { planId } = await submittedPlan(w(), id);
      expect((await post(workerAgent, `/cases/${id}/care-plans/${planId}/approve`)).status).to.equal(403);
      expect((await post(workerAgent, `/cases/${id}/care-plans/${planId}/return`, { comment: 'x' })).status).to.equal(403);
      expect((await CarePlanModel.findById(planId).lean())!.status).to.equal('submitted');
    });

    it('approves the first plan: the case becomes active in the same change, with its history and facts', async () => {
      const id = await newCase();
      const { planId } = await submittedPlan(w(), id);
      const page = await supervisorAgent.get(`/cases/${id}/care-plans/${planId}`);
      expect(page.text).to.include('Approve the plan').and.include('Return to the caseworker');
      const res = await post(supervisorAgent, `/cases/${id}/care-plans/${planId}/approve`);
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.include('done=activated');
      const c = (await CaseModel.findById(id).lean())!;
      expect(c).to.include({ status: 'active', __v: 1 });
      const change = (await CaseChangeModel.findOne({ caseId: id, kind: 'activate' }).lean())!;
      expect(change).to.include({ version: 1 });
      expect(change.fields).to.deep.equal(['status']);
      const plan = (await CarePlanModel.findById(planId).lean())!;
      expect(plan.status).to.equal('approved');
      expect(String(plan.decidedBy)).to.equal(supervisor.id);
      const facts = (await CaseFactModel.findOne({ caseId: id }).lean())!;
      expect(facts.status).to.equal('active');
      expect(facts.firstPlanApprovedAt?.getTime()).to.equal(plan.approvedAt!.getTime());
      expect(facts.daysToFirstPlan).to.be.a('number');
      expect(facts.goals.map((g) => ({ domain: g.domain, set: g.set, achieved: g.achieved }))).to.deep.equal([{ domain: 'safety', set: 1, achieved: 0 }]);
      expect(facts.reviewDue).to.be.instanceOf(Date);
      expect(await AuditEntryModel.countDocuments({ action: 'careplan_approve', outcome: 'success' })).to.equal(1);
      expect(await AuditEntryModel.countDocuments({ action: 'case_status', outcome: 'success' })).to.equal(1);
      const shown = await workerAgent.get(`/cases/${id}/care-plans/${planId}?done=activated`);
      expect(shown.text).to.include('The case is now active.');
    });

    it('never lets the one who submitted decide, even holding the supervisor role (422, audited own_submission)', async () => {
      const id = await buildCase(both, {}, { team: 'north' });
      const mine = callerOf(both, 'north');
      const { planId } = await submittedPlan(mine, id);
      const agent = await signIn(app, both);
      const token = await tokenOf(agent);
      const page = await agent.get(`/cases/${id}/care-plans/${planId}`);
      expect(page.text).to.include('You submitted this version, so another supervisor must approve or return it.');
      expect(page.text).to.not.include('action="/cases/' + id + '/care-plans/' + planId + '/approve"');
      for (const [path, body] of [['approve', {}], ['return', { comment: 'Fictional self-return' }]] as const) {
        const res = await agent.post(`/cases/${id}/care-plans/${planId}/${path}`).type('form').send({ _csrf: token, ...body });
        expect(res.status, path).to.equal(422);
        expect(res.text).to.include('You submitted this version yourself.');
      }
      expect((await CarePlanModel.findById(planId).lean())!.status).to.equal('submitted');
      expect((await CaseModel.findById(id).lean())!.status).to.equal('open');
      expect(await denied(both.id, 'own_submission')).to.equal(2);
    });

    it('returns a plan with a comment the caseworker reads; revised and submitted again, it is approved', async () => {
      const id = await newCase();
      const { planId } = await submittedPlan(w(), id);
      const empty = await post(supervisorAgent, `/cases/${id}/care-plans/${planId}/return`, { comment: '' });
      expect(empty.status).to.equal(422);
      expect(empty.text).to.include('Comment for the caseworker: This field is required.');
      expect((await CarePlanModel.findById(planId).lean())!.status).to.equal('submitted');
      const comment = marker('RETURN');
      expect((await post(supervisorAgent, `/cases/${id}/care-plans/${planId}/return`, { comment })).status).to.equal(303);
      expect((await CarePlanModel.findById(planId).lean())!.status).to.equal('returned');
      const page = await workerAgent.get(`/cases/${id}/care-plans/${planId}`);
      expect(page.text).to.include(comment).and.include('Comment from the supervisor').and.include('Revise this version');
      expect((await workerAgent.get(`/cases/${id}`)).text).to.include(comment);
      expect(await rawDatabase()).to.not.include(comment);
      expect((await post(workerAgent, `/cases/${id}/care-plans/${planId}/revise`)).status).to.equal(303);
      expect((await CarePlanModel.findById(planId).lean())!.status).to.equal('draft');
      expect((await post(workerAgent, `/cases/${id}/care-plans/${planId}/submit`)).status).to.equal(303);
      expect((await post(supervisorAgent, `/cases/${id}/care-plans/${planId}/approve`)).status).to.equal(303);
      expect((await CarePlanModel.findById(planId).lean())!.status).to.equal('approved');
      expect(await AuditEntryModel.countDocuments({ action: 'careplan_return', outcome: 'success' })).to.equal(1);
    });

    it('refuses moves the machine does not allow (422, transition_refused) and changes nothing', async () => {
      const id = await newCase();
      const { planId } = await draftPlan(w(), id);
      const before = (await CarePlanModel.findById(planId).lean())!;
      const approve = await post(supervisorAgent, `/cases/${id}/care-plans/${planId}/approve`);
      expect(approve.status).to.equal(422);
      expect(approve.text).to.include('This cannot be done in the present state');
      expect((await post(workerAgent, `/cases/${id}/care-plans/${planId}/revise`)).status).to.equal(422);
      await post(workerAgent, `/cases/${id}/care-plans/${planId}/submit`);
      expect((await post(workerAgent, `/cases/${id}/care-plans/${planId}/submit`)).status).to.equal(422);
      const after = (await CarePlanModel.findById(planId).lean())!;
      expect(after.status).to.equal('submitted');
      expect(after.__v).to.equal(before.__v! + 1);
      expect((await CaseModel.findById(id).lean())!.status).to.equal('open');
      expect(await denied(supervisor.id, 'transition_refused')).to.equal(1);
      expect(await denied(worker.id, 'transition_refused')).to.equal(2);
    });

    it('approving version 2 supersedes version 1, which stays readable and read-only; the case is activated once', async () => {
      const id = await newCase();
      const first = await approvedPlan(w(), s(), id);
      const planId = String((await post(workerAgent, `/cases/${id}/care-plans`)).headers.location).split('/')[4]!.split('?')[0]!;
      expect((await post(workerAgent, `/cases/${id}/care-plans/${planId}/submit`)).status).to.equal(303);
      const res = await post(supervisorAgent, `/cases/${id}/care-plans/${planId}/approve`);
      expect(res.headers.location).to.include('done=approved');
      const [v1, v2] = await plans(id);
      expect(v1).to.include({ status: 'superseded' });
      expect(v1!.supersededAt).to.be.instanceOf(Date);
      expect(v2).to.include({ status: 'approved', version: 2 });
      const old = await workerAgent.get(`/cases/${id}/care-plans/${first.planId}`);
      expect(old.status).to.equal(200);
      expect(old.text).to.include('A later version has replaced this one.').and.not.include('Record progress');
      expect(await CaseChangeModel.countDocuments({ caseId: id, kind: 'activate' })).to.equal(1);
      const section = (await workerAgent.get(`/cases/${id}`)).text;
      expect(section).to.include('Plan in force: version 2').and.include('Earlier versions').and.include(`/care-plans/${first.planId}`);
    });
  });

  describe('progress on the plan in force', () => {
    it('records a progress note and the goal’s status; achieving a goal is counted in the facts', async () => {
      const id = await newCase();
      const { planId, goalId, interventionId } = await approvedPlan(w(), s(), id);
      expect((await workerAgent.get(`/cases/${id}/care-plans/${planId}/goals/${goalId}/progress`)).status).to.equal(200);
      const note = marker('PROGRESS');
      const res = await post(workerAgent, `/cases/${id}/care-plans/${planId}/goals/${goalId}/progress`, { status: 'achieved', date: today(), language: 'en', text: note });
      expect(res.status, res.text.slice(0, 800)).to.equal(303);
      const plan = (await CarePlanModel.findById(planId).lean())!;
      expect(plan.goals[0]!.status).to.equal('achieved');
      expect(plan.goals[0]!.progress).to.have.length(1);
      const facts = (await CaseFactModel.findOne({ caseId: id }).lean())!;
      expect(facts.goals[0]).to.include({ domain: 'safety', set: 1, achieved: 1 });
      expect((await workerAgent.get(`/cases/${id}/care-plans/${planId}`)).text).to.include(note);
      expect((await workerAgent.get(`/cases/${id}`)).text).to.include(note);
      expect(await rawDatabase()).to.not.include(note);
      const status = await post(workerAgent, `/cases/${id}/care-plans/${planId}/goals/${goalId}/interventions/${interventionId}/status`, { status: 'done' });
      expect(status.status).to.equal(303);
      expect((await CarePlanModel.findById(planId).lean())!.goals[0]!.interventions[0]!.status).to.equal('done');
    });

    it('refuses a progress form that changes nothing, one with a future date, and progress on a draft', async () => {
      const id = await newCase();
      const { planId, goalId } = await approvedPlan(w(), s(), id);
      const nothing = await post(workerAgent, `/cases/${id}/care-plans/${planId}/goals/${goalId}/progress`, { status: 'not_started', date: today(), language: 'en', text: '' });
      expect(nothing.status).to.equal(422);
      expect(nothing.text).to.include('Change the status or write a note.');
      const future = await post(workerAgent, `/cases/${id}/care-plans/${planId}/goals/${goalId}/progress`, { status: 'in_progress', date: inDays(3), language: 'en', text: 'x' });
      expect(future.status).to.equal(422);
      const draft = await post(workerAgent, `/cases/${id}/care-plans`);
      const draftId = String(draft.headers.location).split('/')[4]!.split('?')[0]!;
      const draftGoal = String((await CarePlanModel.findById(draftId).lean())!.goals[0]!._id);
      const onDraft = await post(workerAgent, `/cases/${id}/care-plans/${draftId}/goals/${draftGoal}/progress`, { status: 'in_progress', date: today(), language: 'en', text: 'x' });
      expect(onDraft.status).to.equal(422);
      expect(onDraft.text).to.include('Progress is recorded on the plan in force only.');
      expect((await CarePlanModel.findById(planId).lean())!.goals[0]!.progress).to.have.length(0);
    });
  });

  describe('sealed text (SECURITY.md D1)', () => {
    it('keeps goal text, progress notes and return comments out of the raw database, and shows them on the pages', async () => {
      const id = await newCase();
      const goal = marker('GOAL');
      const comment = marker('COMMENT');
      const { planId, goalId } = await draftPlan(w(), id, goal);
      await post(workerAgent, `/cases/${id}/care-plans/${planId}/submit`);
      await post(supervisorAgent, `/cases/${id}/care-plans/${planId}/return`, { comment });
      await post(workerAgent, `/cases/${id}/care-plans/${planId}/revise`);
      await post(workerAgent, `/cases/${id}/care-plans/${planId}/submit`);
      await post(supervisorAgent, `/cases/${id}/care-plans/${planId}/approve`);
      const note = marker('NOTE');
      await post(workerAgent, `/cases/${id}/care-plans/${planId}/goals/${goalId}/progress`, { status: 'in_progress', date: today(), language: 'en', text: note });
      const raw = await rawDatabase();
      for (const m of [goal, comment, note]) expect(raw, m).to.not.include(m);
      const page = (await workerAgent.get(`/cases/${id}/care-plans/${planId}`)).text;
      expect(page).to.include(goal).and.include(note);
      expect((await workerAgent.get(`/cases/${id}`)).text).to.include(goal);
    });
  });

  describe('in the pseudo-locale', () => {
    it('shows no text outside the locale files on any care-plan or review page', async function () {
      this.timeout(60_000);
      const pseudoApp = await testApp({ i18n: await createI18n({ extra: pseudoResources() }) });
      for (const u of [worker, supervisor]) await UserModel.updateOne({ _id: u.id }, { $set: { locale: PSEUDO } });
      const id = await newCase();
      const ids = await approvedPlan(w(), s(), id);
      await recordProgress(w(), id, ids.planId, ids.goalId, { status: 'in_progress', date: today(), language: 'en', text: 'Fictional progress.' });
      const reviewId = await recordReview(w(), id, { date: today(), decision: 'close', language: 'en', summary: 'Fictional summary.', goals: [{ goalId: ids.goalId, status: 'in_progress', note: 'Fictional note.' }] });
      await returnReview(s(), id, reviewId, 'Fictional review comment.', 'en');
      const draftId = await startVersion(w(), id);
      const draft = (await CarePlanModel.findById(draftId).lean())!;
      const g = String(draft.goals[0]!._id);
      const i = String(draft.goals[0]!.interventions[0]!._id);
      const returnedCase = await newCase();
      const returned = await returnedPlan(w(), s(), returnedCase);
      const c = (await CaseModel.findById(id).lean())!;
      const names = (await UserModel.find({ organisationId: org }).select({ name: 1 }).lean()).map((u) => u.name);
      const known = [c.caseNumber, 'north', 'Philippines', 'PH-07-072217', (await CaseModel.findById(returnedCase).lean())!.caseNumber, 'Testchild', 'Fictional', ...names, 'Fictional Shelter Partner', 'Fictional goal: the child is safe at home.', 'Fictional progress.', 'Fictional summary.', 'Fictional note.', 'Fictional review comment.', 'Fictional comment: add a school goal.'].sort((a, b) => b.length - a.length);
      const pages: [TestUser, string][] = [
        [worker, `/cases/${id}`],
        [worker, `/cases/${id}/care-plans/${ids.planId}`],
        [worker, `/cases/${id}/care-plans/${ids.planId}/goals/${ids.goalId}/progress`],
        [worker, `/cases/${id}/care-plans/${draftId}`],
        [worker, `/cases/${id}/care-plans/${draftId}/goals/new`],
        [worker, `/cases/${id}/care-plans/${draftId}/goals/${g}`],
        [worker, `/cases/${id}/care-plans/${draftId}/goals/${g}/interventions/new`],
        [worker, `/cases/${id}/care-plans/${draftId}/goals/${g}/interventions/${i}`],
        [worker, `/cases/${id}/care-plans/new`],
        [worker, `/cases/${returnedCase}/care-plans/new`],
        [worker, `/cases/${returnedCase}/care-plans/${returned.planId}`],
        [worker, `/cases/${id}/reviews/new`],
        [worker, `/cases/${id}/reviews/${reviewId}`],
        [worker, `/cases/${id}/reviews/${reviewId}/edit`],
        [supervisor, `/cases/${returnedCase}`],
      ];
      const agents = new Map<TestUser, Agent>([[worker, await signIn(pseudoApp, worker)], [supervisor, await signIn(pseudoApp, supervisor)]]);
      for (const [user, path] of pages) {
        const res = await agents.get(user)!.get(path);
        expect(res.status, path).to.equal(200);
        const left = untranslated(res.text, known).map((t) => t.replace(/[A-Z][a-z]{2} \d{1,2}, \d{4}(?:, \d{1,2}:\d{2}\s[AP]M(?: GMT(?:[+-]\d{1,2}(?::\d{2})?)?| UTC)?)?/g, '').replace(/[·:,\s()-]+/g, ' ').trim()).filter((t) => /\p{L}/u.test(t));
        expect(left, path).to.deep.equal([]);
      }
      for (const u of [worker, supervisor]) await UserModel.updateOne({ _id: u.id }, { $set: { locale: 'en' } });
    });
  });

  describe('the case page', () => {
    it('shows the care plan section with the link to start a plan, and the version waiting for a decision', async () => {
      const id = await newCase();
      const empty = await workerAgent.get(`/cases/${id}`);
      expect(empty.text).to.include('id="care-plan"').and.include('No care plan has been approved yet.').and.include(`/cases/${id}/care-plans/new`);
      const { planId } = await submittedPlan(w(), id);
      const page = await supervisorAgent.get(`/cases/${id}`);
      expect(page.text).to.include('Version 1 in preparation').and.include('Submitted for approval').and.include(`/cases/${id}/care-plans/${planId}`).and.include('Approve or return it');
    });

    it('stores facts that equal their recomputation after every change', async () => {
      const id = await newCase();
      await returnedPlan(w(), s(), id);
      const ids = await approvedPlan(w(), s(), await newCase());
      for (const caseId of [id, ids.id]) {
        const stored = (await CaseFactModel.findOne({ caseId }).lean())!;
        const computed = (await computeCaseFacts(new Types.ObjectId(caseId)))!;
        const { _id, __v, createdAt: _c, updatedAt: _u, ...fields } = stored as Record<string, unknown>;
        expect(JSON.parse(JSON.stringify(fields))).to.deep.equal(JSON.parse(JSON.stringify(computed)));
      }
    });
  });
});
