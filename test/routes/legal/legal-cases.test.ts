/**
 * Legal cases through the pages (DOMAIN.md "Legal case"): recording one, editing it, moving its
 * stage, hearings and their outcomes, witness support, and the Legal section of the case page. A
 * refused move answers 422 and changes nothing; a legal case out of the caller's scope answers 404.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import { Types } from 'mongoose';
import type request from 'supertest';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { CaseFactModel } from '../../../src/models/case-fact.js';
import { CaseModel } from '../../../src/models/case.js';
import { LegalCaseModel } from '../../../src/models/legal-case.js';
import { UserModel } from '../../../src/models/user.js';
import { LegalHearingModel } from '../../../src/models/legal-hearing.js';
import { addHearing, recordOutcome } from '../../../src/services/legal/hearings.js';
import { changeLegalStatus } from '../../../src/services/legal/legal-cases.js';
import { createI18n } from '../../../src/lib/i18n/index.js';
import { testApp } from '../../helpers/app.js';
import { buildCase } from '../../helpers/cases.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser } from '../../helpers/factories.js';
import { PSEUDO, pseudoResources, untranslated } from '../../helpers/pseudo.js';
import { signIn, tokenOf, type Agent } from '../../helpers/session.js';
import { buildLegalCase, buildTeam, day, legalBody, legalInput, type Team } from './setup.js';

describe('legal cases', () => {
  useDatabase('legalcases');

  let app: Express;
  before(async () => {
    app = await testApp();
  });

  let t: Team;
  let agent: Agent;
  let token: string;
  beforeEach(async () => {
    t = await buildTeam();
    agent = await signIn(app, t.worker);
    token = await tokenOf(agent);
  });

  function post(path: string, body: Record<string, unknown>, as: Agent = agent, csrf = token): Promise<request.Response> {
    return as.post(path).type('form').send({ _csrf: csrf, ...body });
  }

  /** Every legal record of the case, raw, to show that a refusal changed nothing. */
  async function snapshot() {
    const caseId = new Types.ObjectId(t.caseId);
    return JSON.stringify({
      legal: await LegalCaseModel.collection.find({ caseId }).sort({ _id: 1 }).toArray(),
      hearings: await LegalHearingModel.collection.find({ caseId }).sort({ _id: 1 }).toArray(),
      facts: await CaseFactModel.collection.findOne({ caseId }, { projection: { updatedAt: 0 } }),
    });
  }

  async function audits(action: 'legal_view' | 'legal_change', outcome: 'success' | 'denied', reason?: 'transition_refused'): Promise<number> {
    return AuditEntryModel.countDocuments({ action, outcome, ...(reason ? { reason } : {}), recordId: t.caseId });
  }

  describe('POST /cases/:id/legal', () => {
    it('records a legal case at its stage, sealed, with the case facts and an audit entry', async () => {
      const input = legalInput({ charges: ['trafficking_in_persons', 'abuse_material_production'], offenders: [{ name: 'Offender Alpha Test', relationship: 'household_facilitator' }, { name: '', relationship: 'online_contact' }] });
      const res = await post(`/cases/${t.caseId}/legal`, { ...legalBody(input), status: 'filed' });
      expect(res.status, res.text.slice(0, 2000)).to.equal(303);
      const legalId = /\/legal\/([0-9a-f]{24})\?done=created$/.exec(String(res.headers.location))?.[1];
      expect(legalId).to.be.a('string');
      const stored = (await LegalCaseModel.findById(legalId).lean())!;
      expect(stored).to.include({ status: 'filed', authority: 'prosecutor' });
      expect(stored.charges).to.deep.equal(['trafficking_in_persons', 'abuse_material_production']);
      expect(stored.offenders.map((o) => o.relationship)).to.deep.equal(['household_facilitator', 'online_contact']);
      expect(JSON.stringify(stored)).to.not.include('Offender Alpha Test').and.not.include('NPS-FICT-0001');
      const facts = (await CaseFactModel.findOne({ caseId: t.caseId }).lean())!;
      expect(facts.legalCases).to.deep.equal([{ status: 'filed' }]);
      expect(await audits('legal_change', 'success')).to.equal(1);
    });

    it('answers 422 naming each missing field, and stores nothing', async () => {
      const res = await post(`/cases/${t.caseId}/legal`, { status: 'investigation', complaintDate: '', authority: '' });
      expect(res.status).to.equal(422);
      expect(res.text).to.include('href="#complaintDate"').and.include('href="#authority"').and.include('href="#charges"');
      expect(await LegalCaseModel.countDocuments({})).to.equal(0);
    });

    it('answers 422 to an offender named without a relationship, to a complaint in the future and to a verdict as the first stage', async () => {
      const named = legalBody(legalInput({ offenders: [{ name: 'Offender Beta Test', relationship: '' }] }));
      const res = await post(`/cases/${t.caseId}/legal`, { ...named, status: 'investigation' });
      expect(res.status).to.equal(422);
      expect(res.text).to.include('Choose the relationship to the child for every offender.');
      // The typed name comes back in its row.
      expect(res.text).to.include('value="Offender Beta Test"');
      expect((await post(`/cases/${t.caseId}/legal`, { ...legalBody(legalInput({ complaintDate: day(3) })), status: 'investigation' })).status).to.equal(422);
      expect((await post(`/cases/${t.caseId}/legal`, { ...legalBody(legalInput()), status: 'verdict' })).status).to.equal(422);
      expect(await LegalCaseModel.countDocuments({})).to.equal(0);
    });

    it('answers 404 for a case of another team and 403 for a manager, storing nothing', async () => {
      const other = await signIn(app, t.otherWorker);
      const res = await post(`/cases/${t.caseId}/legal`, { ...legalBody(legalInput()), status: 'investigation' }, other, await tokenOf(other));
      expect(res.status).to.equal(404);
      expect(await AuditEntryModel.countDocuments({ action: 'access_denied', recordId: t.caseId, userId: t.otherWorker.id })).to.equal(1);
      const manager = await signIn(app, t.manager);
      expect((await post(`/cases/${t.caseId}/legal`, { ...legalBody(legalInput()), status: 'investigation' }, manager, await tokenOf(manager))).status).to.equal(403);
      expect(await LegalCaseModel.countDocuments({})).to.equal(0);
    });
  });

  describe('GET /cases/:id/legal/:legalId', () => {
    it('shows the legal case with its offenders, hearings and support, and audits the view', async () => {
      const legalId = await buildLegalCase(t);
      await addHearing(t.workerCaller, t.caseId, legalId, { date: day(9), kind: 'arraignment', note: 'Bring the birth certificate (fictional).', language: 'en' });
      const res = await agent.get(`/cases/${t.caseId}/legal/${legalId}`);
      expect(res.status).to.equal(200);
      expect(res.text).to.include('Offender Alpha Test').and.include('NPS-FICT-0001').and.include('Fictional City Prosecutor Office');
      expect(res.text).to.include('Arraignment').and.include('Bring the birth certificate (fictional).').and.include('Investigation');
      expect(await audits('legal_view', 'success')).to.equal(1);
    });

    it('is open to the team’s supervisor and answers 404 to another team’s supervisor, with an access_denied entry', async () => {
      const legalId = await buildLegalCase(t);
      expect((await (await signIn(app, t.supervisor)).get(`/cases/${t.caseId}/legal/${legalId}`)).status).to.equal(200);
      expect((await (await signIn(app, t.otherSupervisor)).get(`/cases/${t.caseId}/legal/${legalId}`)).status).to.equal(404);
      expect(await AuditEntryModel.countDocuments({ action: 'access_denied', userId: t.otherSupervisor.id })).to.equal(1);
    });

    it('answers 404 to a legal case of another case, even one the caller may read, and audits it', async () => {
      const legalId = await buildLegalCase(t);
      const second = await buildCase(t.worker, {}, { team: 'north' });
      const res = await agent.get(`/cases/${second}/legal/${legalId}`);
      expect(res.status).to.equal(404);
      expect(res.text).to.not.include('Offender Alpha Test');
      expect(await AuditEntryModel.countDocuments({ action: 'access_denied', recordId: legalId })).to.equal(1);
      expect((await agent.get(`/cases/${t.caseId}/legal/not-an-id`)).status).to.equal(404);
    });

    it('answers 404 to a caseworker of another organisation, and 403 to managers, admins, auditors and partners', async () => {
      const legalId = await buildLegalCase(t);
      const stranger = await buildUser({ roles: ['caseworker'], organisationId: (await buildOrganisation()).id });
      expect((await (await signIn(app, stranger)).get(`/cases/${t.caseId}/legal/${legalId}`)).status).to.equal(404);
      for (const role of ['manager', 'admin', 'auditor', 'partner'] as const) {
        const user = await buildUser({ roles: [role], organisationId: t.orgId });
        expect((await (await signIn(app, user)).get(`/cases/${t.caseId}/legal/${legalId}`)).status, role).to.equal(403);
      }
    });
  });

  describe('POST /cases/:id/legal/:legalId (edit)', () => {
    it('saves the edit under the version it was read at', async () => {
      const legalId = await buildLegalCase(t);
      const input = legalInput({ authority: 'court', charges: ['rape_sexual_assault'], offenders: [{ name: 'Offender Gamma Test', relationship: 'relative' }] });
      const res = await post(`/cases/${t.caseId}/legal/${legalId}`, { ...legalBody(input), version: '0' });
      expect(res.status, res.text.slice(0, 2000)).to.equal(303);
      const page = await agent.get(`/cases/${t.caseId}/legal/${legalId}?done=saved`);
      expect(page.text).to.include('Offender Gamma Test').and.include('The legal case was saved.');
      expect(page.text).to.not.include('Offender Alpha Test');
      expect((await LegalCaseModel.findById(legalId).lean())!).to.include({ authority: 'court', __v: 1 });
    });

    it('answers 409 to a save from an old version and changes nothing', async () => {
      const legalId = await buildLegalCase(t);
      expect((await post(`/cases/${t.caseId}/legal/${legalId}`, { ...legalBody(legalInput()), version: '0' })).status).to.equal(303);
      const before = await snapshot();
      const res = await post(`/cases/${t.caseId}/legal/${legalId}`, { ...legalBody(legalInput({ authority: 'police' })), version: '0' });
      expect(res.status).to.equal(409);
      expect(res.text).to.include('Someone changed this legal case after you opened the form.');
      expect(await snapshot()).to.equal(before);
    });

    it('refuses a status sent with the edit form (C5) with 422, changing nothing', async () => {
      const legalId = await buildLegalCase(t);
      const before = await snapshot();
      const res = await post(`/cases/${t.caseId}/legal/${legalId}`, { ...legalBody(legalInput()), version: '0', status: 'closed' });
      expect(res.status).to.equal(422);
      expect(await snapshot()).to.equal(before);
    });
  });

  describe('POST /cases/:id/legal/:legalId/status', () => {
    it('offers only the moves the machine allows from the current stage', async () => {
      const legalId = await buildLegalCase(t, { status: 'filed' });
      const page = await agent.get(`/cases/${t.caseId}/legal/${legalId}/status`);
      const offered = [...page.text.matchAll(/name="to" value="(\w+)"/g)].map((m) => m[1]);
      expect(offered).to.deep.equal(['trial', 'verdict', 'investigation', 'closed']);
    });

    it('moves a case from investigation to filed, then to trial, a verdict, an appeal and a verdict again, keeping every stage', async () => {
      const legalId = await buildLegalCase(t);
      const moves = [
        { to: 'filed', date: day(-150) },
        { to: 'trial', date: day(-100) },
        { to: 'verdict', date: day(-50), verdict: 'convicted' },
        { to: 'appeal', date: day(-40) },
        { to: 'verdict', date: day(-5), verdict: 'convicted_lesser' },
      ];
      for (const [version, move] of moves.entries()) {
        const res = await post(`/cases/${t.caseId}/legal/${legalId}/status`, { ...move, version: String(version) });
        expect(res.status, `${move.to}: ${res.text.slice(0, 1500)}`).to.equal(303);
      }
      const stored = (await LegalCaseModel.findById(legalId).lean())!;
      expect(stored).to.include({ status: 'verdict', verdict: 'convicted_lesser' });
      expect(stored.stages.map((s) => s.to)).to.deep.equal(['investigation', 'filed', 'trial', 'verdict', 'appeal', 'verdict']);
      expect((await CaseFactModel.findOne({ caseId: t.caseId }).lean())!.legalCases).to.deep.equal([{ status: 'verdict', verdict: 'convicted_lesser' }]);
      const page = await agent.get(`/cases/${t.caseId}?open=legal`);
      expect(page.text).to.include('Convicted of a lesser offence');
    });

    it('answers 422 to a move the machine does not allow, audits transition_refused and changes nothing', async () => {
      const legalId = await buildLegalCase(t);
      const before = await snapshot();
      const res = await post(`/cases/${t.caseId}/legal/${legalId}/status`, { to: 'verdict', date: day(-1), verdict: 'convicted', version: '0' });
      expect(res.status).to.equal(422);
      expect(res.text).to.include('The legal case cannot move to this stage from its current stage.');
      expect(await snapshot()).to.equal(before);
      expect(await audits('legal_change', 'denied', 'transition_refused')).to.equal(1);
    });

    it('answers 422 to a closing reason that does not apply at this stage, audited, and to a verdict left out', async () => {
      const legalId = await buildLegalCase(t, { status: 'trial' });
      const before = await snapshot();
      const refused = await post(`/cases/${t.caseId}/legal/${legalId}/status`, { to: 'closed', date: day(-1), reason: 'final_judgment', version: '0' });
      expect(refused.status).to.equal(422);
      expect(refused.text).to.include('This reason does not apply at this stage.');
      expect(await audits('legal_change', 'denied', 'transition_refused')).to.equal(1);
      const noVerdict = await post(`/cases/${t.caseId}/legal/${legalId}/status`, { to: 'verdict', date: day(-1), version: '0' });
      expect(noVerdict.status).to.equal(422);
      expect(noVerdict.text).to.include('Choose the verdict.');
      const future = await post(`/cases/${t.caseId}/legal/${legalId}/status`, { to: 'verdict', verdict: 'acquitted', date: day(2), version: '0' });
      expect(future.status).to.equal(422);
      expect(await snapshot()).to.equal(before);
    });

    it('closes a case, cancelling the hearings set after that day, and then offers no move', async () => {
      const legalId = await buildLegalCase(t);
      const past = await addHearing(t.workerCaller, t.caseId, legalId, { date: day(-10), kind: 'preliminary_investigation', note: '', language: 'en' });
      const future = await addHearing(t.workerCaller, t.caseId, legalId, { date: day(20), kind: 'preliminary_investigation', note: '', language: 'en' });
      const res = await post(`/cases/${t.caseId}/legal/${legalId}/status`, { to: 'closed', date: day(-1), reason: 'withdrawn', version: '0' });
      expect(res.status, res.text.slice(0, 1500)).to.equal(303);
      expect((await LegalHearingModel.findById(future).lean())!.outcome).to.equal('cancelled');
      expect((await LegalHearingModel.findById(past).lean())!.outcome).to.equal(undefined);
      expect((await LegalCaseModel.findById(legalId).lean())!).to.include({ status: 'closed', closeReason: 'withdrawn', closedFrom: 'investigation' });
      const page = await agent.get(`/cases/${t.caseId}/legal/${legalId}/status`);
      expect(page.text).to.include('This legal case is closed.');
      const again = await post(`/cases/${t.caseId}/legal/${legalId}/status`, { to: 'investigation', date: day(-1), version: '1' });
      expect(again.status).to.equal(422);
    });

    it('answers 409 to a move from an old version and changes nothing', async () => {
      const legalId = await buildLegalCase(t);
      await changeLegalStatus(t.workerCaller, t.caseId, legalId, { to: 'filed', date: day(-3), verdict: '', reason: '', version: 0 });
      const before = await snapshot();
      const res = await post(`/cases/${t.caseId}/legal/${legalId}/status`, { to: 'trial', date: day(-1), version: '0' });
      expect(res.status).to.equal(409);
      expect(await snapshot()).to.equal(before);
    });
  });

  describe('hearings', () => {
    it('POST /cases/:id/legal/:legalId/hearings adds a hearing that the case page shows as the next one', async () => {
      const legalId = await buildLegalCase(t);
      const res = await post(`/cases/${t.caseId}/legal/${legalId}/hearings`, { date: day(14), kind: 'child_testimony', note: '', language: 'en' });
      expect(res.status, res.text.slice(0, 1500)).to.equal(303);
      expect(res.headers.location).to.equal(`/cases/${t.caseId}/legal/${legalId}?done=hearing#hearings`);
      const page = await agent.get(`/cases/${t.caseId}?open=legal`);
      expect(page.text).to.include('Testimony of the child').and.include(`<time datetime="${day(14)} 00:00:00Z">`);
    });

    it('answers 422 to a hearing before the complaint or without a kind, and to one on a closed legal case', async () => {
      const legalId = await buildLegalCase(t);
      const before = await snapshot();
      const early = await post(`/cases/${t.caseId}/legal/${legalId}/hearings`, { date: day(-400), kind: 'trial', note: '', language: 'en' });
      expect(early.status).to.equal(422);
      expect(early.text).to.include('A hearing cannot be before the date of the complaint.');
      expect((await post(`/cases/${t.caseId}/legal/${legalId}/hearings`, { date: day(3), kind: '', note: '', language: 'en' })).status).to.equal(422);
      expect(await snapshot()).to.equal(before);
      await changeLegalStatus(t.workerCaller, t.caseId, legalId, { to: 'closed', date: day(-1), verdict: '', reason: 'withdrawn', version: 0 });
      const closed = await post(`/cases/${t.caseId}/legal/${legalId}/hearings`, { date: day(3), kind: 'trial', note: '', language: 'en' });
      expect(closed.status).to.equal(422);
      expect(await LegalHearingModel.countDocuments({})).to.equal(0);
    });

    it('records the outcome of a past hearing, and refuses "held" for a hearing still to come', async () => {
      const legalId = await buildLegalCase(t, { status: 'trial' });
      const past = await addHearing(t.workerCaller, t.caseId, legalId, { date: day(-2), kind: 'trial', note: '', language: 'en' });
      const coming = await addHearing(t.workerCaller, t.caseId, legalId, { date: day(5), kind: 'trial', note: '', language: 'en' });
      const form = await agent.get(`/cases/${t.caseId}/legal/${legalId}/hearings/${past}/outcome`);
      expect(form.status).to.equal(200);
      const res = await post(`/cases/${t.caseId}/legal/${legalId}/hearings/${past}/outcome`, { outcome: 'child_testified', note: 'Testified behind a screen (fictional).', language: 'en' });
      expect(res.status, res.text.slice(0, 1500)).to.equal(303);
      expect((await LegalHearingModel.findById(past).lean())!.outcome).to.equal('child_testified');
      const before = await snapshot();
      const early = await post(`/cases/${t.caseId}/legal/${legalId}/hearings/${coming}/outcome`, { outcome: 'held', note: '', language: 'en' });
      expect(early.status).to.equal(422);
      expect(early.text).to.include('This hearing is in the future');
      expect(await snapshot()).to.equal(before);
      expect((await post(`/cases/${t.caseId}/legal/${legalId}/hearings/${coming}/outcome`, { outcome: 'postponed', note: '', language: 'en' })).status).to.equal(303);
    });

    it('answers 404 to a hearing of another legal case', async () => {
      const first = await buildLegalCase(t);
      const second = await buildLegalCase(t);
      const hearing = await addHearing(t.workerCaller, t.caseId, first, { date: day(-2), kind: 'trial', note: '', language: 'en' });
      expect((await agent.get(`/cases/${t.caseId}/legal/${second}/hearings/${hearing}/outcome`)).status).to.equal(404);
      const before = await snapshot();
      expect((await post(`/cases/${t.caseId}/legal/${second}/hearings/${hearing}/outcome`, { outcome: 'held', note: '', language: 'en' })).status).to.equal(404);
      expect(await snapshot()).to.equal(before);
    });
  });

  describe('POST /cases/:id/legal/:legalId/support', () => {
    it('records each kind of support ticked, on its day', async () => {
      const legalId = await buildLegalCase(t, { status: 'trial' });
      const res = await post(`/cases/${t.caseId}/legal/${legalId}/support`, { kinds: ['preparation', 'video_link'], date: day(-3), note: '', language: 'en' });
      expect(res.status, res.text.slice(0, 1500)).to.equal(303);
      const stored = (await LegalCaseModel.findById(legalId).lean())!;
      expect(stored.support.map((s) => s.kind)).to.deep.equal(['preparation', 'video_link']);
      const page = await agent.get(`/cases/${t.caseId}/legal/${legalId}`);
      expect(page.text).to.include('Testimony by video link').and.include('Court preparation');
    });

    it('answers 422 when no support is ticked or the day is in the future, changing nothing', async () => {
      const legalId = await buildLegalCase(t);
      const before = await snapshot();
      const res = await post(`/cases/${t.caseId}/legal/${legalId}/support`, { date: day(2), note: '', language: 'en' });
      expect(res.status).to.equal(422);
      expect(res.text).to.include('href="#kinds"').and.include('href="#date"');
      expect(await snapshot()).to.equal(before);
    });
  });

  describe('the case page', () => {
    it('lists the legal cases with stage, next hearing, verdict and hearings whose outcome is missing', async () => {
      const legalId = await buildLegalCase(t, { status: 'trial' });
      await addHearing(t.workerCaller, t.caseId, legalId, { date: day(-3), kind: 'trial', note: '', language: 'en' });
      const page = await agent.get(`/cases/${t.caseId}?open=legal`);
      expect(page.status).to.equal(200);
      expect(page.text).to.include(`href="/cases/${t.caseId}/legal/${legalId}"`).and.include('1 hearing without an outcome').and.include('None scheduled');
      expect(page.text).to.match(/<details class="card section" id="legal" open>/);
      const empty = await agent.get(`/cases/${await buildCase(t.worker, {}, { team: 'north' })}`);
      expect(empty.text).to.include('No legal case recorded.');
    });

    it('no longer shows an outcome as missing once it is recorded', async () => {
      const legalId = await buildLegalCase(t, { status: 'trial' });
      const hearing = await addHearing(t.workerCaller, t.caseId, legalId, { date: day(-3), kind: 'trial', note: '', language: 'en' });
      await recordOutcome(t.workerCaller, t.caseId, legalId, hearing, { outcome: 'held', note: '', language: 'en' });
      expect((await agent.get(`/cases/${t.caseId}`)).text).to.not.include('without an outcome');
    });
  });

  describe('in the pseudo-locale', () => {
    it('every legal page and form has no untranslated text', async () => {
      const i18n = await createI18n({ extra: pseudoResources() });
      const pseudoApp = await testApp({ i18n });
      // The profile's language comes first: the worker reads Haven in the pseudo-locale.
      await UserModel.collection.updateOne({ _id: new Types.ObjectId(t.worker.id) }, { $set: { locale: PSEUDO } });
      const as = await signIn(pseudoApp, t.worker);
      const name = (await UserModel.findById(t.worker.id).lean())!.name;
      const caseNumber = (await CaseModel.findById(t.caseId).lean())!.caseNumber;
      const legalId = await buildLegalCase(t, { status: 'trial' });
      const hearing = await addHearing(t.workerCaller, t.caseId, legalId, { date: day(-3), kind: 'trial', note: '', language: 'en' });
      const base = `/cases/${t.caseId}/legal`;
      const data = ['Offender Alpha Test', 'NPS-FICT-0001', 'Fictional City Prosecutor Office', name, caseNumber];
      for (const path of [`${base}/new`, `${base}/${legalId}`, `${base}/${legalId}/edit`, `${base}/${legalId}/status`, `${base}/${legalId}/hearings/new`, `${base}/${legalId}/hearings/${hearing}/outcome`, `${base}/${legalId}/support/new`]) {
        const res = await as.get(`${path}?lng=${PSEUDO}`);
        expect(res.status, path).to.equal(200);
        expect(res.text, path).to.include('⟦');
        // Dates are Intl's, in the pseudo-locale's base language.
        expect(untranslated(res.text, data).filter((text) => !/^[A-Z][a-z]{2} \d{1,2}, \d{4}$/.test(text.trim())), path).to.deep.equal([]);
      }
    });
  });
});
