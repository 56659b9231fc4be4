/**
 * A supervisor's decision on a closure proposal (DOMAIN.md "States"): approving closes the case with the
 * proposal's reason and date; returning sends it back with a comment the caseworker reads, and the
 * caseworker may propose again. One proposal waits at a time; nobody decides their own proposal, even
 * holding the supervisor role; another team's supervisor gets 404. The note and the comment are sealed:
 * markers typed in them are on the pages and nowhere in the raw database.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Express } from 'express';
import mongoose from 'mongoose';
import type request from 'supertest';
import type { AuditAction, AuditReason } from '../../../src/domain/audit.js';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { CaseFactModel } from '../../../src/models/case-fact.js';
import { CaseModel } from '../../../src/models/case.js';
import { CaseChangeModel } from '../../../src/models/case-change.js';
import { ClosureProposalModel } from '../../../src/models/closure-proposal.js';
import { proposeClosure } from '../../../src/services/cases/closure.js';
import { testApp } from '../../helpers/app.js';
import { buildCase, callerOf } from '../../helpers/cases.js';
import { makeActive, waitingProposal } from '../../helpers/closures.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { plant } from '../../helpers/secrets.js';
import { signIn, tokenOf, type Agent } from '../../helpers/session.js';

const OWN = 'You proposed this closure, so you may not decide it. Another supervisor of the team approves it or returns it.';

describe('deciding a closure proposal', () => {
  useDatabase('closureapproval');

  let app: Express;
  before(async () => {
    app = await testApp();
  });

  let orgId: string;
  let worker: TestUser;
  let supervisor: TestUser;
  let second: TestUser;
  const agents = new Map<string, Agent>();
  const tokens = new Map<string, string>();
  beforeEach(async () => {
    orgId = (await buildOrganisation({ country: 'PH' })).id;
    worker = await buildUser({ roles: ['caseworker'], organisationId: orgId, team: 'north' });
    supervisor = await buildUser({ roles: ['supervisor'], organisationId: orgId, team: 'north' });
    second = await buildUser({ roles: ['supervisor'], organisationId: orgId, team: 'north' });
    agents.clear();
  });

  async function agentOf(user: TestUser): Promise<Agent> {
    let agent = agents.get(user.id);
    if (!agent) {
      agent = await signIn(app, user);
      agents.set(user.id, agent);
      tokens.set(user.id, await tokenOf(agent));
    }
    return agent;
  }

  async function post(user: TestUser, path: string, body: Record<string, string>): Promise<request.Response> {
    const agent = await agentOf(user);
    return agent.post(path).type('form').send({ _csrf: tokens.get(user.id), ...body });
  }

  async function page(user: TestUser, path: string): Promise<string> {
    const res = await (await agentOf(user)).get(path);
    expect(res.status, path).to.equal(200);
    return res.text;
  }

  async function proposed(reason = 'reintegrated_family', note = 'Fictional closure note.', by: TestUser = worker): Promise<{ id: string; proposal: string }> {
    const id = await buildCase(worker, {}, { team: 'north' });
    await makeActive(id);
    await proposeClosure(callerOf(by, 'north'), id, { reason, date: '2026-06-01', note, language: 'en' });
    return { id, proposal: await waitingProposal(id) };
  }

  async function snapshot(id: string) {
    const c = await CaseModel.findById(id).lean();
    const proposals = await ClosureProposalModel.find({ caseId: id }).sort({ _id: 1 }).lean();
    const changes = await CaseChangeModel.countDocuments({ caseId: id });
    return JSON.stringify({ c, proposals, changes });
  }

  function audits(action: AuditAction, outcome: 'success' | 'denied', reason?: AuditReason): Promise<number> {
    return AuditEntryModel.countDocuments({ action, outcome, ...(reason ? { reason } : {}) });
  }

  describe('POST /cases/:id/closure/approve', () => {
    it('closes the case with the proposal’s reason and date, records who approved, and rewrites the facts', async () => {
      const { id, proposal } = await proposed('foster_care');
      const res = await post(supervisor, `/cases/${id}/closure/approve`, { proposal });
      expect(res.status, res.text.slice(0, 1500)).to.equal(303);
      expect(res.headers.location).to.equal(`/cases/${id}?done=close`);
      const c = (await CaseModel.findById(id).lean())!;
      expect(c).to.include({ status: 'closed', __v: 1 });
      expect(c.closure).to.include({ reason: 'foster_care', from: 'active' });
      expect(c.closure?.date?.toISOString()).to.equal('2026-06-01T00:00:00.000Z');
      expect(String(c.closure?.by)).to.equal(supervisor.id);
      const p = (await ClosureProposalModel.findById(proposal).lean())!;
      expect(p.status).to.equal('approved');
      expect(String(p.decidedBy)).to.equal(supervisor.id);
      expect(await CaseChangeModel.countDocuments({ caseId: c._id, kind: 'close' })).to.equal(1);
      expect(await audits('closure_approve', 'success')).to.equal(1);
      const facts = (await CaseFactModel.findOne({ caseId: c._id }).lean())!;
      expect(facts).to.include({ status: 'closed', closureReason: 'foster_care' });
      expect(facts.closedAt?.toISOString()).to.equal('2026-06-01T00:00:00.000Z');
      const shown = await page(worker, `/cases/${id}?done=close`);
      expect(shown).to.include('The case is closed.').and.include('Foster care');
    });

    it('is offered on the case page to the team’s supervisor, who approves from there; the caseworker sees the proposal waiting', async () => {
      const { id, proposal } = await proposed();
      const theirs = await page(supervisor, `/cases/${id}`);
      expect(theirs).to.include(`action="/cases/${id}/closure/approve"`).and.include(`value="${proposal}"`).and.include(`href="/cases/${id}/closure#return"`);
      expect(theirs).to.include('Fictional closure note.');
      const mine = await page(worker, `/cases/${id}`);
      expect(mine).to.include('Closure proposal').and.include('Waiting for a supervisor of the team to approve it or return it.');
      expect(mine).to.not.include('/closure/approve').and.not.include('Propose closure');
    });

    it('answers 422 to the supervisor who proposed it, audited as their own submission, and another supervisor approves it', async () => {
      const { id, proposal } = await proposed('reintegrated_family', 'Fictional note.', supervisor);
      const before = await snapshot(id);
      const res = await post(supervisor, `/cases/${id}/closure/approve`, { proposal });
      expect(res.status).to.equal(422);
      expect(res.text).to.include(OWN);
      expect(await snapshot(id)).to.equal(before);
      expect(await AuditEntryModel.countDocuments({ action: 'closure_approve', outcome: 'denied', reason: 'own_submission', userId: supervisor.id })).to.equal(1);
      const own = await page(supervisor, `/cases/${id}/closure`);
      expect(own).to.include('You proposed this closure. Another supervisor of the team approves it or returns it.').and.not.include('/closure/approve"');
      expect((await post(supervisor, `/cases/${id}/closure/return`, { proposal, comment: 'Fictional', language: 'en' })).status).to.equal(422);
      expect(await snapshot(id)).to.equal(before);
      expect((await post(second, `/cases/${id}/closure/approve`, { proposal })).status).to.equal(303);
      expect(await CaseModel.findById(id).lean()).to.include({ status: 'closed' });
    });

    it('answers 422 to someone who is both caseworker and supervisor deciding their own proposal', async () => {
      const both = await buildUser({ roles: ['caseworker', 'supervisor'], organisationId: orgId, team: 'north' });
      const { id, proposal } = await proposed('reintegrated_family', 'Fictional note.', both);
      const before = await snapshot(id);
      const res = await post(both, `/cases/${id}/closure/approve`, { proposal });
      expect(res.status).to.equal(422);
      expect(res.text).to.include(OWN);
      expect(await snapshot(id)).to.equal(before);
    });

    it('answers 422 to a proposal already decided, audited as a refused transition, and changes nothing', async () => {
      const { id, proposal } = await proposed();
      expect((await post(supervisor, `/cases/${id}/closure/return`, { proposal, comment: 'Fictional comment.', language: 'en' })).status).to.equal(303);
      const before = await snapshot(id);
      const res = await post(second, `/cases/${id}/closure/approve`, { proposal });
      expect(res.status).to.equal(422);
      expect(res.text).to.include('This proposal is no longer waiting for a decision.');
      expect(await snapshot(id)).to.equal(before);
      expect(await audits('closure_approve', 'denied', 'transition_refused')).to.equal(1);
    });

    it('answers 422 when the case moved on and the proposal’s reason no longer applies', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      await proposeClosure(callerOf(worker, 'north'), id, { reason: 'not_within_mandate', date: '2026-06-01', note: 'Fictional.', language: 'en' });
      const proposal = await waitingProposal(id);
      await makeActive(id);
      const before = await snapshot(id);
      const res = await post(supervisor, `/cases/${id}/closure/approve`, { proposal });
      expect(res.status).to.equal(422);
      expect(res.text).to.include('its reason no longer applies');
      expect(await snapshot(id)).to.equal(before);
    });

    it('answers 404 to a supervisor of another team, 403 to the caseworker, 404 for a proposal of another case', async () => {
      const { id, proposal } = await proposed();
      const elsewhere = await buildUser({ roles: ['supervisor'], organisationId: orgId, team: 'south' });
      const before = await snapshot(id);
      expect((await post(elsewhere, `/cases/${id}/closure/approve`, { proposal })).status).to.equal(404);
      expect(await AuditEntryModel.countDocuments({ action: 'access_denied', recordId: id, userId: elsewhere.id })).to.equal(1);
      expect((await post(worker, `/cases/${id}/closure/approve`, { proposal })).status).to.equal(403);
      const other = await proposed();
      expect((await post(supervisor, `/cases/${id}/closure/approve`, { proposal: other.proposal })).status).to.equal(404);
      expect((await post(supervisor, `/cases/${id}/closure/approve`, { proposal: 'not-an-id' })).status).to.equal(422);
      expect(await snapshot(id)).to.equal(before);
    });
  });

  describe('POST /cases/:id/closure/return', () => {
    it('returns the proposal with a comment the caseworker reads; the case stays as it was; the caseworker proposes again', async () => {
      const { id, proposal } = await proposed();
      const res = await post(supervisor, `/cases/${id}/closure/return`, { proposal, comment: 'Fictional: visit the aunt first.', language: 'en' });
      expect(res.status, res.text.slice(0, 1500)).to.equal(303);
      expect(res.headers.location).to.equal(`/cases/${id}/closure?done=returned`);
      expect(await CaseModel.findById(id).lean()).to.include({ status: 'active', __v: 0 });
      const p = (await ClosureProposalModel.findById(proposal).lean())!;
      expect(p).to.include({ status: 'returned', commentLanguage: 'en' });
      expect(String(p.decidedBy)).to.equal(supervisor.id);
      expect(await audits('closure_return', 'success')).to.equal(1);
      for (const path of [`/cases/${id}/closure`, `/cases/${id}`]) {
        const shown = await page(worker, path);
        expect(shown, path).to.include('Closure proposal returned').and.include('Fictional: visit the aunt first.');
      }
      const again = await post(worker, `/cases/${id}/closure`, { reason: 'kinship_care', date: '2026-06-05', note: 'Fictional: the aunt agreed.', language: 'en' });
      expect(again.status).to.equal(303);
      expect(await ClosureProposalModel.countDocuments({ caseId: id })).to.equal(2);
      expect(await ClosureProposalModel.findOne({ caseId: id, status: 'proposed' }).lean()).to.include({ reason: 'kinship_care' });
      expect(await page(supervisor, `/cases/${id}/closure`)).to.include('Fictional: the aunt agreed.').and.not.include('Fictional: visit the aunt first.');
    });

    it('answers 422 to a return without a comment, and changes nothing', async () => {
      const { id, proposal } = await proposed();
      const before = await snapshot(id);
      const res = await post(supervisor, `/cases/${id}/closure/return`, { proposal, comment: ' ', language: 'en' });
      expect(res.status).to.equal(422);
      expect(res.text).to.include('href="#comment"');
      expect(await snapshot(id)).to.equal(before);
    });
  });

  describe('one proposal at a time', () => {
    it('answers 422 to a second proposal while one waits, audited as a refused transition, and changes nothing', async () => {
      const { id } = await proposed();
      const before = await snapshot(id);
      const res = await post(worker, `/cases/${id}/closure`, { reason: 'kinship_care', date: '2026-06-01', note: 'Fictional.', language: 'en' });
      expect(res.status).to.equal(422);
      expect(res.text).to.include('A closure is already proposed for this case.');
      expect(await snapshot(id)).to.equal(before);
      expect(await audits('closure_propose', 'denied', 'transition_refused')).to.equal(1);
    });

    it('lets only one of two proposals made at the same moment through', async () => {
      const id = await buildCase(worker, {}, { team: 'north' });
      await makeActive(id);
      const input = { reason: 'turned_18', date: '2026-06-01', note: 'Fictional.', language: 'en' };
      const results = await Promise.allSettled([proposeClosure(callerOf(worker, 'north'), id, input), proposeClosure(callerOf(supervisor, 'north'), id, input)]);
      expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
      expect(await ClosureProposalModel.countDocuments({ caseId: id })).to.equal(1);
    });

    it('answers 422 to proposing the closure of a closed case', async () => {
      const { id, proposal } = await proposed();
      expect((await post(supervisor, `/cases/${id}/closure/approve`, { proposal })).status).to.equal(303);
      const res = await post(worker, `/cases/${id}/closure`, { reason: 'other', date: '2026-06-01', note: 'Fictional.', language: 'en' });
      expect(res.status).to.equal(422);
      expect(res.text).to.include('The case is closed.');
      expect(await ClosureProposalModel.countDocuments({ caseId: id })).to.equal(1);
    });
  });

  describe('sealed text (SECURITY.md D1)', () => {
    it('keeps the proposal’s note and the return comment out of the database in the clear, and shows them on the pages', async () => {
      const note = plant(`MARKERclosurenote${randomBytes(6).toString('hex')}`);
      const comment = plant(`MARKERclosurecomment${randomBytes(6).toString('hex')}`);
      const { id, proposal } = await proposed('reintegrated_family', `The family is ready. ${note}`);
      expect((await post(supervisor, `/cases/${id}/closure/return`, { proposal, comment: `Fictional. ${comment}`, language: 'en' })).status).to.equal(303);
      const shown = await page(worker, `/cases/${id}/closure`);
      expect(shown).to.include(note).and.include(comment);
      const db = mongoose.connection.db!;
      for (const c of await db.collections()) {
        const raw = JSON.stringify(await c.find({}).toArray());
        expect(raw, c.collectionName).to.not.include(note).and.not.include(comment);
      }
    });
  });
});
