/**
 * Proposing a closure and reopening a case (DOMAIN.md "States"): the caseworker proposes an `open` case
 * with a reason that applies at intake and an `active` one with the others; any other reason is refused
 * with a named error and changes nothing; once a supervisor approves (closure-approval.test.ts), a
 * supervisor reopens the case, with a reason, to the state it was closed from. The supervisor's direct
 * close is gone: a supervisor proposes too, and another supervisor approves.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import type request from 'supertest';
import type { AuditAction } from '../../../src/domain/audit.js';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { CaseModel } from '../../../src/models/case.js';
import { CaseChangeModel } from '../../../src/models/case-change.js';
import { ClosureProposalModel } from '../../../src/models/closure-proposal.js';
import { testApp } from '../../helpers/app.js';
import { buildCase } from '../../helpers/cases.js';
import { closeThroughApproval, makeActive } from '../../helpers/closures.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { signIn, tokenOf, type Agent } from '../../helpers/session.js';

const MESSAGES = {
  notAtIntake: 'This reason does not apply to a case still at intake. Choose one of the reasons offered.',
  notNow: 'This reason does not apply to a case with this status. Choose one of the reasons offered.',
  date: 'Enter a real date that is not in the future.',
  notClosed: 'Only a closed case can be reopened.',
};
const INTAKE_REASONS = ['duplicate', 'not_within_mandate', 'transferred', 'moved_away', 'lost_contact'];

describe('proposing a closure and reopening a case', () => {
  useDatabase('caseclosure');

  let app: Express;
  before(async () => {
    app = await testApp();
  });

  let worker: TestUser;
  let supervisor: TestUser;
  let workerAgent: Agent;
  let supervisorAgent: Agent;
  const tokens = new Map<Agent, string>();
  beforeEach(async () => {
    const org = await buildOrganisation({ country: 'PH' });
    worker = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'north' });
    supervisor = await buildUser({ roles: ['supervisor'], organisationId: org.id, team: 'north' });
    workerAgent = await signIn(app, worker);
    supervisorAgent = await signIn(app, supervisor);
    tokens.set(workerAgent, await tokenOf(workerAgent));
    tokens.set(supervisorAgent, await tokenOf(supervisorAgent));
  });

  function post(agent: Agent, path: string, body: Record<string, string>): Promise<request.Response> {
    return agent.post(path).type('form').send({ _csrf: tokens.get(agent), ...body });
  }

  function propose(id: string, reason: string, extra: Record<string, string> = {}): Promise<request.Response> {
    return post(workerAgent, `/cases/${id}/closure`, { reason, date: '2026-06-01', language: 'en', note: 'Fictional reason to close.', ...extra });
  }

  async function stored(id: string) {
    return (await CaseModel.findById(id).lean())!;
  }

  /** The values of the options of the reason list of the proposal form. */
  function offered(html: string, select = 'reason'): string[] {
    const list = new RegExp(`<select id="${select}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1] ?? '';
    return [...list.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]!).filter(Boolean);
  }

  function audits(action: AuditAction, outcome: 'success' | 'denied', userId = worker.id): Promise<number> {
    return AuditEntryModel.countDocuments({ action, outcome, userId });
  }

  describe('GET /cases/:id/closure', () => {
    it('offers an open case only the reasons that apply at intake', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      const res = await workerAgent.get(`/cases/${id}/closure`);
      expect(res.status).to.equal(200);
      expect(offered(res.text)).to.have.members(INTAKE_REASONS).and.have.length(INTAKE_REASONS.length);
      expect(res.text).to.include('only the reasons that apply at intake are offered');
      expect(await AuditEntryModel.countDocuments({ action: 'case_view', recordId: id, userId: worker.id })).to.equal(1);
    });

    it('offers an active case the reasons that apply once in care, without "not within the mandate"', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      await makeActive(id);
      const res = await workerAgent.get(`/cases/${id}/closure`);
      const reasons = offered(res.text);
      expect(reasons).to.include.members(['reintegrated_family', 'kinship_care', 'turned_18', 'transferred', 'lost_contact', 'other']);
      expect(reasons).to.not.include('not_within_mandate');
      expect(res.text).to.include('schedules follow-up visits 6 and 12 months after the date of closure');
    });

    it('answers 403 to a manager and 404 to a caseworker the case is not assigned to', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      const manager = await buildUser({ roles: ['manager'], organisationId: worker.organisationId });
      expect((await (await signIn(app, manager)).get(`/cases/${id}/closure`)).status).to.equal(403);
      const other = await buildUser({ roles: ['caseworker'], organisationId: worker.organisationId, team: 'north' });
      expect((await (await signIn(app, other)).get(`/cases/${id}/closure`)).status).to.equal(404);
      expect(await AuditEntryModel.countDocuments({ action: 'access_denied', recordId: id, userId: other.id })).to.equal(1);
    });

    it('shows the case page a "Propose closure" button for the caseworker, and no direct close for anyone', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      for (const agent of [workerAgent, supervisorAgent]) {
        const page = (await agent.get(`/cases/${id}`)).text;
        expect(page).to.include(`href="/cases/${id}/closure#propose"`).and.include('Propose closure');
        expect(page).to.not.include(`/cases/${id}/status`);
      }
    });
  });

  describe('POST /cases/:id/closure from open', () => {
    for (const reason of INTAKE_REASONS) {
      it(`proposes closing an open case as \`${reason}\`: the case stays open, one proposal waits`, async () => {
        const id = await buildCase(worker, {}, { team: 'north' });
        const res = await propose(id, reason);
        expect(res.status, res.text.slice(0, 1000)).to.equal(303);
        expect(res.headers.location).to.equal(`/cases/${id}/closure?done=proposed`);
        expect(await stored(id)).to.include({ status: 'open', __v: 0 });
        const proposals = await ClosureProposalModel.find({ caseId: id }).lean();
        expect(proposals).to.have.length(1);
        expect(proposals[0]).to.include({ status: 'proposed', reason, from: 'open', language: 'en' });
        expect(proposals[0]!.date.toISOString()).to.equal('2026-06-01T00:00:00.000Z');
        expect(String(proposals[0]!.proposedBy)).to.equal(worker.id);
        expect(await audits('closure_propose', 'success')).to.equal(1);
        const page = await workerAgent.get(`/cases/${id}/closure?done=proposed`);
        expect(page.text).to.include('The closure is proposed. A supervisor of the team decides it.').and.include('Fictional reason to close.');
        // Nothing more to propose while this one waits.
        expect(page.text).to.not.include(`action="/cases/${id}/closure"`);
      });
    }

    for (const reason of ['reintegrated_family', 'turned_18', 'death', 'other']) {
      it(`answers 422 naming the problem to proposing an open case as \`${reason}\`, and changes nothing`, async () => {
        const id = await buildCase(worker, {}, { team: 'north' });
        const res = await propose(id, reason);
        expect(res.status).to.equal(422);
        expect(res.text).to.include(MESSAGES.notAtIntake);
        // The form comes back with the intake reasons only.
        expect(offered(res.text)).to.have.members(INTAKE_REASONS);
        expect(await stored(id)).to.include({ status: 'open', __v: 0 });
        expect(await ClosureProposalModel.countDocuments({ caseId: id })).to.equal(0);
        expect(await audits('closure_propose', 'success')).to.equal(0);
        expect(await AuditEntryModel.countDocuments({ action: 'closure_propose', outcome: 'denied', reason: 'transition_refused', recordId: id })).to.equal(1);
      });
    }

    it('answers 422 with every problem to a missing reason, a future date and no note, and changes nothing', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      const res = await propose(id, '', { date: '2999-01-01', note: '' });
      expect(res.status).to.equal(422);
      expect(res.text).to.include('href="#reason"').and.include('href="#note"');
      expect(await ClosureProposalModel.countDocuments({ caseId: id })).to.equal(0);
      const future = await propose(id, 'duplicate', { date: '2999-01-01' });
      expect(future.status).to.equal(422);
      expect(future.text).to.include(MESSAGES.date).and.include('href="#date"');
      expect(await ClosureProposalModel.countDocuments({ caseId: id })).to.equal(0);
    });

    it('answers 422 to a field the form does not have (a status), and changes nothing', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      const res = await propose(id, 'duplicate', { status: 'closed' });
      expect(res.status).to.equal(422);
      expect(await stored(id)).to.include({ status: 'open' });
      expect(await ClosureProposalModel.countDocuments({ caseId: id })).to.equal(0);
    });
  });

  describe('POST /cases/:id/closure from active', () => {
    it('answers 422 to "not within the mandate" for an active case, and changes nothing', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      await makeActive(id);
      const res = await propose(id, 'not_within_mandate');
      expect(res.status).to.equal(422);
      expect(res.text).to.include(MESSAGES.notNow);
      expect(await ClosureProposalModel.countDocuments({ caseId: id })).to.equal(0);
    });

    it('proposes closing an active case as reintegrated with the family, keeping that it was active', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      await makeActive(id);
      expect((await propose(id, 'reintegrated_family')).status).to.equal(303);
      expect(await ClosureProposalModel.findOne({ caseId: id }).lean()).to.include({ reason: 'reintegrated_family', from: 'active' });
      expect(await stored(id)).to.include({ status: 'active' });
    });
  });

  describe('the direct close of before', () => {
    it('is no route any more: a supervisor cannot close a case without a proposal', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      const res = await post(supervisorAgent, `/cases/${id}/close`, { reason: 'duplicate', date: '2026-06-01', version: '0' });
      expect(res.status).to.equal(404);
      expect((await supervisorAgent.get(`/cases/${id}/status`)).status).to.equal(404);
      expect(await stored(id)).to.include({ status: 'open', __v: 0 });
    });
  });

  describe('POST /cases/:id/closure/reopen', () => {
    function reopen(id: string, body: Record<string, string>): Promise<request.Response> {
      return post(supervisorAgent, `/cases/${id}/closure/reopen`, { reopenDate: '2026-06-02', ...body });
    }

    it('reopens a case closed at intake to open, and it can be proposed and closed again with an intake reason', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      await closeThroughApproval(worker, supervisor, 'north', id, 'lost_contact', '2026-06-01');
      const page = await supervisorAgent.get(`/cases/${id}/closure`);
      expect(page.text).to.include('The case returns to the status it was closed from: Open.');
      expect(offered(page.text, 'reopenReason')).to.include.members(['returned_to_services', 'closed_in_error']);
      expect((await supervisorAgent.get(`/cases/${id}`)).text).to.include(`href="/cases/${id}/closure#reopen"`);
      const res = await reopen(id, { reopenReason: 'returned_to_services', version: '1' });
      expect(res.status, res.text.slice(0, 1000)).to.equal(303);
      expect(res.headers.location).to.equal(`/cases/${id}?done=reopen`);
      const c = await stored(id);
      expect(c).to.include({ status: 'open', __v: 2 });
      expect(c.closure?.reason).to.equal(undefined);
      expect(await CaseChangeModel.countDocuments({ caseId: c._id, kind: 'reopen' })).to.equal(1);
      expect(await audits('case_status', 'success', supervisor.id)).to.equal(1);
      expect(offered((await workerAgent.get(`/cases/${id}/closure`)).text)).to.have.members(INTAKE_REASONS);
      await closeThroughApproval(worker, supervisor, 'north', id, 'duplicate', '2026-06-03');
      expect(await stored(id)).to.include({ status: 'closed', __v: 3 });
    });

    it('reopens a case closed while active to active', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      await makeActive(id);
      await closeThroughApproval(worker, supervisor, 'north', id, 'foster_care', '2026-06-01');
      expect((await reopen(id, { reopenReason: 'placement_breakdown', version: '1' })).status).to.equal(303);
      expect(await stored(id)).to.include({ status: 'active', __v: 2 });
    });

    it('reopens to active a case closed before the state closed from was kept', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      const _id = (await stored(id))._id;
      await CaseModel.collection.updateOne({ _id }, { $set: { status: 'closed', closure: { reason: 'other', date: new Date('2026-01-01T00:00:00Z') } } });
      expect((await reopen(id, { reopenReason: 'closed_in_error', version: '0' })).status).to.equal(303);
      expect(await stored(id)).to.include({ status: 'active' });
    });

    it('answers 422 to a closure reason given for reopening, or a day before the closure, and changes nothing', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      await closeThroughApproval(worker, supervisor, 'north', id, 'duplicate', '2026-06-01');
      const res = await reopen(id, { reopenReason: 'duplicate', version: '1' });
      expect(res.status).to.equal(422);
      expect(res.text).to.include('href="#reopenReason"');
      const early = await reopen(id, { reopenReason: 'closed_in_error', reopenDate: '2026-05-01', version: '1' });
      expect(early.status).to.equal(422);
      expect(early.text).to.include('A case cannot be reopened before the date it was closed.');
      expect(await stored(id)).to.include({ status: 'closed', __v: 1 });
    });

    it('answers 422 to reopening a case that is not closed, audited as a refused transition', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      const res = await reopen(id, { reopenReason: 'new_risk', version: '0' });
      expect(res.status).to.equal(422);
      expect(res.text).to.include(MESSAGES.notClosed);
      expect(await stored(id)).to.include({ status: 'open', __v: 0 });
      expect(await AuditEntryModel.countDocuments({ action: 'case_status', outcome: 'denied', reason: 'transition_refused', recordId: id })).to.equal(1);
    });

    it('sends a reopening from an old version back to the case page, and changes nothing', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      await closeThroughApproval(worker, supervisor, 'north', id, 'duplicate', '2026-06-01');
      const res = await reopen(id, { reopenReason: 'new_risk', version: '0' });
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`/cases/${id}?done=conflict`);
      expect(await stored(id)).to.include({ status: 'closed', __v: 1 });
    });

    it('answers 403 to a caseworker reopening a case', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      await closeThroughApproval(worker, supervisor, 'north', id, 'duplicate', '2026-06-01');
      const res = await post(workerAgent, `/cases/${id}/closure/reopen`, { reopenReason: 'new_risk', reopenDate: '2026-06-02', version: '1' });
      expect(res.status).to.equal(403);
      expect(await stored(id)).to.include({ status: 'closed' });
      expect((await workerAgent.get(`/cases/${id}`)).text).to.not.include(`/cases/${id}/closure#reopen`);
    });
  });
});
