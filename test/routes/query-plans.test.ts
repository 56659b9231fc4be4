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
import { clock } from '../../src/lib/clock.js';
import { decrypt } from '../../src/lib/crypto.js';
import { CaseModel } from '../../src/models/case.js';
import { CaseTaskModel } from '../../src/models/case-task.js';
import { UserModel } from '../../src/models/user.js';
import { ensureIndexes } from '../../src/services/database.js';
import { seedDemoCases } from '../../src/services/demo/cases.js';
import { seedDemo } from '../../src/services/demo/seed.js';
import { seedDemoClosures } from '../../src/services/demo/closures.js';
import { ClosureProposalModel } from '../../src/models/closure-proposal.js';
import { FollowUpModel } from '../../src/models/follow-up.js';
import { closuresAwaitingApproval, followUpsDue } from '../../src/services/cases/closure-work.js';
import { LegalCaseModel } from '../../src/models/legal-case.js';
import { LegalHearingModel } from '../../src/models/legal-hearing.js';
import { startContext } from '../../src/services/home/start-page.js';
import { hearingsDue } from '../../src/services/legal/work.js';
import { CarePlanModel } from '../../src/models/care-plan.js';
import { ReviewModel } from '../../src/models/review.js';
import { interventionsDue, plansAwaitingApproval, reviewsAwaitingApproval, reviewsDue } from '../../src/services/care/work.js';
import { DEMO_PASSWORD } from '../../src/services/demo/users.js';
import { setReminderWait } from '../../src/services/home/reminders.js';
import { testApp } from '../helpers/app.js';
import { testEngine } from '../helpers/engine.js';
import { csrfFrom, signIn, type Agent } from '../helpers/session.js';
import type { TestUser } from '../helpers/factories.js';

/** Collections whose size grows with the number of cases (or of requests): a scan of these fails. */
const GROWING = /^(cases|case_notes|case_tasks|case_changes|attachments|audit_entries|sessions|assessments|legal_cases|legal_hearings|closure_proposals|follow_ups|care_plans|care_plan_reviews|referrals|referral_messages|referral_files|notifications)$|\.(files|chunks)$/;
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
    await seedDemoClosures();
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
    // The header's reminder counts are awaited, so that their queries are seen with the page that made them.
    setReminderWait(60_000);
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
    for (const form of ['edit', 'family/new', 'assessments/new', 'consents/new', 'notes/new']) await visit(caseworker, `/cases/${caseId}/${form}`);
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
    // My work: who a task is for, and the full list of one kind of work.
    await visit(caseworker, `/cases/${caseId}/tasks/${task._id}/assign`);
    page = 'POST task assign';
    expect((await caseworker.post(`/cases/${caseId}/tasks/${task._id}/assign`).type('form').send({ _csrf: token, assigneeId: worker })).status).to.equal(303);
    await visit(caseworker, '/work?kind=tasks');
    page = 'POST consent';
    expect((await caseworker.post(`/cases/${caseId}/consents`).type('form').send({ _csrf: token, purpose: 'services', organisationId: '', givenBy: 'guardian', date: '2026-11-01', formVersion: 'Demo v1' })).status).to.equal(303);
    const consent = (await CaseModel.findById(caseId).lean())!.consents.at(-1)!;
    await visit(caseworker, `/cases/${caseId}/consents/${consent._id}/withdraw`);
    page = 'POST consent withdraw';
    expect((await caseworker.post(`/cases/${caseId}/consents/${consent._id}/withdraw`).type('form').send({ _csrf: token, date: '2026-11-20', reason: 'A fictional reason.' })).status).to.equal(303);
    page = 'POST assessment';
    const recorded = await caseworker.post(`/cases/${caseId}/assessments`).type('form').send({ _csrf: token, type: 'wellbeing', date: '2026-11-25', language: 'en', score_safety: '4', score_family: '3', note_family: 'A fictional note.', overall: '' });
    expect(recorded.status, page).to.equal(303);
    await visit(caseworker, `/cases/${caseId}`);
    const assessmentPath = /href="(\/cases\/[0-9a-f]{24}\/assessments\/[0-9a-f]{24})"/.exec(await visit(caseworker, `/cases/${caseId}?open=assessments`))?.[1];
    expect(assessmentPath, 'the case page links to the assessment').to.be.a('string');
    await visit(caseworker, assessmentPath!);
    // Legal cases: the case page's section, a legal case's page and forms, each change, and My work's hearings.
    const legal = (await LegalCaseModel.findOne({ organisationId: mine.organisationId, status: 'trial' }).sort({ _id: 1 }).lean())!;
    const legalCase = `/cases/${legal.caseId}/legal/${legal._id}`;
    await visit(caseworker, `/cases/${legal.caseId}?open=legal`);
    for (const form of ['', '/edit', '/status', '/hearings/new', '/support/new']) await visit(caseworker, `${legalCase}${form}`);
    await visit(caseworker, `/cases/${legal.caseId}/legal/new`);
    const legalHearing = (await LegalHearingModel.findOne({ legalCaseId: legal._id }).sort({ date: 1 }).lean())!;
    await visit(caseworker, `${legalCase}/hearings/${legalHearing._id}/outcome`);
    // Relative to the clock: the demo's stages are dated from it, and a stage may not be dated before the last.
    const dayFrom = (days: number) => new Date(clock.now().getTime() + days * 86_400_000).toISOString().slice(0, 10);
    const legalPosts: [string, string, Record<string, unknown>][] = [
      ['POST legal case', `/cases/${legal.caseId}/legal`, { status: 'investigation', complaintDate: '2026-10-01', authority: 'police', authorityName: '', reference: '', charges: 'child_abuse', offenderName: 'Offender Golf Test', offenderRelationship: 'stranger' }],
      ['POST legal edit', legalCase, { complaintDate: legal.complaintDate.toISOString().slice(0, 10), authority: 'court', authorityName: '', reference: '', charges: 'child_abuse', version: String(legal.__v ?? 0) }],
      ['POST legal hearing', `${legalCase}/hearings`, { date: dayFrom(20), kind: 'trial', note: 'A fictional note.', language: 'en' }],
      ['POST legal outcome', `${legalCase}/hearings/${legalHearing._id}/outcome`, { outcome: 'held', note: '', language: 'en' }],
      ['POST legal support', `${legalCase}/support`, { kinds: 'accompaniment', date: dayFrom(0), note: '', language: 'en' }],
      ['POST legal status', `${legalCase}/status`, { to: 'verdict', verdict: 'convicted', date: dayFrom(0), version: String((legal.__v ?? 0) + 1) }],
    ];
    for (const [name, path, body] of legalPosts) {
      page = name;
      const res = await caseworker.post(path).type('form').send({ _csrf: token, ...body });
      expect(res.status, `${name}: ${res.text.slice(0, 500)}`).to.equal(303);
    }
    page = 'My work: hearings due';
    const hearingsCaller = { userId: me.id, organisationId: me.organisationId, roles: me.roles, team: (await UserModel.findById(me.id).lean())!.team ?? undefined };
    for (const role of ['caseworker', 'supervisor'] as const) expect((await hearingsDue(startContext(hearingsCaller), role, new Date('2100-01-01'), 6)).total).to.be.a('number');
    // Closure: a proposal on a case with none, a closed case's follow-up visits (the demo's), recording one.
    // The test's own look-ups for ids are not pages' queries: the monitor looks away meanwhile.
    listening = false;
    const proposed = new Set((await ClosureProposalModel.distinct('caseId', { organisationId: mine.organisationId })).map(String));
    const closable = (await CaseModel.find({ caseworkerIds: me.id, status: 'open' }).sort({ _id: 1 }).lean()).find((c) => !proposed.has(String(c._id)))!;
    const visitDue = (await FollowUpModel.findOne({ organisationId: mine.organisationId, status: 'scheduled' }).sort({ dueDate: 1 }).lean())!;
    listening = true;
    await visit(caseworker, `/cases/${closable._id}/closure`);
    page = 'POST closure propose';
    expect((await caseworker.post(`/cases/${closable._id}/closure`).type('form').send({ _csrf: token, reason: 'duplicate', date: '2026-11-30', note: 'A fictional note.', language: 'en' })).status, page).to.equal(303);
    await visit(caseworker, `/cases/${visitDue.caseId}`);
    await visit(caseworker, `/cases/${visitDue.caseId}/closure`);
    await visit(caseworker, `/cases/${visitDue.caseId}/follow-ups/${visitDue._id}`);
    page = 'POST follow-up record';
    const visitBody = { _csrf: token, visitDate: clock.now().toISOString().slice(0, 10), safe: 'yes', livingAsPlanned: 'yes', inSchoolOrWork: 'yes', note: 'A fictional visit.', language: 'en' };
    expect((await caseworker.post(`/cases/${visitDue.caseId}/follow-ups/${visitDue._id}`).type('form').send(visitBody)).status, page).to.equal(303);
    page = 'My work: closure and follow-ups';
    for (const role of ['caseworker', 'supervisor'] as const) {
      for (const source of [followUpsDue, closuresAwaitingApproval]) expect((await source(startContext(hearingsCaller), role, new Date('2100-01-01'), 6)).total).to.be.a('number');
    }
    // Care plans: the case page's section, the plan in force and its progress forms, a draft's forms and
    // its submission, a new version, reviews, and My work's sources. The ids are looked up unwatched.
    listening = false;
    const waitingReviews = new Set((await ReviewModel.distinct('caseId', { organisationId: mine.organisationId, status: mongoose.trusted({ $in: ['submitted', 'returned'] }) })).map(String));
    // The closure demo closes some cases, whose plans are read-only: these are taken from cases still open.
    const closed = new Set((await CaseModel.distinct('_id', { organisationId: mine.organisationId, status: 'closed' })).map(String));
    const workable = (p: { caseId: unknown }) => !closed.has(String(p.caseId));
    const inForce = (await CarePlanModel.find({ organisationId: mine.organisationId, status: 'approved' }).sort({ _id: 1 }).lean()).find((p) => workable(p) && !waitingReviews.has(String(p.caseId)))!;
    const draft = (await CarePlanModel.find({ organisationId: mine.organisationId, status: 'draft' }).sort({ _id: 1 }).lean()).find(workable)!;
    const planless = (await CaseModel.find({ caseworkerIds: me.id, status: mongoose.trusted({ $in: ['open', 'active'] }) }).sort({ _id: -1 }).limit(50).lean()).find((c) => String(c._id) !== String(draft.caseId));
    const startHere = planless && !(await CarePlanModel.exists({ caseId: planless._id })) ? String(planless._id) : undefined;
    listening = true;
    const planPath = `/cases/${inForce.caseId}/care-plans/${inForce._id}`;
    const goal = inForce.goals[0]!;
    await visit(caseworker, `/cases/${inForce.caseId}`);
    await visit(caseworker, planPath);
    await visit(caseworker, `${planPath}/goals/${goal._id}/progress`);
    const carePosts: [string, string, Record<string, unknown>][] = [
      ['POST plan progress', `${planPath}/goals/${goal._id}/progress`, { status: 'in_progress', date: clock.now().toISOString().slice(0, 10), language: 'en', text: 'A fictional progress note.' }],
      ['POST intervention status', `${planPath}/goals/${goal._id}/interventions/${goal.interventions[0]!._id}/status`, { status: 'in_progress' }],
    ];
    await visit(caseworker, `/cases/${inForce.caseId}/reviews/new`);
    const reviewBody: Record<string, unknown> = { date: clock.now().toISOString().slice(0, 10), decision: 'continue', language: 'en', summary: 'A fictional review.' };
    for (const g of inForce.goals) reviewBody[`status_${g._id}`] = 'in_progress';
    carePosts.push(['POST review', `/cases/${inForce.caseId}/reviews`, reviewBody]);
    const draftPath = `/cases/${draft.caseId}/care-plans/${draft._id}`;
    const draftGoal = draft.goals[0]!;
    for (const form of ['', '/goals/new', `/goals/${draftGoal._id}`, `/goals/${draftGoal._id}/interventions/new`, `/goals/${draftGoal._id}/interventions/${draftGoal.interventions[0]!._id}`]) await visit(caseworker, `${draftPath}${form}`);
    carePosts.push(['POST plan goal', `${draftPath}/goals`, { domain: 'education', text: 'A fictional goal.', language: 'en', targetDate: new Date(clock.ms() + 90 * 86_400_000).toISOString().slice(0, 10), status: 'not_started', rev: String(draft.__v ?? 0) }]);
    for (const [name, path, body] of carePosts) {
      page = name;
      const res = await caseworker.post(path).type('form').send({ _csrf: token, ...body });
      expect(res.status, `${name}: ${res.text.slice(0, 500)}`).to.equal(303);
    }
    listening = false;
    const withGoal = (await CarePlanModel.findById(draft._id).lean())!;
    // The review just recorded waits for the supervisor.
    const waitingReview = (await ReviewModel.findOne({ caseId: inForce.caseId, status: 'submitted' }).lean())!;
    listening = true;
    page = 'POST plan intervention';
    const added = withGoal.goals.at(-1)!;
    expect((await caseworker.post(`${draftPath}/goals/${added._id}/interventions`).type('form').send({ _csrf: token, service: 'education', responsible: `user:${me.id}`, dueDate: new Date(clock.ms() + 45 * 86_400_000).toISOString().slice(0, 10), status: 'planned', rev: String(withGoal.__v ?? 0) })).status, page).to.equal(303);
    page = 'POST plan submit';
    expect((await caseworker.post(`${draftPath}/submit`).type('form').send({ _csrf: token })).status, page).to.equal(303);
    await visit(caseworker, `/cases/${waitingReview.caseId}/reviews/${waitingReview._id}`);
    if (startHere) {
      await visit(caseworker, `/cases/${startHere}/care-plans/new`);
      page = 'POST plan start';
      expect((await caseworker.post(`/cases/${startHere}/care-plans`).type('form').send({ _csrf: token })).status, page).to.equal(303);
    }
    page = 'My work: care plans';
    for (const role of ['caseworker', 'supervisor'] as const) {
      for (const source of [reviewsDue, interventionsDue, plansAwaitingApproval, reviewsAwaitingApproval]) expect((await source(startContext(hearingsCaller), role, new Date('2100-01-01'), 6)).total).to.be.a('number');
    }
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
    await visit(supervisor, `/cases/${caseId}/closure`);
    // Deciding: approving the caseworker's proposal, returning the demo's waiting one, reopening.
    const supervisorToken = csrfFrom(await visit(supervisor, `/cases/${closable._id}/closure`));
    listening = false;
    const decisions = await ClosureProposalModel.find({ organisationId: mine.organisationId, status: 'proposed' }).sort({ proposedAt: 1 }).lean();
    listening = true;
    for (const p of decisions) {
      const returning = String(p.caseId) !== String(closable._id);
      page = returning ? 'POST closure return' : 'POST closure approve';
      const body = returning ? { _csrf: supervisorToken, proposal: String(p._id), comment: 'A fictional comment.', language: 'en' } : { _csrf: supervisorToken, proposal: String(p._id) };
      expect((await supervisor.post(`/cases/${p.caseId}/closure/${returning ? 'return' : 'approve'}`).type('form').send(body)).status, page).to.equal(303);
    }
    await visit(supervisor, `/cases/${closable._id}`);
    page = 'POST closure reopen';
    const closedNow = (await CaseModel.findById(closable._id).lean())!;
    expect((await supervisor.post(`/cases/${closable._id}/closure/reopen`).type('form').send({ _csrf: supervisorToken, reopenReason: 'closed_in_error', reopenDate: clock.now().toISOString().slice(0, 10), version: String(closedNow.__v) })).status, page).to.equal(303);
    page = 'My work (supervisor): closure and follow-ups';
    const boss = await demoUser('supervisor.ph@demo.haven.example');
    const bossCaller = { userId: boss.id, organisationId: boss.organisationId, roles: boss.roles, team: (await UserModel.findById(boss.id).lean())!.team ?? undefined };
    for (const source of [followUpsDue, closuresAwaitingApproval]) expect((await source(startContext(bossCaller), 'supervisor', new Date('2100-01-01'), 6)).total).to.be.a('number');
    // Care plans: approving the version the caseworker submitted above, returning the waiting review.
    await visit(supervisor, draftPath);
    page = 'POST plan approve';
    expect((await supervisor.post(`${draftPath}/approve`).type('form').send({ _csrf: supervisorToken })).status, page).to.equal(303);
    await visit(supervisor, `/cases/${waitingReview.caseId}/reviews/${waitingReview._id}`);
    page = 'POST review return';
    expect((await supervisor.post(`/cases/${waitingReview.caseId}/reviews/${waitingReview._id}/return`).type('form').send({ _csrf: supervisorToken, comment: 'A fictional comment.' })).status, page).to.equal(303);
    page = 'My work (supervisor): care plans';
    for (const source of [reviewsDue, interventionsDue, plansAwaitingApproval, reviewsAwaitingApproval]) expect((await source(startContext(bossCaller), 'supervisor', new Date('2100-01-01'), 6)).total).to.be.a('number');
    await visit(supervisor, `/cases/${caseId}/assign`);
    await visit(supervisor, '/work?kind=tasks&as=supervisor');

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
    setReminderWait(250);

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
    expect([...checked]).to.include.members(['cases', 'case_notes', 'case_tasks', 'case_changes', 'attachments', 'audit_entries', 'sessions', 'assessments', 'legal_cases', 'legal_hearings', 'closure_proposals', 'follow_ups', 'care_plans', 'care_plan_reviews']);
  });

  it('the checker itself finds a collection scan', async () => {
    const plan = await mongoose.connection.db!.command({ explain: { find: 'cases', filter: { 'child.sex': 'female' } }, verbosity: 'queryPlanner' });
    expect(JSON.stringify(plan)).to.include('"COLLSCAN"');
  });
});
