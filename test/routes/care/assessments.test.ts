/**
 * Assessments of a case: the form with every domain's scores and what each means, recording one (sealed,
 * audited, facts rewritten), reading one, the case page's list and chart, the family section's latest
 * family score; refusals that change nothing; scope (404) and roles (403); and the scores a care plan
 * is drafted from.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import fc from 'fast-check';
import mongoose, { Types } from 'mongoose';
import type request from 'supertest';
import { ASSESSMENT_TYPES, CARE_DOMAINS, isAssessmentType, isCareDomain, isScore } from '../../../src/domain/assessments.js';
import { Forbidden, Invalid, NotFound } from '../../../src/domain/errors.js';
import type { Caller } from '../../../src/domain/permissions.js';
import { AssessmentModel } from '../../../src/models/assessment.js';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { CaseFactModel } from '../../../src/models/case-fact.js';
import { assessmentForPlan, getAssessment, recordAssessment } from '../../../src/services/care/assessments.js';
import { unseal } from '../../../src/services/cases/records.js';
import { computeCaseFacts } from '../../../src/services/facts/facts.js';
import { testApp } from '../../helpers/app.js';
import { buildCase, callerOf } from '../../helpers/cases.js';
import { now } from '../../helpers/clock.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { plant } from '../../helpers/secrets.js';
import { signIn, tokenOf, type Agent } from '../../helpers/session.js';

/** A form body as the browser sends it: every domain's radio group, "not assessed" unless given. */
function body(fields: Record<string, string>): Record<string, string> {
  const empty = Object.fromEntries(CARE_DOMAINS.flatMap((d) => [[`score_${d}`, ''], [`note_${d}`, '']]));
  return { type: 'wellbeing', date: '2026-06-01', language: 'en', overall: '', ...empty, ...fields };
}

/** The stored facts without the bookkeeping fields, as computeCaseFacts returns them. */
async function storedFacts(caseId: string) {
  const doc = await CaseFactModel.findOne({ caseId }).lean();
  const { _id: _i, __v: _v, createdAt: _c, updatedAt: _u, ...fields } = doc as Record<string, unknown>;
  return JSON.parse(JSON.stringify(fields)) as unknown;
}

describe('assessments', () => {
  useDatabase('assessments');

  let app: Express;
  before(async () => {
    app = await testApp();
  });

  let org: string;
  let worker: TestUser;
  let otherWorker: TestUser;
  let agent: Agent;
  let token: string;
  let caseId: string;
  beforeEach(async () => {
    org = (await buildOrganisation({ country: 'PH' })).id;
    worker = await buildUser({ roles: ['caseworker'], organisationId: org, team: 'north' });
    otherWorker = await buildUser({ roles: ['caseworker'], organisationId: org, team: 'south' });
    agent = await signIn(app, worker);
    token = await tokenOf(agent);
    caseId = await buildCase(worker, { intakeDate: '2026-03-02' }, { team: 'north' });
  });

  function post(path: string, fields: Record<string, string>, as: Agent = agent, csrf: string = token): Promise<request.Response> {
    return as.post(path).type('form').send({ _csrf: csrf, ...fields });
  }

  async function snapshot() {
    const [assessments, facts] = await Promise.all([AssessmentModel.find({}).sort({ _id: 1 }).lean(), CaseFactModel.find({}).sort({ _id: 1 }).lean()]);
    return JSON.stringify({ assessments, facts });
  }

  describe('GET /cases/:id/assessments/new', () => {
    it('shows every domain as radio buttons 1 to 5 with what each score means, and "not assessed" chosen', async () => {
      const res = await agent.get(`/cases/${caseId}/assessments/new`);
      expect(res.status).to.equal(200);
      for (const d of CARE_DOMAINS) {
        const group = new RegExp(`<fieldset class="score-field" id="score_${d}"[\\s\\S]*?</fieldset>`).exec(res.text)?.[0] ?? '';
        expect([...group.matchAll(/type="radio" name="score_(\w+)" value="(\d?)"/g)].map((m) => `${m[1]}:${m[2]}`), d).to.deep.equal([1, 2, 3, 4, 5, ''].map((v) => `${d}:${v}`));
        expect(group).to.match(/value="" checked/);
      }
      expect(res.text).to.include('In immediate danger').and.include('Safe and protected').and.include('Family is safe and supportive');
      // The server's messages are the only ones: no native constraint on any field.
      expect(res.text).to.not.match(/<input[^>]*\s(?:required|min|max|pattern)[=\s>]/);
    });

    it('shows the descriptors in the reader’s language', async () => {
      const thai = await buildUser({ roles: ['caseworker'], organisationId: org, team: 'north', locale: 'th' });
      const id = await buildCase(thai, {}, { team: 'north' });
      const res = await (await signIn(app, thai)).get(`/cases/${id}/assessments/new`);
      expect(res.status).to.equal(200);
      expect(res.text).to.include('ตกอยู่ในอันตรายเฉพาะหน้า').and.not.include('In immediate danger');
    });
  });

  describe('POST /cases/:id/assessments', () => {
    it('records the assessment: scores in the clear, notes sealed with their language, who and when, audited, facts rewritten', async () => {
      const note = plant('Fictional note on the family household');
      const res = await post(`/cases/${caseId}/assessments`, body({ type: 'needs', date: '2026-04-10', score_safety: '2', score_family: '4', note_family: note, overall: 'Fictional overall' }));
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`/cases/${caseId}?done=assessment#assessments`);
      const [a] = await AssessmentModel.find({ caseId }).lean();
      expect(a!.type).to.equal('needs');
      expect(a!.date.toISOString()).to.equal('2026-04-10T00:00:00.000Z');
      expect(a!.scores).to.deep.equal({ safety: 2, family: 4 });
      expect(a!.language).to.equal('en');
      expect(String(a!.recordedBy)).to.equal(worker.id);
      expect(unseal(a!.secret, {})).to.deep.equal({ overall: 'Fictional overall', domains: { family: note } });
      expect(await AuditEntryModel.countDocuments({ action: 'assessment_create', outcome: 'success', recordId: caseId, userId: worker.id })).to.equal(1);
      const facts = (await CaseFactModel.findOne({ caseId }).lean())!;
      expect(facts.wellbeing.map((w) => [w.domain, w.first, w.latest])).to.deep.equal([['safety', 2, 2], ['family', 4, 4]]);
    });

    const refusals: [string, Record<string, string>, string, string][] = [
      ['no domain scored', {}, '_form', 'Score at least one domain.'],
      ['a date in the future', { score_safety: '3', date: '2027-01-01' }, 'date', 'Enter the day of the assessment: a real date, not in the future.'],
      ['a date that does not exist', { score_safety: '3', date: '2026-02-30' }, 'date', 'Enter the day of the assessment: a real date, not in the future.'],
      ['a date before the intake', { score_safety: '3', date: '2026-03-01' }, 'date', 'The assessment cannot be dated before the intake.'],
      ['a score outside 1-5', { score_safety: '6' }, 'score_safety', 'Safety'],
      ['an unknown type', { score_safety: '3', type: 'closure' }, 'type', 'Type of assessment'],
      ['a field the form does not have', { score_safety: '3', recordedBy: new Types.ObjectId().toHexString() }, '_form', 'fields Haven does not accept'],
      ['an operator instead of a score', { score_safety: '3', 'score_health[$gt]': '' }, '_form', 'fields Haven does not accept'],
    ];
    for (const [what, fields, field, message] of refusals) {
      it(`refuses ${what} with 422, a message, what was typed, and changes nothing`, async () => {
        const note = 'Fictional note kept on the form';
        const before = await snapshot();
        const res = await post(`/cases/${caseId}/assessments`, body({ note_health: note, ...fields }));
        expect(res.status).to.equal(422);
        expect(res.text).to.include('error-summary');
        if (field !== '_form') expect(res.text).to.include(`id="${field}-error"`);
        expect(res.text.toLowerCase()).to.include(message.toLowerCase());
        expect(res.text).to.include(note);
        expect(await snapshot()).to.equal(before);
        expect(await AuditEntryModel.countDocuments({ action: 'assessment_create' })).to.equal(0);
      });
    }
  });

  describe('the case page', () => {
    it('lists the assessments newest first, charts each domain over time with a table of the same numbers, and shows the latest family score', async () => {
      const caller = callerOf(worker, 'north');
      await recordAssessment(caller, caseId, { type: 'initial_risk', date: '2026-03-02', language: 'en', scores: { safety: 1, family: 2 }, notes: {}, overall: '' });
      await recordAssessment(caller, caseId, { type: 'wellbeing', date: '2026-09-15', language: 'en', scores: { safety: 4, family: 3, education: 2 }, notes: {}, overall: '' });
      await recordAssessment(caller, caseId, { type: 'wellbeing', date: '2026-06-01', language: 'en', scores: { safety: 3 }, notes: {}, overall: '' });
      const res = await agent.get(`/cases/${caseId}?open=assessments`);
      expect(res.status).to.equal(200);
      const list = /<table class="stack-table assessment-list">[\s\S]*?<\/table>/.exec(res.text)![0];
      expect([...list.matchAll(/<time datetime="([\d-]+)">/g)].map((m) => m[1])).to.deep.equal(['2026-09-15', '2026-06-01', '2026-03-02']);
      const rows = [...list.matchAll(/<tr>\s*<td><a href[\s\S]*?<\/tr>/g)].map((m) => m[0]);
      expect(rows[0]).to.include('Wellbeing follow-up');
      expect(rows[2]).to.include('Initial risk assessment');

      const safety = /<figure class="score-chart" id="chart-safety">[\s\S]*?<\/figure>/.exec(res.text)![0];
      expect(safety).to.include('role="img"').and.include('aria-labelledby="chart-safety-title"');
      expect(/<title id="chart-safety-title">([^<]*)<\/title>/.exec(safety)![1]).to.include('1 (').and.include('3 (').and.include('4 (');
      expect([...safety.matchAll(/<circle class="score-point" cx="([\d.]+)" cy="([\d.]+)"/g)].length).to.equal(3);
      const cells = [...safety.matchAll(/<tr><td><time datetime="([\d-]+)">[^<]*<\/time><\/td><td><span class="score-value">(\d)<\/span> ([^<]*)<\/td><\/tr>/g)].map((m) => [m[1], m[2], m[3]]);
      expect(cells).to.deep.equal([
        ['2026-03-02', '1', 'In immediate danger'],
        ['2026-06-01', '3', 'Some risks remain'],
        ['2026-09-15', '4', 'Safe with support'],
      ]);
      expect(safety).to.include('from 1 to 4, better');
      // The points climb as the scores do (y grows downwards), left to right in date order.
      const points = [...safety.matchAll(/cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
      expect(points.map((p) => p[0])).to.deep.equal([...points.map((p) => p[0]!)].sort((a, b) => a - b));
      expect(points[0]![1]).to.be.greaterThan(points[1]![1]!);
      expect(points[1]![1]).to.be.greaterThan(points[2]![1]!);
      // Only the domains ever scored are charted.
      expect([...res.text.matchAll(/<figure class="score-chart" id="chart-(\w+)">/g)].map((m) => m[1])).to.deep.equal(['safety', 'education', 'family']);

      const family = /<div class="family-score">[\s\S]*?<\/div>/.exec(res.text)![0];
      expect(family).to.include('>3</strong> Family is safe only with close support').and.include('datetime="2026-09-15"');
      expect(family).to.include(`href="/cases/${caseId}/assessments/new"`);
    });

    it('dates the chart and its table in the reader’s language and calendar', async () => {
      const thai = await buildUser({ roles: ['caseworker'], organisationId: org, team: 'north', locale: 'th' });
      const id = await buildCase(thai, {}, { team: 'north' });
      await recordAssessment(callerOf(thai, 'north'), id, { type: 'needs', date: '2026-04-10', language: 'en', scores: { health: 2 }, notes: {}, overall: '' });
      const res = await (await signIn(app, thai)).get(`/cases/${id}`);
      const health = /<figure class="score-chart" id="chart-health">[\s\S]*?<\/figure>/.exec(res.text)![0];
      expect(health).to.include('2569').and.include('มีปัญหาสุขภาพร้ายแรง เริ่มการรักษาแล้ว');
    });

    it('says when nothing has been assessed yet', async () => {
      const res = await agent.get(`/cases/${caseId}`);
      expect(res.text).to.include('No assessment has been recorded yet.').and.include('The family domain has not been assessed yet.');
      expect(res.text).to.not.include('<svg class="score-svg"');
    });
  });

  describe('GET /cases/:id/assessments/:assessmentId', () => {
    it('shows the scores with their meaning and the notes in their language, and audits the view', async () => {
      const id = await recordAssessment(callerOf(worker, 'north'), caseId, { type: 'needs', date: '2026-04-10', language: 'fil', scores: { education: 5 }, notes: { education: 'Fictional note sa paaralan' }, overall: 'Fictional overall' });
      const res = await agent.get(`/cases/${caseId}/assessments/${id}`);
      expect(res.status).to.equal(200);
      expect(res.text).to.include('Needs assessment').and.include('Attends and makes good progress');
      expect(res.text).to.include('<span lang="fil">Fictional note sa paaralan</span>').and.include('<p class="text" lang="fil">Fictional overall</p>');
      expect((res.text.match(/Not assessed/g) ?? []).length).to.equal(6);
      expect(await AuditEntryModel.countDocuments({ action: 'assessment_view', recordId: caseId, userId: worker.id })).to.equal(1);
    });

    it('answers 404 for an assessment of another case, even one the caller may see, and audits it', async () => {
      const second = await buildCase(worker, {}, { team: 'north' });
      const id = await recordAssessment(callerOf(worker, 'north'), second, { type: 'needs', date: '2026-04-10', language: 'en', scores: { legal: 1 }, notes: {}, overall: '' });
      expect((await agent.get(`/cases/${caseId}/assessments/${id}`)).status).to.equal(404);
      expect((await agent.get(`/cases/${caseId}/assessments/not-an-id`)).status).to.equal(404);
      expect(await AuditEntryModel.countDocuments({ action: 'access_denied', recordId: caseId, userId: worker.id })).to.equal(1);
    });
  });

  describe('scope and roles', () => {
    it('answers 404 (audited) to a caseworker of the same organisation the case is not assigned to, and records nothing', async () => {
      const id = await recordAssessment(callerOf(worker, 'north'), caseId, { type: 'needs', date: '2026-04-10', language: 'en', scores: { legal: 1 }, notes: {}, overall: '' });
      const other = await signIn(app, otherWorker);
      const otherToken = await tokenOf(other);
      const before = await snapshot();
      expect((await other.get(`/cases/${caseId}/assessments/new`)).status).to.equal(404);
      expect((await other.get(`/cases/${caseId}/assessments/${id}`)).status).to.equal(404);
      expect((await post(`/cases/${caseId}/assessments`, body({ score_safety: '5' }), other, otherToken)).status).to.equal(404);
      expect(await snapshot()).to.equal(before);
      expect(await AuditEntryModel.countDocuments({ action: 'access_denied', outcome: 'denied', recordId: caseId, userId: otherWorker.id })).to.equal(3);
    });

    for (const role of ['manager', 'admin', 'auditor', 'partner'] as const) {
      it(`refuses a ${role} with 403 on every assessment page, and records nothing`, async () => {
        const id = await recordAssessment(callerOf(worker, 'north'), caseId, { type: 'needs', date: '2026-04-10', language: 'en', scores: { legal: 1 }, notes: {}, overall: '' });
        const user = await buildUser({ roles: [role], organisationId: org, team: 'north' });
        const them = await signIn(app, user);
        const theirToken = await tokenOf(them, '/');
        const before = await snapshot();
        expect((await them.get(`/cases/${caseId}/assessments/new`)).status).to.equal(403);
        expect((await them.get(`/cases/${caseId}/assessments/${id}`)).status).to.equal(403);
        expect((await post(`/cases/${caseId}/assessments`, body({ score_safety: '5' }), them, theirToken)).status).to.equal(403);
        expect(await snapshot()).to.equal(before);
      });
    }

    it('lets the supervisor of the team read and record', async () => {
      const supervisor = await buildUser({ roles: ['supervisor'], organisationId: org, team: 'north' });
      const them = await signIn(app, supervisor);
      expect((await post(`/cases/${caseId}/assessments`, body({ score_mental_health: '3' }), them, await tokenOf(them))).status).to.equal(303);
      const [a] = await AssessmentModel.find({ caseId }).lean();
      expect((await them.get(`/cases/${caseId}/assessments/${a!._id}`)).status).to.equal(200);
    });

    it('the old family situation form is gone', async () => {
      expect((await agent.get(`/cases/${caseId}/assessment`)).status).to.equal(404);
      expect((await post(`/cases/${caseId}/assessment`, { rating: 'safe', text: '', language: 'en', version: '0' })).status).to.equal(404);
    });
  });

  describe('assessmentForPlan()', () => {
    it('gives the scores of an assessment to a caller who may work on the case', async () => {
      const id = await recordAssessment(callerOf(worker, 'north'), caseId, { type: 'needs', date: '2026-04-10', language: 'en', scores: { safety: 2, family: 1, health: 5 }, notes: { safety: 'Fictional' }, overall: '' });
      const found = await assessmentForPlan(callerOf(worker, 'north'), caseId, id);
      expect(found).to.deep.equal({ id, type: 'needs', date: new Date('2026-04-10T00:00:00Z'), scores: { safety: 2, health: 5, family: 1 } });
    });

    it('is not found for another caseworker, and forbidden for a manager', async () => {
      const id = await recordAssessment(callerOf(worker, 'north'), caseId, { type: 'needs', date: '2026-04-10', language: 'en', scores: { safety: 2 }, notes: {}, overall: '' });
      let err: unknown;
      await assessmentForPlan(callerOf(otherWorker, 'south'), caseId, id).catch((e: unknown) => (err = e));
      expect((err as Error).name).to.equal('NotFound');
      const manager = await buildUser({ roles: ['manager'], organisationId: org });
      await assessmentForPlan(callerOf(manager), caseId, id).catch((e: unknown) => (err = e));
      expect((err as Error).name).to.equal('Forbidden');
    });
  });

  describe('sealed text (SECURITY.md D1)', () => {
    it('keeps every note out of the raw database and shows it on the page', async () => {
      const markers = Object.fromEntries(CARE_DOMAINS.map((d) => [d, plant(`MARKERassess${d}${new Types.ObjectId().toHexString()}`)]));
      const overall = plant(`MARKERassessoverall${new Types.ObjectId().toHexString()}`);
      const fields = Object.fromEntries(CARE_DOMAINS.flatMap((d) => [[`score_${d}`, '3'], [`note_${d}`, markers[d]!]]));
      expect((await post(`/cases/${caseId}/assessments`, body({ ...fields, overall }))).status).to.equal(303);
      const raw: string[] = [];
      for (const c of await mongoose.connection.db!.collections()) {
        for (const doc of await c.find({}).toArray()) raw.push(JSON.stringify(doc));
      }
      const dump = raw.join('\n');
      expect(dump).to.include('"scores"');
      for (const m of [...Object.values(markers), overall]) expect(dump, m).to.not.include(m);
      expect(dump).to.not.include('MARKERassess');
      const [a] = await AssessmentModel.find({ caseId }).lean();
      const page = (await agent.get(`/cases/${caseId}/assessments/${a!._id}`)).text;
      for (const m of [...Object.values(markers), overall]) expect(page, m).to.include(m);
    });
  });

  describe('reporting facts', () => {
    it('hold the first and latest score of each domain by assessment date, then by when each was recorded, equal to a recomputation', async () => {
      const caller = callerOf(worker, 'north');
      await recordAssessment(caller, caseId, { type: 'wellbeing', date: '2026-08-01', language: 'en', scores: { safety: 4, health: 3 }, notes: {}, overall: '' });
      await recordAssessment(caller, caseId, { type: 'initial_risk', date: '2026-03-02', language: 'en', scores: { safety: 1 }, notes: {}, overall: '' });
      await recordAssessment(caller, caseId, { type: 'wellbeing', date: '2026-08-01', language: 'en', scores: { health: 5 }, notes: {}, overall: '' });
      const facts = (await CaseFactModel.findOne({ caseId }).lean())!;
      expect(facts.wellbeing.map((w) => ({ domain: w.domain, first: w.first, firstAt: w.firstAt.toISOString().slice(0, 10), latest: w.latest, latestAt: w.latestAt.toISOString().slice(0, 10) }))).to.deep.equal([
        { domain: 'safety', first: 1, firstAt: '2026-03-02', latest: 4, latestAt: '2026-08-01' },
        { domain: 'health', first: 3, firstAt: '2026-08-01', latest: 5, latestAt: '2026-08-01' },
      ]);
      expect(await storedFacts(caseId)).to.deep.equal(JSON.parse(JSON.stringify(await computeCaseFacts(new Types.ObjectId(caseId)))));
    });
  });

  describe('under random actions by random people (property)', function () {
    this.timeout(120_000);
    const ACTORS = ['worker', 'supervisor', 'otherWorker', 'otherSupervisor', 'manager', 'admin', 'auditor'] as const;
    type Actor = (typeof ACTORS)[number];
    const MAY_CHANGE: readonly Actor[] = ['worker', 'supervisor'];
    const DAY = 86_400_000;
    const intake = Date.parse('2026-03-02T00:00:00Z');

    const scores = fc.record(Object.fromEntries(CARE_DOMAINS.map((d) => [d, fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 4, arbitrary: fc.integer({ min: 1, max: 5 }) }, { weight: 1, arbitrary: fc.constantFrom(-1, 6, 2.5) })])) as Record<string, fc.Arbitrary<number>>);
    const action = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constant('record' as const),
          type: fc.oneof({ weight: 5, arbitrary: fc.constantFrom<string>(...ASSESSMENT_TYPES) }, { weight: 1, arbitrary: fc.constant('bogus') }),
          // Days after intake: mostly within the months since, sometimes before it or in the future.
          offset: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 250 }) }, { weight: 1, arbitrary: fc.constantFrom(-1, -30, 5000) }),
          scores,
          note: fc.constantFrom('', 'Fictional note'),
        }),
      },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('read' as const), pick: fc.nat(), bogus: fc.boolean() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('plan' as const), pick: fc.nat(), bogus: fc.boolean() }) },
    );
    const step = fc.record({ actor: fc.oneof({ weight: 3, arbitrary: fc.constantFrom<Actor>('worker', 'supervisor') }, { weight: 2, arbitrary: fc.constantFrom<Actor>(...ACTORS) }), action });
    type Action = typeof action extends fc.Arbitrary<infer A> ? A : never;

    async function state(id: string): Promise<string> {
      const oid = new Types.ObjectId(id);
      return JSON.stringify({ assessments: await AssessmentModel.collection.find({ caseId: oid }).sort({ _id: 1 }).toArray(), facts: await CaseFactModel.collection.findOne({ caseId: oid }) });
    }

    async function run(caller: Caller, id: string, a: Action): Promise<void> {
      const existing = await AssessmentModel.find({ caseId: id }).sort({ _id: 1 }).lean();
      const pickId = (pick: number, bogus: boolean) => (bogus || existing.length === 0 ? new Types.ObjectId().toHexString() : String(existing[pick % existing.length]!._id));
      if (a.kind === 'record') {
        const picked = Object.fromEntries(Object.entries(a.scores).filter(([, v]) => v !== 0));
        const date = new Date(intake + a.offset * DAY).toISOString().slice(0, 10);
        await recordAssessment(caller, id, { type: a.type, date, language: 'en', scores: picked as never, notes: a.note ? { safety: a.note } : {}, overall: a.note });
      } else if (a.kind === 'read') {
        await getAssessment(caller, id, pickId(a.pick, a.bogus));
      } else {
        await assessmentForPlan(caller, id, pickId(a.pick, a.bogus));
      }
    }

    async function checkStored(id: string): Promise<void> {
      const today = new Date(now()).toISOString().slice(0, 10);
      for (const a of await AssessmentModel.collection.find({ caseId: new Types.ObjectId(id) }).toArray()) {
        expect(isAssessmentType(a.type), String(a.type)).to.equal(true);
        const day = (a.date as Date).toISOString().slice(0, 10);
        expect(day >= '2026-03-02' && day <= today, day).to.equal(true);
        for (const [d, v] of Object.entries(a.scores as Record<string, unknown>)) expect(isCareDomain(d) && isScore(v), `${d}=${String(v)}`).to.equal(true);
        expect(Object.keys(a.scores as object).length).to.be.greaterThan(0);
        expect(unseal<{ domains?: object }>(a.secret as string, {})).to.be.an('object');
      }
    }

    it('never stores an invalid assessment, changes nothing on a refusal, lets only the case’s own people record, and keeps the facts equal to the records', async () => {
      const supervisor = await buildUser({ roles: ['supervisor'], organisationId: org, team: 'north' });
      const otherSupervisor = await buildUser({ roles: ['supervisor'], organisationId: org, team: 'south' });
      const manager = await buildUser({ roles: ['manager'], organisationId: org });
      const admin = await buildUser({ roles: ['admin'], organisationId: org });
      const auditor = await buildUser({ roles: ['auditor'], organisationId: org });
      const callers: Record<Actor, Caller> = {
        worker: callerOf(worker, 'north'),
        supervisor: callerOf(supervisor, 'north'),
        otherWorker: callerOf(otherWorker, 'south'),
        otherSupervisor: callerOf(otherSupervisor, 'south'),
        manager: callerOf(manager),
        admin: callerOf(admin),
        auditor: callerOf(auditor),
      };
      let changes = 0;
      let refusals = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
          const id = await buildCase(worker, { intakeDate: '2026-03-02' }, { team: 'north' });
          for (const s of steps) {
            const before = await state(id);
            try {
              await run(callers[s.actor], id, s.action);
              if (s.action.kind === 'record') {
                changes += 1;
                expect(MAY_CHANGE, `${s.actor} recorded an assessment`).to.include(s.actor);
              } else {
                expect(await state(id), 'a read changed nothing').to.equal(before);
              }
            } catch (err) {
              if (![Invalid, NotFound, Forbidden].some((k) => err instanceof k)) throw err;
              refusals += 1;
              expect(await state(id), `${s.actor} ${JSON.stringify(s.action)} was refused but changed something`).to.equal(before);
            }
            await checkStored(id);
          }
          expect(await storedFacts(id)).to.deep.equal(JSON.parse(JSON.stringify(await computeCaseFacts(new Types.ObjectId(id)))));
        }),
        { numRuns: 20 },
      );
      expect(changes).to.be.greaterThan(0);
      expect(refusals).to.be.greaterThan(0);
    });
  });
});
