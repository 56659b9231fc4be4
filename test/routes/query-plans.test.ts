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
import { AttachmentModel } from '../../src/models/attachment.js';
import { OrganisationModel } from '../../src/models/organisation.js';
import { ReferralModel } from '../../src/models/referral.js';
import { ensureIndexes } from '../../src/services/database.js';
import { seedDemoCases } from '../../src/services/demo/cases.js';
import { seedDemo } from '../../src/services/demo/seed.js';
import { seedDemoClosures } from '../../src/services/demo/closures.js';
import { seedDemoReferrals } from '../../src/services/demo/referrals.js';
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
const GROWING = /^(cases|case_notes|case_tasks|case_changes|attachments|audit_entries|sessions|assessments|legal_cases|legal_hearings|closure_proposals|follow_ups|care_plans|care_plan_reviews|referrals|referral_messages|referral_files|notifications|case_facts|report_cells)$|\.(files|chunks)$/;
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

/**
 * The driver's own probe, once per bucket and process, of whether a GridFS bucket is empty before its
 * first upload (it would then make the indexes services/database.ts has made already): `find {}` of one
 * `_id`, limit 1. It reads one document whatever the collection's size, and no page asks for it.
 */
function isBucketProbe(s: Sent): boolean {
  const c = s.command;
  return /\.files$/.test(s.collection) && c.find === s.collection && JSON.stringify(c.filter) === '{}' && JSON.stringify(c.projection) === '{"_id":1}' && Number(c.limit) === 1 && Object.keys(c).every((k) => ['find', 'filter', 'projection', 'limit', 'singleBatch'].includes(k));
}

/** The names of the indexes a plan reads. */
function indexesOf(plan: unknown): string[] {
  if (!plan || typeof plan !== 'object') return [];
  const node = plan as { indexName?: unknown; inputStage?: unknown; inputStages?: unknown[] };
  return [...(typeof node.indexName === 'string' ? [node.indexName] : []), ...indexesOf(node.inputStage), ...(node.inputStages ?? []).flatMap(indexesOf)];
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
    // seedDemoCases seeds the referrals after its closures; called again it adds nothing (one claim per NGO).
    await seedDemoReferrals();
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

  /** Each recorded read or write of a growing collection whose plan scans it, by page and filter shape (no values). */
  async function scansOf(commands: readonly Sent[]): Promise<string[]> {
    const scans: string[] = [];
    const db = mongoose.connection.db!;
    for (const s of commands.filter((x) => GROWING.test(x.collection) && !isBucketProbe(x))) {
      const plan = await db.command({ explain: s.command, verbosity: 'queryPlanner' });
      if (JSON.stringify(plan).includes('"COLLSCAN"')) {
        const { [Object.keys(s.command)[0]!]: _name, ...rest } = s.command;
        scans.push(`${s.page}: ${Object.keys(s.command)[0]} ${s.collection} ${JSON.stringify(shape(rest))}`);
      }
    }
    return [...new Set(scans)];
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
    // The team's outcome report: one aggregation whose `$match` leads with the organisation and the team.
    await visit(supervisor, '/reports');
    await visit(supervisor, '/reports?from=2024-01-01&to=2026-12-31&exploitationType=livestream_abuse');
    await visit(supervisor, '/reports/export.csv');

    page = 'sign-in';
    const manager = await signIn(app, await demoUser('manager.ph@demo.haven.example'));
    await visit(manager, '/');
    await visit(manager, '/cases');
    await visit(manager, '/cases?risk=critical');
    await visit(manager, `/cases?q=${encodeURIComponent(mine.caseNumber)}`);
    await visit(manager, `/cases?q=${encodeURIComponent(mine.caseNumber.slice(-5))}`);
    // The organisation's outcome report, filtered and not, its period summary and a download.
    await visit(manager, '/reports');
    await visit(manager, '/reports?from=2025-01-01&to=2025-12-31&country=PH');
    await visit(manager, '/reports?team=team-a&exploitationType=trafficking_sexual');
    await visit(manager, '/reports/period?kind=year&year=2026');
    await visit(manager, '/reports/export.pdf');

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
    expect(await scansOf(sent)).to.deep.equal([]);
    const checked = new Set(sent.filter((x) => GROWING.test(x.collection)).map((x) => x.collection));
    expect([...checked]).to.include.members(['cases', 'case_notes', 'case_tasks', 'case_changes', 'attachments', 'audit_entries', 'sessions', 'assessments', 'legal_cases', 'legal_hearings', 'closure_proposals', 'follow_ups', 'care_plans', 'care_plan_reviews', 'report_cells']);
  });

  it('as the demo caseworker and a demo partner (Thai), on every referral page and post, the notifications and My work', async () => {
    sent.length = 0;
    const app = await testApp();
    setReminderWait(60_000);
    const me = await demoUser('caseworker.ph@demo.haven.example');
    const reader = await demoUser('partner.th@demo.haven.example');
    // The ids the pages are visited with are looked up unwatched: the test's own queries are not pages'.
    const sender = new mongoose.Types.ObjectId(me.organisationId);
    const shelter = (await OrganisationModel.findOne({ code: 'TH-DEMO-BAANDEK' }).lean())!;
    const demoReferrals = await ReferralModel.find({ fromOrganisationId: sender, demo: true }).sort({ _id: 1 }).lean();
    expect(demoReferrals.map((r) => r.status), 'the seeded demo holds the referrals').to.include.members(['draft', 'sent', 'acknowledged', 'accepted', 'completed', 'revoked']);
    const toRevoke = demoReferrals.find((r) => r.status === 'sent' && !r.offline && String(r.toOrganisationId) !== String(shelter._id))!;
    const offline = demoReferrals.find((r) => r.status === 'sent' && r.offline)!;
    expect(toRevoke, 'an online referral waiting for its answer').to.be.an('object');
    expect(offline, 'an offline referral waiting for its answer').to.be.an('object');
    const referred = new Set(demoReferrals.map((r) => String(r.caseId)));
    const open = await CaseModel.find({ caseworkerIds: me.id, status: mongoose.trusted({ $in: ['open', 'active'] }) }).select({ _id: 1 }).lean();
    const withFile = (await AttachmentModel.find({ caseId: mongoose.trusted({ $in: open.map((c) => c._id) }), complete: true }).sort({ _id: 1 }).lean()).find((a) => !referred.has(String(a.caseId)));
    expect(withFile, 'a case of the caseworker with an attachment to share').to.be.an('object');
    const caseId = String(withFile!.caseId);
    listening = true;

    page = 'sign-in';
    const caseworker = await signIn(app, me);
    const token = csrfFrom(await visit(caseworker, `/cases/${demoReferrals[0]!.caseId}?open=referrals`));
    async function post(agent: Agent, name: string, path: string, body: Record<string, unknown>, csrf = token): Promise<string> {
      page = name;
      const res = await agent.post(path).type('form').send({ _csrf: csrf, ...body });
      expect(res.status, `${name}: ${res.text.slice(0, 500)}`).to.equal(303);
      return String(res.headers.location);
    }
    // The consent the referral relies on (SECURITY.md C4), then the draft, its edit and preview, and sending it.
    await post(caseworker, 'POST consent (referral)', `/cases/${caseId}/consents`, { purpose: 'referral', organisationId: String(shelter._id), givenBy: 'guardian', date: clock.now().toISOString().slice(0, 10), formVersion: 'Demo v1' });
    await visit(caseworker, `/cases/${caseId}?open=referrals`);
    await visit(caseworker, `/cases/${caseId}/referrals/new`);
    await visit(caseworker, `/cases/${caseId}/referrals/new?service=shelter`);
    await visit(caseworker, `/cases/${caseId}/referrals/new?service=shelter&country=TH`);
    await visit(caseworker, `/cases/${caseId}/referrals/new?service=&country=TH`);
    const due = new Date(clock.ms() + 14 * 86_400_000).toISOString().slice(0, 10);
    const draft = { toOrganisationId: String(shelter._id), service: 'shelter', urgency: 'within_2_weeks', reasons: ['safe_placement'], dueDate: due, note: 'A fictional request.', language: 'en', sections: ['identification', 'family'], noteIds: [], attachmentIds: [String(withFile!._id)] };
    const created = await post(caseworker, 'POST referral draft', `/cases/${caseId}/referrals`, draft);
    const id = /^\/referrals\/([0-9a-f]{24})\/preview/.exec(created)?.[1];
    expect(id, created).to.be.a('string');
    const referral = `/referrals/${id}`;
    await visit(caseworker, `${referral}/edit`);
    await visit(caseworker, `${referral}/edit?service=shelter&country=TH`);
    await post(caseworker, 'POST referral edit', referral, { ...draft, urgency: 'within_72_hours', version: '0' });
    await visit(caseworker, `${referral}/preview`);
    await visit(caseworker, referral);
    await post(caseworker, 'POST referral send', `${referral}/send`, {});
    await visit(caseworker, referral);
    await post(caseworker, 'POST referral message', `${referral}/messages`, { text: 'A fictional message.', language: 'en' });
    await post(caseworker, 'POST referral translation', `${referral}/translations`, { field: 'note', language: 'fil', text: 'Isang kathang-isip na kahilingan.' });
    page = `GET ${referral}/form.pdf`;
    expect((await caseworker.get(`${referral}/form.pdf`)).status, page).to.equal(200);
    expect((await caseworker.get(`${referral}/form.pdf?lng=en`)).status, page).to.equal(200);
    await post(caseworker, 'POST referral snapshot', `${referral}/snapshot`, {});
    await visit(caseworker, `/referrals/${toRevoke._id}`);
    await post(caseworker, 'POST referral revoke', `/referrals/${toRevoke._id}/revoke`, { note: 'A fictional reason.', language: 'en' });
    // The partner without accounts: how the form went, and the answer that came back.
    await visit(caseworker, `/referrals/${offline._id}`);
    page = `GET /referrals/${offline._id}/form.pdf`;
    expect((await caseworker.get(`/referrals/${offline._id}/form.pdf`)).status, page).to.equal(200);
    await post(caseworker, 'POST referral delivery', `/referrals/${offline._id}/delivery`, { method: 'hand', date: clock.now().toISOString().slice(0, 10) });
    await post(caseworker, 'POST referral answer', `/referrals/${offline._id}/answer`, { move: 'acknowledge', date: clock.now().toISOString().slice(0, 10), reason: '', note: '', language: 'en' });
    // Notifications of the partners' answers, and My work's referral blocks.
    const inbox = await visit(caseworker, '/notifications');
    const unread = /action="\/notifications\/([0-9a-f]{24})\/read"/.exec(inbox)?.[1];
    expect(unread, 'the caseworker has a notification to mark read').to.be.a('string');
    await visit(caseworker, '/notifications?page=2');
    await post(caseworker, 'POST notification read', `/notifications/${unread}/read`, {});
    await post(caseworker, 'POST notifications read-all', '/notifications/read-all', {});
    await visit(caseworker, '/');
    for (const kind of ['referrals-waiting', 'referral-messages']) await visit(caseworker, `/work?kind=${kind}`);
    await post(caseworker, 'POST logout', '/logout', {});

    // The partner, in Thai: the start page, the inbox by each filter and page, the referral just sent,
    // acknowledging and accepting it, writing, translating, its shared file and its form.
    page = 'sign-in';
    const partner = await signIn(app, reader);
    await visit(partner, '/');
    const list = await visit(partner, '/partner/referrals');
    for (const filter of ['new', 'open', 'overdue']) await visit(partner, `/partner/referrals?filter=${filter}`);
    const rows = [...list.matchAll(/href="\/partner\/referrals\/([0-9a-f]{24})"/g)].map((m) => m[1]!);
    expect(rows.length, 'the Thai partner’s inbox lists referrals').to.be.greaterThan(1);
    // A next page and a previous one, as their links carry the cursor.
    for (const filter of ['new', 'open', 'overdue']) {
      await visit(partner, `/partner/referrals?filter=${filter}&after=${rows[0]}`);
      await visit(partner, `/partner/referrals?filter=${filter}&before=${rows.at(-1)}`);
    }
    const shown = `/partner/referrals/${id}`;
    const partnerToken = csrfFrom(await visit(partner, shown));
    await post(partner, 'POST partner move acknowledge', `${shown}/move`, { move: 'acknowledge', status: 'sent' }, partnerToken);
    await visit(partner, `${shown}?done=acknowledge`);
    await post(partner, 'POST partner move accept', `${shown}/move`, { move: 'accept', status: 'acknowledged' }, partnerToken);
    await post(partner, 'POST partner message', `${shown}/messages`, { text: 'ข้อความสมมุติ', language: 'th' }, partnerToken);
    await post(partner, 'POST partner translation', `${shown}/translations`, { field: 'note', language: 'th', text: 'คำขอสมมุติ' }, partnerToken);
    const accepted = await visit(partner, shown);
    const fileUrl = /href="(\/partner\/referrals\/[0-9a-f]{24}\/files\/[^"]+)"/.exec(accepted)?.[1];
    expect(fileUrl, 'the partner’s page links the shared file').to.be.a('string');
    page = `GET ${shown}/files/:fileId`;
    expect((await partner.get(fileUrl!)).status, page).to.equal(200);
    page = `GET ${shown}/form.pdf`;
    expect((await partner.get(`${shown}/form.pdf`)).status, page).to.equal(200);
    const partnerNotes = await visit(partner, '/notifications');
    const partnerUnread = /action="\/notifications\/([0-9a-f]{24})\/read"/.exec(partnerNotes)?.[1];
    if (partnerUnread) await post(partner, 'POST partner notification read', `/notifications/${partnerUnread}/read`, {}, partnerToken);
    await post(partner, 'POST partner notifications read-all', '/notifications/read-all', {}, partnerToken);
    await visit(partner, '/');
    listening = false;
    setReminderWait(250);

    expect(await scansOf(sent)).to.deep.equal([]);
    const checked = new Set(sent.filter((x) => GROWING.test(x.collection)).map((x) => x.collection));
    expect([...checked]).to.include.members(['referrals', 'referral_messages', 'referral_files', 'notifications', 'referral_content.files', 'referral_content.chunks']);
    // Past a cursor, an inbox page reads the organisation's rows of each state, never every referral older than the cursor.
    const paged = sent.filter((s) => {
      const filter = s.command.filter as Record<string, unknown> | undefined;
      return s.collection === 'referrals' && s.command.find && filter?.toOrganisationId && filter._id && typeof filter._id === 'object' && ('$lt' in filter._id || '$gt' in filter._id);
    });
    expect(paged.length, 'the inbox was paged').to.be.greaterThan(3);
    for (const s of paged) {
      const plan = (await mongoose.connection.db!.command({ explain: s.command, verbosity: 'queryPlanner' })) as { queryPlanner: { winningPlan: unknown } };
      expect(indexesOf(plan.queryPlanner.winningPlan), s.page).to.include('toOrganisationId_1_status_1__id_-1').and.not.include('_id_');
    }
  });

  it('the checker itself finds a collection scan', async () => {
    const plan = await mongoose.connection.db!.command({ explain: { find: 'cases', filter: { 'child.sex': 'female' } }, verbosity: 'queryPlanner' });
    expect(JSON.stringify(plan)).to.include('"COLLSCAN"');
    // Only the driver's bounded probe of a bucket is let through, not a read of a bucket's files.
    const probe = { find: 'referral_content.files', filter: {}, projection: { _id: 1 }, limit: 1, singleBatch: true };
    expect(isBucketProbe({ page: 'probe', collection: 'referral_content.files', command: probe })).to.equal(true);
    expect(isBucketProbe({ page: 'read', collection: 'referral_content.files', command: { ...probe, limit: 100 } })).to.equal(false);
    expect(isBucketProbe({ page: 'read', collection: 'referral_content.files', command: { ...probe, filter: { filename: 'x' } } })).to.equal(false);
    expect(isBucketProbe({ page: 'read', collection: 'referrals', command: { ...probe, find: 'referrals' } })).to.equal(false);
  });
});
