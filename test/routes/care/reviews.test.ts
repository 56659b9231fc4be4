/**
 * Reviews of the plan in force: the schedule (due reviewIntervalDays after approval, then after the last
 * signed-off review; due within a week, overdue from the day after), recording one through the page,
 * a supervisor's sign-off or return, resubmission, the decisions (revise opens a new draft, close links
 * to the closure page), the organisation's interval, and My work's four sources.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Express } from 'express';
import mongoose, { Types } from 'mongoose';
import type request from 'supertest';
import { startOfDay } from '../../../src/domain/cases.js';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { CarePlanModel } from '../../../src/models/care-plan.js';
import { CaseFactModel } from '../../../src/models/case-fact.js';
import { ReviewModel } from '../../../src/models/review.js';
import { clock } from '../../../src/lib/clock.js';
import { recordReview } from '../../../src/services/care/reviews.js';
import { interventionsDue, plansAwaitingApproval, reviewsAwaitingApproval, reviewsDue } from '../../../src/services/care/work.js';
import { startContext } from '../../../src/services/home/start-page.js';
import { testApp } from '../../helpers/app.js';
import { buildCase, callerOf } from '../../helpers/cases.js';
import { advance } from '../../helpers/clock.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { plant } from '../../helpers/secrets.js';
import { signIn, tokenOf, type Agent } from '../../helpers/session.js';
import { approvedPlan, returnedReview, submittedPlan, submittedReview, today } from './plan-fixtures.js';

const DAY = 86_400_000;
const marker = (label: string) => plant(`MARKER${label}${randomBytes(6).toString('hex')}`);

async function rawDatabase(): Promise<string> {
  const parts: string[] = [];
  for (const c of await mongoose.connection.db!.collections()) {
    for (const doc of await c.find({}).toArray()) parts.push(JSON.stringify(doc));
  }
  return parts.join('\n');
}

describe('care plan reviews', () => {
  useDatabase('careplanreviews');

  let app: Express;
  before(async () => {
    app = await testApp();
  });

  let org: string;
  let worker: TestUser;
  let colleague: TestUser;
  let supervisor: TestUser;
  beforeEach(async function () {
    this.timeout(60_000);
    org = (await buildOrganisation({ country: 'PH' })).id;
    worker = await buildUser({ roles: ['caseworker'], organisationId: org, team: 'north' });
    colleague = await buildUser({ roles: ['caseworker'], organisationId: org, team: 'north' });
    supervisor = await buildUser({ roles: ['supervisor'], organisationId: org, team: 'north' });
  });

  const w = () => callerOf(worker, 'north');
  const s = () => callerOf(supervisor, 'north');
  const newCase = () => buildCase(worker, {}, { team: 'north' });

  async function agentOf(user: TestUser): Promise<{ agent: Agent; post: (path: string, body?: Record<string, unknown>) => Promise<request.Response> }> {
    const agent = await signIn(app, user);
    const token = await tokenOf(agent);
    return { agent, post: (path, body = {}) => agent.post(path).type('form').send({ _csrf: token, ...body }) };
  }

  /** Reviews due for the caseworker, up to a week from the clock's today. */
  async function dueForWorker() {
    const ctx = startContext(w());
    return reviewsDue(ctx, 'caseworker', new Date(startOfDay(ctx.now).getTime() + 7 * DAY), 10);
  }

  describe('the schedule', () => {
    it('is upcoming after approval, due within a week of its date and overdue from the day after, on the fake clock', async () => {
      const id = await newCase();
      const { planId } = await approvedPlan(w(), s(), id);
      const approvedAt = (await CarePlanModel.findById(planId).lean())!.approvedAt!;
      const due = new Date(startOfDay(approvedAt).getTime() + 90 * DAY);
      expect((await CaseFactModel.findOne({ caseId: id }).lean())!.reviewDue?.getTime()).to.equal(due.getTime());
      expect((await dueForWorker()).total).to.equal(0);
      let page = await (await agentOf(worker)).agent.get(`/cases/${id}`);
      expect(page.text).to.include('Next review').and.not.include('Due soon');

      advance(84 * DAY);
      const soon = await dueForWorker();
      expect(soon.total).to.equal(1);
      expect(soon.items[0]).to.include({ kind: 'review', href: `/cases/${id}/reviews/new`, labelKey: 'care-plans:work.reviewDue' });
      expect(soon.items[0]!.due.getTime()).to.equal(due.getTime());
      page = await (await agentOf(worker)).agent.get(`/cases/${id}`);
      expect(page.text).to.include('Due soon');

      advance(7 * DAY);
      page = await (await agentOf(worker)).agent.get(`/cases/${id}/care-plans/${planId}`);
      expect(page.text).to.include('class="overdue">Overdue');
      expect((await dueForWorker()).total).to.equal(1);
    });

    it('counts from the last signed-off review, and uses the organisation’s interval set by its admin', async () => {
      const id = await newCase();
      const { planId, goalId } = await approvedPlan(w(), s(), id);
      advance(10 * DAY);
      const reviewId = await recordReview(w(), id, { date: today(), decision: 'continue', language: 'en', summary: '', goals: [{ goalId, status: 'in_progress', note: '' }] });
      const { post } = await agentOf(supervisor);
      expect((await post(`/cases/${id}/reviews/${reviewId}/approve`)).status).to.equal(303);
      const review = (await ReviewModel.findById(reviewId).lean())!;
      const plan = (await CarePlanModel.findById(planId).lean())!;
      expect(plan.lastReviewOn!.getTime()).to.equal(review.date.getTime());
      const afterReview = new Date(review.date.getTime() + 90 * DAY);
      expect((await CaseFactModel.findOne({ caseId: id }).lean())!.reviewDue!.getTime()).to.equal(afterReview.getTime());

      const admin = await buildUser({ roles: ['admin'], organisationId: org });
      const a = await agentOf(admin);
      const form = await a.agent.get(`/admin/organisations/${org}`);
      expect(form.text).to.include('Days between care-plan reviews').and.include('value="90"');
      const version = /name="version" value="(\d+)"/.exec(form.text)![1]!;
      const bad = await a.post(`/admin/organisations/${org}`, { country: 'PH', preferredLocale: 'en', name_en: 'Fictional NGO', version, reviewIntervalDays: '3' });
      expect(bad.status).to.equal(422);
      expect(bad.text).to.include('Enter a whole number of days between 7 and 730.');
      const ok = await a.post(`/admin/organisations/${org}`, { country: 'PH', preferredLocale: 'en', name_en: 'Fictional NGO', version, reviewIntervalDays: '30' });
      expect(ok.status, ok.text.slice(0, 600)).to.equal(303);
      expect((await CaseFactModel.findOne({ caseId: id }).lean())!.reviewDue!.getTime()).to.equal(review.date.getTime() + 30 * DAY);
    });
  });

  describe('GET /cases/:id/reviews/new and POST /cases/:id/reviews', () => {
    it('records a review of every goal of the plan in force, waiting for sign-off', async () => {
      const id = await newCase();
      const { goalId } = await approvedPlan(w(), s(), id);
      const { agent, post } = await agentOf(worker);
      const form = await agent.get(`/cases/${id}/reviews/new`);
      expect(form.status).to.equal(200);
      expect(form.text).to.include(`name="status_${goalId}"`).and.include('Fictional goal: the child is safe at home.');
      const note = marker('REVIEWNOTE');
      const summary = marker('SUMMARY');
      const res = await post(`/cases/${id}/reviews`, { date: today(), decision: 'continue', language: 'en', summary, [`status_${goalId}`]: 'in_progress', [`note_${goalId}`]: note });
      expect(res.status, res.text.slice(0, 800)).to.equal(303);
      const review = (await ReviewModel.findOne({ caseId: id }).lean())!;
      expect(review).to.include({ status: 'submitted', decision: 'continue', planVersion: 1 });
      expect(res.headers.location).to.equal(`/cases/${id}/reviews/${review._id}?done=recorded`);
      const page = await agent.get(res.headers.location as string);
      expect(page.text).to.include(note).and.include(summary).and.include('The review is recorded.');
      expect(await rawDatabase()).to.not.include(note).and.not.include(summary);
      expect(await AuditEntryModel.countDocuments({ action: 'review_create', outcome: 'success' })).to.equal(1);
      // One review waits at a time.
      const again = await post(`/cases/${id}/reviews`, { date: today(), decision: 'continue', language: 'en', summary: '', [`status_${goalId}`]: 'in_progress', [`note_${goalId}`]: '' });
      expect(again.status).to.equal(422);
      expect(again.text).to.include('already waiting for sign-off');
      expect(await ReviewModel.countDocuments({ caseId: id })).to.equal(1);
    });

    it('answers 422 naming each missing field, refuses unknown fields and a day before the approval, and stores nothing', async () => {
      const id = await newCase();
      const { goalId } = await approvedPlan(w(), s(), id);
      const { post } = await agentOf(worker);
      const missing = await post(`/cases/${id}/reviews`, { date: today(), decision: '', language: 'en', summary: '' });
      expect(missing.status).to.equal(422);
      expect(missing.text).to.include('Decision: This field is required.');
      const noStatus = await post(`/cases/${id}/reviews`, { date: today(), decision: 'continue', language: 'en', summary: '' });
      expect(noStatus.status).to.equal(422);
      expect(noStatus.text).to.include(`id="status_${goalId}-error"`);
      const unknown = await post(`/cases/${id}/reviews`, { date: today(), decision: 'continue', language: 'en', summary: '', [`status_${goalId}`]: 'achieved', planId: 'x' });
      expect(unknown.status).to.equal(422);
      const strangeGoal = await post(`/cases/${id}/reviews`, { date: today(), decision: 'continue', language: 'en', summary: '', [`status_${goalId}`]: 'achieved', [`status_${new Types.ObjectId()}`]: 'achieved' });
      expect(strangeGoal.status).to.equal(422);
      const early = await post(`/cases/${id}/reviews`, { date: '2020-01-01', decision: 'continue', language: 'en', summary: '', [`status_${goalId}`]: 'achieved' });
      expect(early.status).to.equal(422);
      expect(early.text).to.include('nor before the plan was approved');
      expect(await ReviewModel.countDocuments({ caseId: id })).to.equal(0);
    });

    it('has nothing to review before a plan is approved', async () => {
      const id = await newCase();
      await submittedPlan(w(), id);
      const { agent, post } = await agentOf(worker);
      expect((await agent.get(`/cases/${id}/reviews/new`)).text).to.include('no approved care plan yet');
      const res = await post(`/cases/${id}/reviews`, { date: today(), decision: 'continue', language: 'en', summary: '' });
      expect(res.status).to.equal(422);
      expect(await ReviewModel.countDocuments({ caseId: id })).to.equal(0);
    });
  });

  describe('sign-off', () => {
    it('applies the goals’ statuses to the plan in force and the facts; the caseworker may not sign off (403)', async () => {
      const id = await newCase();
      const ids = await approvedPlan(w(), s(), id);
      const reviewId = await recordReview(w(), id, { date: today(), decision: 'continue', language: 'en', summary: '', goals: [{ goalId: ids.goalId, status: 'achieved', note: '' }] });
      expect((await (await agentOf(worker)).post(`/cases/${id}/reviews/${reviewId}/approve`)).status).to.equal(403);
      const { agent, post } = await agentOf(supervisor);
      expect((await agent.get(`/cases/${id}/reviews/${reviewId}`)).text).to.include('Sign off the review');
      const res = await post(`/cases/${id}/reviews/${reviewId}/approve`);
      expect(res.status).to.equal(303);
      expect((await ReviewModel.findById(reviewId).lean())!.status).to.equal('approved');
      expect((await CarePlanModel.findById(ids.planId).lean())!.goals[0]!.status).to.equal('achieved');
      expect((await CaseFactModel.findOne({ caseId: id }).lean())!.goals[0]).to.include({ achieved: 1 });
      expect(await AuditEntryModel.countDocuments({ action: 'review_approve', outcome: 'success' })).to.equal(1);
      // Signed off, it is final.
      const again = await post(`/cases/${id}/reviews/${reviewId}/return`, { comment: 'late' });
      expect(again.status).to.equal(422);
      expect(await AuditEntryModel.countDocuments({ action: 'review_return', reason: 'transition_refused' })).to.equal(1);
    });

    it('never lets the one who submitted sign off, whatever roles they hold', async () => {
      const both = await buildUser({ roles: ['caseworker', 'supervisor'], organisationId: org, team: 'north' });
      const id = await buildCase(both, {}, { team: 'north' });
      const mine = callerOf(both, 'north');
      const ids = await approvedPlan(mine, s(), id);
      const reviewId = await recordReview(mine, id, { date: today(), decision: 'continue', language: 'en', summary: '', goals: [{ goalId: ids.goalId, status: 'in_progress', note: '' }] });
      const { agent, post } = await agentOf(both);
      expect((await agent.get(`/cases/${id}/reviews/${reviewId}`)).text).to.include('You submitted this review, so another supervisor');
      const res = await post(`/cases/${id}/reviews/${reviewId}/approve`);
      expect(res.status).to.equal(422);
      expect(res.text).to.include('You submitted this review yourself.');
      expect((await ReviewModel.findById(reviewId).lean())!.status).to.equal('submitted');
      expect(await AuditEntryModel.countDocuments({ userId: both.id, reason: 'own_submission', action: 'review_approve' })).to.equal(1);
    });

    it('returns a review with a comment; the caseworker corrects it and submits it again', async () => {
      const id = await newCase();
      const { reviewId, goalId } = await submittedReview(w(), s(), id);
      const sup = await agentOf(supervisor);
      expect((await sup.post(`/cases/${id}/reviews/${reviewId}/return`, { comment: '' })).status).to.equal(422);
      const comment = marker('REVIEWRETURN');
      expect((await sup.post(`/cases/${id}/reviews/${reviewId}/return`, { comment })).status).to.equal(303);
      expect((await ReviewModel.findById(reviewId).lean())!.status).to.equal('returned');
      expect(await rawDatabase()).to.not.include(comment);
      const wk = await agentOf(worker);
      const edit = await wk.agent.get(`/cases/${id}/reviews/${reviewId}/edit`);
      expect(edit.status).to.equal(200);
      expect(edit.text).to.include(comment).and.include('Fictional note.');
      const res = await wk.post(`/cases/${id}/reviews/${reviewId}`, { date: today(), decision: 'continue', language: 'en', summary: 'Fictional, more on school.', [`status_${goalId}`]: 'in_progress', [`note_${goalId}`]: 'Fictional: attends school.' });
      expect(res.status, res.text.slice(0, 800)).to.equal(303);
      expect((await ReviewModel.findById(reviewId).lean())!.status).to.equal('submitted');
      // A submitted review is not edited: its form goes back to the review.
      expect((await wk.agent.get(`/cases/${id}/reviews/${reviewId}/edit`)).status).to.equal(303);
      expect((await wk.post(`/cases/${id}/reviews/${reviewId}`, { date: today(), decision: 'continue', language: 'en', summary: '', [`status_${goalId}`]: 'in_progress' })).status).to.equal(422);
    });

    it('for "revise", opens a new draft copied from the plan in force once signed off', async () => {
      const id = await newCase();
      const { reviewId } = await submittedReview(w(), s(), id, 'revise');
      const res = await (await agentOf(supervisor)).post(`/cases/${id}/reviews/${reviewId}/approve`);
      const [v1, v2] = await CarePlanModel.find({ caseId: id }).sort({ version: 1 }).lean();
      expect(v2).to.include({ version: 2, status: 'draft', copiedFromVersion: 1 });
      expect(v1!.status).to.equal('approved');
      expect(res.headers.location).to.equal(`/cases/${id}/care-plans/${v2!._id}?done=fromReview`);
    });

    it('for "close", links to the closure proposal page', async () => {
      const id = await newCase();
      const { reviewId } = await submittedReview(w(), s(), id, 'close');
      const page = await (await agentOf(worker)).agent.get(`/cases/${id}/reviews/${reviewId}`);
      expect(page.text).to.include(`href="/cases/${id}/closure"`);
    });

    it('answers 404 to a review of another case, and to a supervisor of another team', async () => {
      const id = await newCase();
      const { reviewId } = await submittedReview(w(), s(), id);
      const other = await newCase();
      expect((await (await agentOf(supervisor)).post(`/cases/${other}/reviews/${reviewId}/approve`)).status).to.equal(404);
      const south = await buildUser({ roles: ['supervisor'], organisationId: org, team: 'south' });
      const res = await (await agentOf(south)).post(`/cases/${id}/reviews/${reviewId}/approve`);
      expect(res.status).to.equal(404);
      expect(await AuditEntryModel.countDocuments({ action: 'access_denied', recordId: id, userId: south.id })).to.equal(1);
      expect((await ReviewModel.findById(reviewId).lean())!.status).to.equal('submitted');
    });
  });

  describe('My work', () => {
    it('lists returned reviews to correct, plans and reviews awaiting a decision (not one’s own), and interventions due', async () => {
      const id = await newCase();
      const returned = await returnedReview(w(), s(), id);
      // Not due yet by the schedule: a returned review is listed once the review is due.
      expect((await dueForWorker()).total).to.equal(0);
      const second = await newCase();
      await submittedPlan(w(), second);
      const third = await newCase();
      const { reviewId } = await submittedReview(w(), s(), third);
      const until = new Date(clock.ms() + 60 * DAY);
      const sup = startContext(s());
      const plansWaiting = await plansAwaitingApproval(sup, 'supervisor', until, 10);
      expect(plansWaiting.items.map((i) => String(i.caseId))).to.deep.equal([second]);
      expect(plansWaiting.items[0]).to.include({ kind: 'plan_approval', labelKey: 'care-plans:work.planAwaiting' });
      const reviewsWaiting = await reviewsAwaitingApproval(sup, 'supervisor', until, 10);
      expect(reviewsWaiting.items.map((i) => i.href)).to.deep.equal([`/cases/${third}/reviews/${reviewId}`]);
      // The caseworker decides nothing, and a supervisor never sees their own submissions.
      expect((await plansAwaitingApproval(startContext(w()), 'caseworker', until, 10)).total).to.equal(0);
      const both = await buildUser({ roles: ['caseworker', 'supervisor'], organisationId: org, team: 'north' });
      const ownCase = await buildCase(both, {}, { team: 'north' });
      await submittedPlan(callerOf(both, 'north'), ownCase);
      const ownView = await plansAwaitingApproval(startContext(callerOf(both, 'north')), 'supervisor', until, 10);
      expect(ownView.items.map((i) => String(i.caseId))).to.not.include(ownCase);
      expect((await plansAwaitingApproval(startContext(s()), 'supervisor', until, 10)).items.map((i) => String(i.caseId))).to.include(ownCase);
      // Interventions due within 30 days of plans in force: the responsible caseworker's, and all for the supervisor.
      const mine = await interventionsDue(startContext(w()), 'caseworker', until, 10);
      expect(mine.items.map((i) => String(i.caseId)).sort()).to.deep.equal([id, third].sort());
      expect(mine.items[0]).to.include({ kind: 'intervention', labelKey: 'care-plans:work.intervention.counselling' });
      expect((await interventionsDue(startContext(callerOf(colleague, 'north')), 'caseworker', until, 10)).total).to.equal(0);
      expect((await interventionsDue(sup, 'supervisor', until, 1)).total).to.equal(2);
      expect((await interventionsDue(sup, 'supervisor', new Date(clock.ms() + 5 * DAY), 10)).total).to.equal(0);
      // Once due, the returned review links to its correction.
      advance(88 * DAY);
      const later = await dueForWorker();
      expect(later.items.find((i) => String(i.caseId) === id)).to.include({ labelKey: 'care-plans:work.reviewReturned', href: `/cases/${id}/reviews/${returned.reviewId}/edit` });
      expect(later.items.map((i) => String(i.caseId))).to.not.include(third);
    });
  });
});
