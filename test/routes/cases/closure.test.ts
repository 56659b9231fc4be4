/**
 * Closing and reopening a case (DOMAIN.md "States"): a supervisor closes an `open` case with a reason
 * that applies at intake and an `active` one with the others; any other reason is refused with a named
 * error and changes nothing; reopening returns the case to the state it was closed from.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import type request from 'supertest';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { CaseModel } from '../../../src/models/case.js';
import { CaseChangeModel } from '../../../src/models/case-change.js';
import { testApp } from '../../helpers/app.js';
import { buildCase } from '../../helpers/cases.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { signIn, tokenOf, type Agent } from '../../helpers/session.js';

const MESSAGES = {
  notAtIntake: 'This reason does not apply to a case still at intake. Choose one of the reasons offered.',
  notNow: 'This reason does not apply to a case with this status. Choose one of the reasons offered.',
  date: 'Enter a real date that is not in the future.',
};
const INTAKE_REASONS = ['duplicate', 'not_within_mandate', 'transferred', 'moved_away', 'lost_contact'];

describe('closing and reopening a case', () => {
  useDatabase('caseclosure');

  let app: Express;
  before(async () => {
    app = await testApp();
  });

  let worker: TestUser;
  let supervisor: TestUser;
  let agent: Agent;
  let token: string;
  beforeEach(async () => {
    const org = await buildOrganisation({ country: 'PH' });
    worker = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'north' });
    supervisor = await buildUser({ roles: ['supervisor'], organisationId: org.id, team: 'north' });
    agent = await signIn(app, supervisor);
    token = await tokenOf(agent);
  });

  function post(path: string, body: Record<string, string>): Promise<request.Response> {
    return agent.post(path).type('form').send({ _csrf: token, ...body });
  }

  async function stored(id: string) {
    return (await CaseModel.findById(id).lean())!;
  }

  async function makeActive(id: string): Promise<void> {
    // The care-plan feature moves a case to active; here the driver does.
    await CaseModel.collection.updateOne({ _id: (await stored(id))._id }, { $set: { status: 'active' } });
  }

  /** The values of the options of the reason list on the status page. */
  function offered(html: string): string[] {
    const select = /<select id="reason"[^>]*>([\s\S]*?)<\/select>/.exec(html)?.[1] ?? '';
    return [...select.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]!).filter(Boolean);
  }

  async function closeAudits(outcome: 'success' | 'denied'): Promise<number> {
    return AuditEntryModel.countDocuments({ action: 'case_status', outcome, userId: supervisor.id });
  }

  describe('GET /cases/:id/status', () => {
    it('offers an open case only the reasons that apply at intake', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      const res = await agent.get(`/cases/${id}/status`);
      expect(res.status).to.equal(200);
      expect(offered(res.text)).to.have.members(INTAKE_REASONS).and.have.length(INTAKE_REASONS.length);
      expect(res.text).to.include('only the reasons that apply at intake are offered');
    });

    it('offers an active case the reasons that apply once in care, without "not within the mandate"', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      await makeActive(id);
      const reasons = offered((await agent.get(`/cases/${id}/status`)).text);
      expect(reasons).to.include.members(['reintegrated_family', 'kinship_care', 'turned_18', 'transferred', 'lost_contact', 'other']);
      expect(reasons).to.not.include('not_within_mandate');
    });

    it('answers 403 to a caseworker', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      expect((await (await signIn(app, worker)).get(`/cases/${id}/status`)).status).to.equal(403);
    });
  });

  describe('POST /cases/:id/close from open', () => {
    for (const reason of INTAKE_REASONS) {
      it(`closes an open case as \`${reason}\`, keeping the state it was closed from`, async () => {
        const id = await buildCase(worker, {}, { team: 'north' });
        const res = await post(`/cases/${id}/close`, { reason, date: '2026-06-01', version: '0' });
        expect(res.status, res.text.slice(0, 1000)).to.equal(303);
        expect(res.headers.location).to.equal(`/cases/${id}?done=close`);
        const c = await stored(id);
        expect(c).to.include({ status: 'closed', __v: 1 });
        expect(c.closure).to.include({ reason, from: 'open' });
        expect(String(c.closure?.by)).to.equal(supervisor.id);
        expect(await CaseChangeModel.countDocuments({ caseId: c._id, kind: 'close' })).to.equal(1);
        expect(await closeAudits('success')).to.equal(1);
      });
    }

    for (const reason of ['reintegrated_family', 'turned_18', 'death', 'other']) {
      it(`answers 422 naming the problem to closing an open case as \`${reason}\`, and changes nothing`, async () => {
        const id = await buildCase(worker, {}, { team: 'north' });
        const res = await post(`/cases/${id}/close`, { reason, date: '2026-06-01', version: '0' });
        expect(res.status).to.equal(422);
        expect(res.text).to.include(MESSAGES.notAtIntake);
        // The form comes back with the intake reasons only.
        expect(offered(res.text)).to.have.members(INTAKE_REASONS);
        const c = await stored(id);
        expect(c).to.include({ status: 'open', __v: 0 });
        expect(c.closure?.reason).to.equal(undefined);
        expect(await CaseChangeModel.countDocuments({ caseId: c._id, kind: 'close' })).to.equal(0);
        expect(await closeAudits('success')).to.equal(0);
        expect(await closeAudits('denied')).to.equal(1);
      });
    }

    it('answers 422 with both problems to a missing reason and a future date, and changes nothing', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      const res = await post(`/cases/${id}/close`, { reason: '', date: '2999-01-01', version: '0' });
      expect(res.status).to.equal(422);
      expect(res.text).to.include(MESSAGES.date).and.include('href="#reason"').and.include('href="#date"');
      expect(await stored(id)).to.include({ status: 'open', __v: 0 });
    });
  });

  describe('POST /cases/:id/close from active', () => {
    it('answers 422 to "not within the mandate" for an active case, and changes nothing', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      await makeActive(id);
      const res = await post(`/cases/${id}/close`, { reason: 'not_within_mandate', date: '2026-06-01', version: '0' });
      expect(res.status).to.equal(422);
      expect(res.text).to.include(MESSAGES.notNow);
      expect(await stored(id)).to.include({ status: 'active', __v: 0 });
    });

    it('closes an active case as reintegrated with the family, keeping that it was active', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      await makeActive(id);
      expect((await post(`/cases/${id}/close`, { reason: 'reintegrated_family', date: '2026-06-01', version: '0' })).status).to.equal(303);
      expect((await stored(id)).closure).to.include({ reason: 'reintegrated_family', from: 'active' });
    });
  });

  describe('POST /cases/:id/reopen', () => {
    it('reopens a case closed at intake to open, and it can be closed again with an intake reason', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      expect((await post(`/cases/${id}/close`, { reason: 'lost_contact', date: '2026-06-01', version: '0' })).status).to.equal(303);
      const page = await agent.get(`/cases/${id}/status`);
      expect(page.text).to.include('The case returns to the status it was closed from: Open.');
      const res = await post(`/cases/${id}/reopen`, { reason: 'returned_to_services', date: '2026-06-02', version: '1' });
      expect(res.status, res.text.slice(0, 1000)).to.equal(303);
      expect(res.headers.location).to.equal(`/cases/${id}?done=reopen`);
      const c = await stored(id);
      expect(c).to.include({ status: 'open', __v: 2 });
      expect(c.closure?.reason).to.equal(undefined);
      expect(offered((await agent.get(`/cases/${id}/status`)).text)).to.have.members(INTAKE_REASONS);
      expect((await post(`/cases/${id}/close`, { reason: 'duplicate', date: '2026-06-03', version: '2' })).status).to.equal(303);
      expect(await stored(id)).to.include({ status: 'closed', __v: 3 });
    });

    it('reopens a case closed while active to active', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      await makeActive(id);
      expect((await post(`/cases/${id}/close`, { reason: 'foster_care', date: '2026-06-01', version: '0' })).status).to.equal(303);
      expect((await post(`/cases/${id}/reopen`, { reason: 'placement_breakdown', date: '2026-06-02', version: '1' })).status).to.equal(303);
      expect(await stored(id)).to.include({ status: 'active', __v: 2 });
    });

    it('reopens to active a case closed before the state closed from was kept', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      const _id = (await stored(id))._id;
      await CaseModel.collection.updateOne({ _id }, { $set: { status: 'closed', closure: { reason: 'other', date: new Date('2026-01-01T00:00:00Z') } } });
      expect((await post(`/cases/${id}/reopen`, { reason: 'closed_in_error', date: '2026-06-02', version: '0' })).status).to.equal(303);
      expect(await stored(id)).to.include({ status: 'active' });
    });

    it('answers 422 to a closure reason given for reopening, and changes nothing', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      expect((await post(`/cases/${id}/close`, { reason: 'duplicate', date: '2026-06-01', version: '0' })).status).to.equal(303);
      const res = await post(`/cases/${id}/reopen`, { reason: 'duplicate', date: '2026-06-02', version: '1' });
      expect(res.status).to.equal(422);
      expect(await stored(id)).to.include({ status: 'closed', __v: 1 });
    });
  });
});
