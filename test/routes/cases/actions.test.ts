/**
 * Every case action of issue 4, through the routes: the status answered, what the database holds
 * afterwards, and the audit entry written (SECURITY.md C2, C5, D1, L1, P1, V3; DOMAIN.md "States").
 */
import { expect } from 'chai';
import type { Express } from 'express';
import type request from 'supertest';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { CaseModel } from '../../../src/models/case.js';
import { CaseChangeModel } from '../../../src/models/case-change.js';
import { CaseNoteModel } from '../../../src/models/case-note.js';
import { CaseTaskModel } from '../../../src/models/case-task.js';
import { ClosureProposalModel } from '../../../src/models/closure-proposal.js';
import { identityOf, unseal, type CaseDetails } from '../../../src/services/cases/records.js';
import { testApp } from '../../helpers/app.js';
import { buildCase, caseDetails, detailsBody } from '../../helpers/cases.js';
import { now } from '../../helpers/clock.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { plant } from '../../helpers/secrets.js';
import { signIn, tokenOf, type Agent } from '../../helpers/session.js';

const MESSAGES = {
  nameRequired: 'Enter at least one name.',
  nameRequiredFr: 'Saisissez au moins un nom.',
  date: 'Enter a real date that is not in the future.',
  controlCharacters: 'Remove the invisible characters (such as tabs or line breaks): this field takes one line of text.',
  unknownField: 'The form contained fields Haven does not accept. Reload the page and try again.',
  fieldNotAllowed: 'Your role may not set this field.',
  invalid: 'This value is not valid.',
  conflict: 'Someone saved this record while you were editing',
};

/** A date `days` from the test clock's today, as a form sends it. */
function dayFromToday(days: number): string {
  return new Date(now() + days * 86_400_000).toISOString().slice(0, 10);
}

const tokens = new WeakMap<Agent, string>();

/** Posts a form with the session's CSRF token, as the browser would. */
async function post(agent: Agent, path: string, body: Record<string, unknown> = {}): Promise<request.Response> {
  let token = tokens.get(agent);
  if (!token) {
    token = await tokenOf(agent, '/account');
    tokens.set(agent, token);
  }
  return agent.post(path).type('form').send({ _csrf: token, ...body });
}

function caseIdFrom(res: request.Response): string {
  const m = /^\/cases\/([0-9a-f]{24})\?/.exec(String(res.headers.location));
  if (!m) throw new Error(`no case in the redirect: ${res.status} ${res.headers.location} ${res.text.slice(0, 500)}`);
  return m[1]!;
}

async function stored(id: string) {
  const c = await CaseModel.findById(id).lean();
  if (!c) throw new Error(`case ${id} is not stored`);
  return c;
}

/** The case as the driver reads it, with every sealed field as stored. */
async function rawCase(id: string): Promise<string> {
  const doc = await CaseModel.collection.findOne({ _id: (await stored(id))._id });
  return JSON.stringify(doc);
}

async function auditCount(filter: Record<string, unknown>): Promise<number> {
  return AuditEntryModel.countDocuments(filter);
}

/** Undoes the escaping Handlebars applies to attribute values. */
function unescapeHtml(s: string): string {
  return s
    .replace(/&#x3D;/g, '=')
    .replace(/&#x27;/g, "'")
    .replace(/&#x60;/g, '`')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The case numbers of the list's rows, in the order shown. */
function listedNumbers(html: string): string[] {
  const body = html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>'));
  return [...body.matchAll(/<tr>\s*<td>(?:<a href="\/cases\/[0-9a-f]{24}">)?([A-Z]{2,12}-\d{4}-\d{5,})/g)].map((m) => m[1]!);
}

function nextLink(html: string): string | undefined {
  const m = /<a href="([^"]+)" rel="next">/.exec(html);
  return m ? unescapeHtml(m[1]!) : undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('case actions of issue 4', () => {
  useDatabase('caseactions');

  let app: Express;
  before(async () => {
    app = await testApp();
  });

  interface Staff {
    org: { id: string; code: string };
    worker: TestUser;
    otherWorker: TestUser;
    supervisor: TestUser;
  }

  /** An NGO with two caseworkers and a supervisor, all in team `north`. */
  async function staff(locale = 'en'): Promise<Staff> {
    const org = await buildOrganisation({ country: 'PH' });
    const worker = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'north', locale });
    const otherWorker = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'north', locale });
    const supervisor = await buildUser({ roles: ['supervisor'], organisationId: org.id, team: 'north', locale });
    return { org, worker, otherWorker, supervisor };
  }

  describe('POST /cases', () => {
    async function expectNothingStored(): Promise<void> {
      expect(await CaseModel.countDocuments({}), 'cases').to.equal(0);
      expect(await CaseChangeModel.countDocuments({}), 'case changes').to.equal(0);
      expect(await auditCount({ action: 'case_create' }), 'case_create audit').to.equal(0);
    }

    it('answers 422 with the translated message to a case without any name, and stores nothing', async () => {
      const { worker } = await staff();
      const agent = await signIn(app, worker);
      const res = await post(agent, '/cases', detailsBody(caseDetails({ givenName: '', familyName: '', givenNameLocal: '', familyNameLocal: '', nickname: '' })));
      expect(res.status).to.equal(422);
      expect(res.text).to.include(MESSAGES.nameRequired).and.not.include('cases:errors.nameRequired');
      await expectNothingStored();
    });

    it('answers 422 in the user’s own language to a case without any name', async () => {
      const { worker } = await staff('fr');
      const agent = await signIn(app, worker);
      const res = await post(agent, '/cases', detailsBody(caseDetails({ givenName: '', familyName: '' })));
      expect(res.status).to.equal(422);
      expect(res.text).to.include(MESSAGES.nameRequiredFr).and.not.include(MESSAGES.nameRequired);
      await expectNothingStored();
    });

    it('registers a case with a given name only', async () => {
      const { worker } = await staff();
      const agent = await signIn(app, worker);
      const res = await post(agent, '/cases', detailsBody(caseDetails({ givenName: plant('Testchildsolo'), familyName: '' })));
      expect(res.status, res.text.slice(0, 2000)).to.equal(303);
      const identity = identityOf(await stored(caseIdFrom(res)));
      expect(identity).to.include({ givenName: 'Testchildsolo', familyName: '', givenNameLocal: '' });
      expect(await auditCount({ action: 'case_create', outcome: 'success', recordId: caseIdFrom(res) })).to.equal(1);
    });

    it('registers a case with a given name in local script only', async () => {
      const { worker } = await staff();
      const agent = await signIn(app, worker);
      const local = plant('ทดสอบสมมุติ');
      const res = await post(agent, '/cases', detailsBody(caseDetails({ givenName: '', familyName: '', givenNameLocal: local })));
      expect(res.status, res.text.slice(0, 2000)).to.equal(303);
      const id = caseIdFrom(res);
      expect(identityOf(await stored(id))).to.include({ givenName: '', familyName: '', givenNameLocal: local });
      expect(await rawCase(id)).to.not.include(local);
    });

    it('answers 422 to an intake date in the future, and stores nothing', async () => {
      const { worker } = await staff();
      const agent = await signIn(app, worker);
      const res = await post(agent, '/cases', detailsBody(caseDetails({ intakeDate: dayFromToday(3) })));
      expect(res.status).to.equal(422);
      expect(res.text).to.include(MESSAGES.date);
      await expectNothingStored();
    });

    it('answers 422 to a location with a control character in it, and stores nothing', async () => {
      const { worker } = await staff();
      const agent = await signIn(app, worker);
      const res = await post(agent, '/cases', detailsBody(caseDetails({ location: 'Near the market,\u0000Demo town' })));
      expect(res.status).to.equal(422);
      expect(res.text).to.include(MESSAGES.controlCharacters);
      await expectNothingStored();
    });

    it('reads an estimated age typed in Thai digits (๑๒) as 12', async () => {
      const { worker } = await staff();
      const agent = await signIn(app, worker);
      const res = await post(agent, '/cases', detailsBody(caseDetails({ dateOfBirth: '', estimatedAge: '๑๒' })));
      expect(res.status, res.text.slice(0, 2000)).to.equal(303);
      expect(identityOf(await stored(caseIdFrom(res))).estimatedAge).to.equal('12');
    });

    for (const [field, value] of [
      ['status', 'closed'],
      ['organisationId', '0123456789abcdef01234567'],
      ['caseNumber', 'PH-2026-99999'],
      ['team', 'south'],
      ['_id', '0123456789abcdef01234567'],
    ] as const) {
      it(`answers 422 to a registration carrying \`${field}\`, and stores nothing (C5)`, async () => {
        const { worker } = await staff();
        const agent = await signIn(app, worker);
        const res = await post(agent, '/cases', { ...detailsBody(caseDetails()), [field]: value });
        expect(res.status).to.equal(422);
        expect(res.text).to.include(MESSAGES.unknownField);
        await expectNothingStored();
      });
    }

    it('answers 422 to a caseworker naming caseworkers, stores nothing and audits field_not_allowed', async () => {
      const { worker, otherWorker } = await staff();
      const agent = await signIn(app, worker);
      const res = await post(agent, '/cases', { ...detailsBody(caseDetails()), caseworkerIds: [otherWorker.id] });
      expect(res.status).to.equal(422);
      expect(res.text).to.include(MESSAGES.fieldNotAllowed);
      await expectNothingStored();
      expect(await auditCount({ action: 'case_assign', outcome: 'denied', reason: 'field_not_allowed', userId: worker.id })).to.equal(1);
    });

    it('answers 422 to a caseworker naming a supervisor, and stores nothing', async () => {
      const { worker, supervisor } = await staff();
      const agent = await signIn(app, worker);
      const res = await post(agent, '/cases', { ...detailsBody(caseDetails()), supervisorId: supervisor.id });
      expect(res.status).to.equal(422);
      await expectNothingStored();
      expect(await auditCount({ action: 'case_assign', outcome: 'denied', reason: 'field_not_allowed', userId: worker.id })).to.equal(1);
    });

    it('lets a supervisor assign a caseworker of their organisation at registration', async () => {
      const { worker, supervisor } = await staff();
      const agent = await signIn(app, supervisor);
      const res = await post(agent, '/cases', { ...detailsBody(caseDetails()), caseworkerIds: [worker.id] });
      expect(res.status, res.text.slice(0, 2000)).to.equal(303);
      const id = caseIdFrom(res);
      const c = await stored(id);
      expect(c.caseworkerIds.map(String)).to.deep.equal([worker.id]);
      expect(String(c.supervisorId)).to.equal(supervisor.id);
      expect(c.team).to.equal('north');
      expect((await (await signIn(app, worker)).get(`/cases/${id}`)).status).to.equal(200);
    });

    it('answers 422 to a supervisor assigning a user of another organisation, and stores nothing', async () => {
      const { supervisor } = await staff();
      const elsewhere = await buildUser({ roles: ['caseworker'], team: 'north' });
      const agent = await signIn(app, supervisor);
      const res = await post(agent, '/cases', { ...detailsBody(caseDetails()), caseworkerIds: [elsewhere.id] });
      expect(res.status).to.equal(422);
      expect(res.text).to.include(MESSAGES.invalid);
      await expectNothingStored();
    });
  });

  describe('POST /cases/:id', () => {
    it('saves an edit made from the current version, with the earlier values sealed in the history', async () => {
      const { worker } = await staff();
      const before = plant('Testchildbefore');
      const after = plant('Testchildafter');
      const details = caseDetails({ givenName: before, riskLevel: 'high' });
      const id = await buildCase(worker, details, { team: 'north' });
      const agent = await signIn(app, worker);
      const res = await post(agent, `/cases/${id}`, { ...detailsBody({ ...details, givenName: after, riskLevel: 'critical' }), version: '0' });
      expect(res.status, res.text.slice(0, 2000)).to.equal(303);
      expect(res.headers.location).to.equal(`/cases/${id}?done=saved`);
      const c = await stored(id);
      expect(c).to.include({ riskLevel: 'critical', riskRank: 3, __v: 1 });
      expect(identityOf(c).givenName).to.equal(after);
      const change = await CaseChangeModel.findOne({ caseId: c._id, kind: 'update' }).lean();
      expect(change, 'history entry').to.not.equal(null);
      expect(change!.fields).to.have.members(['riskLevel', 'givenName']).and.have.length(2);
      expect(String(change!.userId)).to.equal(worker.id);
      expect(change!.previous).to.be.a('string').and.not.include(before);
      expect(unseal<Record<string, unknown>>(change!.previous, {})).to.deep.equal({ riskLevel: 'high', givenName: before });
      expect(await auditCount({ action: 'case_update', outcome: 'success', recordId: id, userId: worker.id })).to.equal(1);
    });

    it('answers 409 to an edit from an older version that changes a field saved meanwhile, and changes nothing', async () => {
      const { worker, otherWorker, supervisor } = await staff();
      const details = caseDetails({ riskLevel: 'high' });
      const id = await buildCase(supervisor, details, { team: 'north', assignment: { caseworkerIds: [worker.id, otherWorker.id] } });
      const first = await signIn(app, worker);
      const second = await signIn(app, otherWorker);
      expect((await post(first, `/cases/${id}`, { ...detailsBody({ ...details, riskLevel: 'critical' }), version: '0' })).status).to.equal(303);
      const res = await post(second, `/cases/${id}`, { ...detailsBody({ ...details, riskLevel: 'low', school: 'Demo school' }), version: '0' });
      expect(res.status).to.equal(409);
      expect(res.text).to.include(MESSAGES.conflict);
      const c = await stored(id);
      expect(c).to.include({ riskLevel: 'critical', __v: 1 });
      expect(identityOf(c).school).to.equal('');
      expect(await CaseChangeModel.countDocuments({ caseId: c._id, kind: 'update' })).to.equal(1);
      expect(await auditCount({ action: 'case_update', outcome: 'failure', reason: 'stale_version', recordId: id, userId: otherWorker.id })).to.equal(1);
    });

    for (const [field, value] of [
      ['status', 'closed'],
      ['caseworkerIds', '0123456789abcdef01234567'],
      ['organisationId', '0123456789abcdef01234567'],
    ] as const) {
      it(`answers 422 to an edit carrying \`${field}\`, and changes nothing (C5)`, async () => {
        const { worker } = await staff();
        const details = caseDetails({ riskLevel: 'high' });
        const id = await buildCase(worker, details, { team: 'north' });
        const res = await post(await signIn(app, worker), `/cases/${id}`, { ...detailsBody({ ...details, riskLevel: 'low' }), version: '0', [field]: value });
        expect(res.status).to.equal(422);
        expect(res.text).to.include(MESSAGES.unknownField);
        const c = await stored(id);
        expect(c).to.include({ status: 'open', riskLevel: 'high', __v: 0 });
        expect(c.caseworkerIds.map(String)).to.deep.equal([worker.id]);
        expect(await auditCount({ action: 'case_update' })).to.equal(0);
      });
    }

    it('saves an edit from an older version when only the family changed meanwhile', async () => {
      const { worker } = await staff();
      const details = caseDetails({ riskLevel: 'high' });
      const id = await buildCase(worker, details, { team: 'north' });
      const agent = await signIn(app, worker);
      const family = await post(agent, `/cases/${id}/family`, { relationship: 'aunt', exploitationRole: 'none', givenName: 'Demoaunt' });
      expect(family.status, family.text.slice(0, 2000)).to.equal(303);
      const res = await post(agent, `/cases/${id}`, { ...detailsBody({ ...details, riskLevel: 'medium' }), version: '0' });
      expect(res.status, res.text.slice(0, 2000)).to.equal(303);
      expect(await stored(id)).to.include({ riskLevel: 'medium', __v: 2 });
    });
  });

  describe('GET and POST /cases/:id/assign', () => {
    it('answers 403 to a caseworker, and changes nothing', async () => {
      const { worker, otherWorker } = await staff();
      const id = await buildCase(worker, {}, { team: 'north' });
      const agent = await signIn(app, worker);
      expect((await agent.get(`/cases/${id}/assign`)).status).to.equal(403);
      expect((await post(agent, `/cases/${id}/assign`, { caseworkerIds: [otherWorker.id], version: '0' })).status).to.equal(403);
      expect((await stored(id)).caseworkerIds.map(String)).to.deep.equal([worker.id]);
      expect(await auditCount({ action: 'access_denied', reason: 'no_permission', userId: worker.id })).to.equal(2);
      expect(await auditCount({ action: 'case_assign', outcome: 'success' })).to.equal(0);
    });

    it('shows the assignment form to the supervisor of the team', async () => {
      const { worker, otherWorker, supervisor } = await staff();
      const id = await buildCase(worker, {}, { team: 'north' });
      const res = await (await signIn(app, supervisor)).get(`/cases/${id}/assign`);
      expect(res.status).to.equal(200);
      expect(res.text).to.include(`value="${worker.id}" checked`).and.include(`value="${otherWorker.id}"`);
    });

    it('moves the case to the newly assigned caseworker: they open it, the one removed gets 404', async () => {
      const { worker, otherWorker, supervisor } = await staff();
      const id = await buildCase(worker, {}, { team: 'north' });
      const res = await post(await signIn(app, supervisor), `/cases/${id}/assign`, { caseworkerIds: [otherWorker.id], version: '0' });
      expect(res.status, res.text.slice(0, 2000)).to.equal(303);
      const c = await stored(id);
      expect(c.caseworkerIds.map(String)).to.deep.equal([otherWorker.id]);
      const change = await CaseChangeModel.findOne({ caseId: c._id, kind: 'assign' }).lean();
      expect(change!.fields).to.deep.equal(['assignment']);
      expect(unseal<{ caseworkerIds: string[] }>(change!.previous, { caseworkerIds: [] }).caseworkerIds).to.deep.equal([worker.id]);
      expect(await auditCount({ action: 'case_assign', outcome: 'success', recordId: id, userId: supervisor.id })).to.equal(1);
      expect((await (await signIn(app, otherWorker)).get(`/cases/${id}`)).status).to.equal(200);
      const removed = await (await signIn(app, worker)).get(`/cases/${id}`);
      expect(removed.status).to.equal(404);
      expect(await auditCount({ action: 'access_denied', reason: 'out_of_scope', recordId: id, userId: worker.id })).to.equal(1);
    });

    it('answers 422 to assigning a caseworker of another organisation, and changes nothing', async () => {
      const { worker, supervisor } = await staff();
      const elsewhere = await buildUser({ roles: ['caseworker'], team: 'north' });
      const id = await buildCase(worker, {}, { team: 'north' });
      const res = await post(await signIn(app, supervisor), `/cases/${id}/assign`, { caseworkerIds: [elsewhere.id], version: '0' });
      expect(res.status).to.equal(422);
      expect(await stored(id)).to.include({ __v: 0 });
      expect((await stored(id)).caseworkerIds.map(String)).to.deep.equal([worker.id]);
    });
  });

  describe('POST /cases/:id/closure, /closure/approve and /closure/reopen', () => {
    async function activeCase(s: Staff): Promise<string> {
      const id = await buildCase(s.worker, {}, { team: 'north' });
      // The care-plan feature moves a case to active; here the driver does.
      await CaseModel.collection.updateOne({ _id: (await stored(id))._id }, { $set: { status: 'active' } });
      return id;
    }

    const proposal = (reason: string) => ({ reason, date: '2026-06-01', note: 'Fictional note.', language: 'en' });

    it('answers 422 to proposing an open case with a reason that does not apply at intake, changes nothing and audits the refusal', async () => {
      const s = await staff();
      const id = await buildCase(s.worker, {}, { team: 'north' });
      const res = await post(await signIn(app, s.worker), `/cases/${id}/closure`, proposal('reintegrated_family'));
      expect(res.status).to.equal(422);
      expect(res.text).to.include('This reason does not apply to a case still at intake.');
      const c = await stored(id);
      expect(c).to.include({ status: 'open', __v: 0 });
      expect(c.closure?.reason).to.equal(undefined);
      expect(await auditCount({ action: 'closure_propose', outcome: 'denied', reason: 'transition_refused', recordId: id, userId: s.worker.id })).to.equal(1);
    });

    it('answers 422 to reopening an open case (open becomes active only by an approved care plan)', async () => {
      const s = await staff();
      const id = await buildCase(s.worker, {}, { team: 'north' });
      const res = await post(await signIn(app, s.supervisor), `/cases/${id}/closure/reopen`, { reopenReason: 'new_risk', reopenDate: '2026-06-01', version: '0' });
      expect(res.status).to.equal(422);
      expect(await stored(id)).to.include({ status: 'open' });
    });

    it('closes an active case by a proposal and its approval, reopens it to active, and refuses to approve it twice', async () => {
      const s = await staff();
      const id = await activeCase(s);
      expect((await post(await signIn(app, s.worker), `/cases/${id}/closure`, proposal('reintegrated_family'))).status).to.equal(303);
      const waiting = String((await ClosureProposalModel.findOne({ caseId: id }).lean())!._id);
      const agent = await signIn(app, s.supervisor);
      const closed = await post(agent, `/cases/${id}/closure/approve`, { proposal: waiting });
      expect(closed.status, closed.text.slice(0, 2000)).to.equal(303);
      expect(closed.headers.location).to.equal(`/cases/${id}?done=close`);
      let c = await stored(id);
      expect(c).to.include({ status: 'closed', __v: 1 });
      expect(c.closure?.reason).to.equal('reintegrated_family');
      expect(c.closure?.date?.toISOString()).to.equal('2026-06-01T00:00:00.000Z');
      expect(String(c.closure?.by)).to.equal(s.supervisor.id);
      expect(await auditCount({ action: 'closure_approve', outcome: 'success', recordId: id })).to.equal(1);

      const again = await post(agent, `/cases/${id}/closure/approve`, { proposal: waiting });
      expect(again.status).to.equal(422);
      c = await stored(id);
      expect(c).to.include({ status: 'closed', __v: 1 });
      expect(await auditCount({ action: 'closure_approve', outcome: 'denied', reason: 'transition_refused', recordId: id })).to.equal(1);

      const reopened = await post(agent, `/cases/${id}/closure/reopen`, { reopenReason: 'placement_breakdown', reopenDate: '2026-06-03', version: '1' });
      expect(reopened.status, reopened.text.slice(0, 2000)).to.equal(303);
      c = await stored(id);
      expect(c).to.include({ status: 'active', __v: 2 });
      expect(c.closure?.reason).to.equal(undefined);
      expect(await CaseChangeModel.find({ caseId: c._id }).sort({ version: 1 }).distinct('kind')).to.have.members(['create', 'close', 'reopen']);
      expect(await auditCount({ action: 'case_status', outcome: 'success', recordId: id })).to.equal(1);
    });

    it('answers 422 to proposing with a reason that is not a closure reason, and changes nothing', async () => {
      const s = await staff();
      const id = await activeCase(s);
      const agent = await signIn(app, s.worker);
      for (const reason of ['not_a_reason', 'new_risk', '']) {
        const res = await post(agent, `/cases/${id}/closure`, proposal(reason));
        expect(res.status, reason).to.equal(422);
      }
      expect(await stored(id)).to.include({ status: 'active', __v: 0 });
      expect(await ClosureProposalModel.countDocuments({ caseId: id })).to.equal(0);
    });

    it('answers 403 to a caseworker approving a closure', async () => {
      const s = await staff();
      const id = await activeCase(s);
      const agent = await signIn(app, s.worker);
      expect((await post(agent, `/cases/${id}/closure`, proposal('reintegrated_family'))).status).to.equal(303);
      const waiting = String((await ClosureProposalModel.findOne({ caseId: id }).lean())!._id);
      const res = await post(agent, `/cases/${id}/closure/approve`, { proposal: waiting });
      expect(res.status).to.equal(403);
      expect(await stored(id)).to.include({ status: 'active' });
    });
  });

  describe('POST /cases/:id/family and /cases/:id/family/:memberId', () => {
    const MEMBER = { relationship: 'mother', exploitationRole: 'suspected', livesWithChild: 'on', familyName: 'Fictional', age: '38', contact: '+63 900 000 0000', protectiveFactors: '' };

    it('adds a family member, sealed', async () => {
      const { worker } = await staff();
      const id = await buildCase(worker, {}, { team: 'north' });
      const name = plant('Demomotherone');
      const res = await post(await signIn(app, worker), `/cases/${id}/family`, { ...MEMBER, givenName: name });
      expect(res.status, res.text.slice(0, 2000)).to.equal(303);
      const c = await stored(id);
      expect(c.family).to.have.length(1);
      expect(c.family[0]).to.include({ relationship: 'mother', exploitationRole: 'suspected', livesWithChild: true, guardian: false });
      expect(unseal<Record<string, string>>(c.family[0]!.secret, {})).to.include({ givenName: name, age: '38' });
      expect(await rawCase(id)).to.not.include(name).and.not.include('+63 900');
      expect(await CaseChangeModel.countDocuments({ caseId: c._id, kind: 'family_add', fields: 'family' })).to.equal(1);
      expect(await auditCount({ action: 'case_update', outcome: 'success', recordId: id, userId: worker.id })).to.equal(1);
    });

    it('saves an edit of a family member made from the current version', async () => {
      const { worker } = await staff();
      const id = await buildCase(worker, {}, { team: 'north' });
      const agent = await signIn(app, worker);
      const first = plant('Demomotherbefore');
      const second = plant('Demomotherafter');
      expect((await post(agent, `/cases/${id}/family`, { ...MEMBER, givenName: first })).status).to.equal(303);
      const c = await stored(id);
      const memberId = String(c.family[0]!._id);
      const res = await post(agent, `/cases/${id}/family/${memberId}`, { ...MEMBER, exploitationRole: 'confirmed', givenName: second, version: String(c.__v) });
      expect(res.status, res.text.slice(0, 2000)).to.equal(303);
      const after = await stored(id);
      expect(after.family).to.have.length(1);
      expect(String(after.family[0]!._id)).to.equal(memberId);
      expect(after.family[0]).to.include({ exploitationRole: 'confirmed' });
      expect(unseal<Record<string, string>>(after.family[0]!.secret, {}).givenName).to.equal(second);
      const change = await CaseChangeModel.findOne({ caseId: c._id, kind: 'family_update' }).lean();
      expect(change!.previous).to.not.include(first);
      expect(unseal<{ family: Record<string, unknown> }>(change!.previous, { family: {} }).family).to.include({ givenName: first, exploitationRole: 'suspected' });
    });

    it('answers 409 to an edit from a version older than another family change, and changes nothing', async () => {
      const { worker } = await staff();
      const id = await buildCase(worker, {}, { team: 'north' });
      const agent = await signIn(app, worker);
      expect((await post(agent, `/cases/${id}/family`, { ...MEMBER, givenName: 'Demomotherstale' })).status).to.equal(303);
      const read = await stored(id);
      const memberId = String(read.family[0]!._id);
      // Someone adds another member after the form was opened.
      expect((await post(agent, `/cases/${id}/family`, { ...MEMBER, relationship: 'uncle', givenName: 'Demouncle' })).status).to.equal(303);
      const res = await post(agent, `/cases/${id}/family/${memberId}`, { ...MEMBER, givenName: 'Demomotherlost', version: String(read.__v) });
      expect(res.status).to.equal(409);
      expect(res.text).to.include(MESSAGES.conflict);
      const c = await stored(id);
      expect(c.family).to.have.length(2);
      expect(unseal<Record<string, string>>(c.family[0]!.secret, {}).givenName).to.equal('Demomotherstale');
      expect(await CaseChangeModel.countDocuments({ caseId: c._id, kind: 'family_update' })).to.equal(0);
    });

    it('answers 404 to a family member of another case, and changes neither', async () => {
      const { worker } = await staff();
      const mine = await buildCase(worker, {}, { team: 'north' });
      const other = await buildCase(worker, {}, { team: 'north' });
      const agent = await signIn(app, worker);
      expect((await post(agent, `/cases/${other}/family`, { ...MEMBER, givenName: 'Demoothercase' })).status).to.equal(303);
      const otherCase = await stored(other);
      const memberId = String(otherCase.family[0]!._id);
      expect((await agent.get(`/cases/${mine}/family/${memberId}`)).status).to.equal(404);
      const res = await post(agent, `/cases/${mine}/family/${memberId}`, { ...MEMBER, givenName: 'Demohijack', version: '0' });
      expect(res.status).to.equal(404);
      expect((await stored(mine)).family).to.have.length(0);
      expect(unseal<Record<string, string>>((await stored(other)).family[0]!.secret, {}).givenName).to.equal('Demoothercase');
    });
  });

  describe('POST /cases/:id/consents', () => {
    const CONSENT = { purpose: 'services', organisationId: '', givenBy: 'guardian', date: '2026-05-10', formVersion: 'demo-v1' };

    it('records a consent for services', async () => {
      const { worker } = await staff();
      const id = await buildCase(worker, {}, { team: 'north' });
      const res = await post(await signIn(app, worker), `/cases/${id}/consents`, CONSENT);
      expect(res.status, res.text.slice(0, 2000)).to.equal(303);
      const c = await stored(id);
      expect(c.consents).to.have.length(1);
      expect(c.consents[0]).to.include({ purpose: 'services', givenBy: 'guardian', formVersion: 'demo-v1' });
      expect(c.consents[0]!.organisationId).to.equal(undefined);
      expect(c.consents[0]!.date.toISOString()).to.equal('2026-05-10T00:00:00.000Z');
      expect(String(c.consents[0]!.recordedBy)).to.equal(worker.id);
      expect(await CaseChangeModel.countDocuments({ caseId: c._id, kind: 'consent_add' })).to.equal(1);
      expect(await auditCount({ action: 'case_update', outcome: 'success', recordId: id })).to.equal(1);
    });

    it('answers 422 to a consent to referral that names no organisation, and stores nothing', async () => {
      const { worker } = await staff();
      const id = await buildCase(worker, {}, { team: 'north' });
      const res = await post(await signIn(app, worker), `/cases/${id}/consents`, { ...CONSENT, purpose: 'referral' });
      expect(res.status).to.equal(422);
      expect((await stored(id)).consents).to.have.length(0);
    });

    it('records a consent to referral to a named partner organisation', async () => {
      const { worker } = await staff();
      const partner = await buildOrganisation({ kind: 'partner', name: { en: 'Demo Shelter (fictional)' } });
      const id = await buildCase(worker, {}, { team: 'north' });
      const agent = await signIn(app, worker);
      const res = await post(agent, `/cases/${id}/consents`, { ...CONSENT, purpose: 'referral', organisationId: partner.id, givenBy: 'child_assent' });
      expect(res.status, res.text.slice(0, 2000)).to.equal(303);
      const c = await stored(id);
      expect(c.consents).to.have.length(1);
      expect(c.consents[0]).to.include({ purpose: 'referral', givenBy: 'child_assent' });
      expect(String(c.consents[0]!.organisationId)).to.equal(partner.id);
      expect((await agent.get(`/cases/${id}`)).text).to.include('Demo Shelter (fictional)');
    });

    it('withdraws a consent once; withdrawing it again answers 422 and changes nothing', async () => {
      const { worker } = await staff();
      const id = await buildCase(worker, {}, { team: 'north' });
      const agent = await signIn(app, worker);
      expect((await post(agent, `/cases/${id}/consents`, CONSENT)).status).to.equal(303);
      const consentId = String((await stored(id)).consents[0]!._id);
      const withdrawal = { date: dayFromToday(0), reason: 'The guardian asked to stop (fictional).' };
      const res = await post(agent, `/cases/${id}/consents/${consentId}/withdraw`, withdrawal);
      expect(res.status, res.text.slice(0, 2000)).to.equal(303);
      const withdrawn = (await stored(id)).consents[0]!;
      expect(withdrawn.withdrawnAt).to.be.instanceOf(Date);
      expect(String(withdrawn.withdrawnBy)).to.equal(worker.id);
      const again = await post(agent, `/cases/${id}/consents/${consentId}/withdraw`, withdrawal);
      expect(again.status).to.equal(422);
      const c = await stored(id);
      expect(c.consents[0]!.withdrawnAt!.getTime()).to.equal(withdrawn.withdrawnAt!.getTime());
      expect(await CaseChangeModel.countDocuments({ caseId: c._id, kind: 'consent_withdraw' })).to.equal(1);
    });

    it('answers 422 to a consent dated in the future, and stores nothing', async () => {
      const { worker } = await staff();
      const id = await buildCase(worker, {}, { team: 'north' });
      const res = await post(await signIn(app, worker), `/cases/${id}/consents`, { ...CONSENT, date: dayFromToday(3) });
      expect(res.status).to.equal(422);
      expect(res.text).to.include(MESSAGES.date);
      expect((await stored(id)).consents).to.have.length(0);
    });

    it('answers 422 to a consent dated on a day that does not exist (30 February), and stores nothing', async () => {
      const { worker } = await staff();
      const id = await buildCase(worker, {}, { team: 'north' });
      const res = await post(await signIn(app, worker), `/cases/${id}/consents`, { ...CONSENT, date: '2026-02-30' });
      expect(res.status).to.equal(422);
      expect((await stored(id)).consents).to.have.length(0);
    });
  });

  describe('POST /cases/:id/notes and /cases/:id/tasks', () => {
    it('saves a note with its language and shows its text inside an element tagged with that language', async () => {
      const { worker } = await staff();
      const id = await buildCase(worker, {}, { team: 'north' });
      const agent = await signIn(app, worker);
      const text = plant('เยี่ยมบ้านทดสอบ สมมุติ');
      const res = await post(agent, `/cases/${id}/notes`, { type: 'home_visit', date: '2026-06-01', language: 'th', text });
      expect(res.status, res.text.slice(0, 2000)).to.equal(303);
      const note = await CaseNoteModel.findOne({ caseId: (await stored(id))._id }).lean();
      expect(note).to.include({ type: 'home_visit', language: 'th' });
      expect(note!.secret).to.not.include(text);
      expect(unseal<{ text: string }>(note!.secret, { text: '' }).text).to.equal(text);
      expect(await auditCount({ action: 'case_update', outcome: 'success', recordId: id })).to.equal(1);
      const page = await agent.get(`/cases/${id}`);
      expect(page.text).to.match(new RegExp(`<(\\w+)[^>]*\\slang="th"[^>]*>\\s*${escapeRegExp(text)}\\s*</\\1>`));
    });

    it('answers 422 to a note without text, and stores nothing', async () => {
      const { worker } = await staff();
      const id = await buildCase(worker, {}, { team: 'north' });
      const res = await post(await signIn(app, worker), `/cases/${id}/notes`, { type: 'phone', date: '2026-06-01', language: 'en', text: '   ' });
      expect(res.status).to.equal(422);
      expect(await CaseNoteModel.countDocuments({})).to.equal(0);
    });

    it('answers 422 to a note dated on a day that does not exist (30 February), and stores nothing', async () => {
      const { worker } = await staff();
      const id = await buildCase(worker, {}, { team: 'north' });
      const res = await post(await signIn(app, worker), `/cases/${id}/notes`, { type: 'phone', date: '2026-02-30', language: 'en', text: 'Demo call' });
      expect(res.status).to.equal(422);
      expect(await CaseNoteModel.countDocuments({})).to.equal(0);
    });

    it('adds a task and marks it done once; marking it done again answers 404', async () => {
      const { worker } = await staff();
      const id = await buildCase(worker, {}, { team: 'north' });
      const agent = await signIn(app, worker);
      const title = plant('Demo task: call the fictional school');
      const added = await post(agent, `/cases/${id}/tasks`, { title, dueDate: '2026-12-15' });
      expect(added.status, added.text.slice(0, 2000)).to.equal(303);
      const task = await CaseTaskModel.findOne({ caseId: (await stored(id))._id }).lean();
      expect(task!.secret).to.not.include(title);
      expect(unseal<{ title: string }>(task!.secret, { title: '' }).title).to.equal(title);
      expect(task!.dueDate.toISOString()).to.equal('2026-12-15T00:00:00.000Z');
      expect(task!.doneAt).to.equal(undefined);

      const done = await post(agent, `/cases/${id}/tasks/${String(task!._id)}/done`);
      expect(done.status, done.text.slice(0, 2000)).to.equal(303);
      const doneTask = await CaseTaskModel.findById(task!._id).lean();
      expect(doneTask!.doneAt).to.be.instanceOf(Date);
      expect(String(doneTask!.doneBy)).to.equal(worker.id);

      const twice = await post(agent, `/cases/${id}/tasks/${String(task!._id)}/done`);
      expect(twice.status).to.equal(404);
      expect((await CaseTaskModel.findById(task!._id).lean())!.doneAt!.getTime()).to.equal(doneTask!.doneAt!.getTime());
      expect(await auditCount({ action: 'case_update', outcome: 'success', recordId: id })).to.equal(2);
    });

    it('answers 422 to a task due on a day that does not exist (31 April), and stores nothing', async () => {
      const { worker } = await staff();
      const id = await buildCase(worker, {}, { team: 'north' });
      const res = await post(await signIn(app, worker), `/cases/${id}/tasks`, { title: 'Demo task', dueDate: '2026-04-31' });
      expect(res.status).to.equal(422);
      expect(await CaseTaskModel.countDocuments({})).to.equal(0);
    });

    it('answers 404 to marking done a task of another case, and leaves it open', async () => {
      const { worker } = await staff();
      const mine = await buildCase(worker, {}, { team: 'north' });
      const other = await buildCase(worker, {}, { team: 'north' });
      const agent = await signIn(app, worker);
      expect((await post(agent, `/cases/${other}/tasks`, { title: 'Demo other task', dueDate: '2026-12-15' })).status).to.equal(303);
      const task = await CaseTaskModel.findOne({}).lean();
      const res = await post(agent, `/cases/${mine}/tasks/${String(task!._id)}/done`);
      expect(res.status).to.equal(404);
      expect((await CaseTaskModel.findById(task!._id).lean())!.doneAt).to.equal(undefined);
    });
  });

  describe('GET /cases/:id/history', () => {
    it('shows the supervisor the earlier values, and audits the view', async () => {
      const { worker, supervisor } = await staff();
      const before = plant('Testchildearlier');
      const details = caseDetails({ givenName: before });
      const id = await buildCase(worker, details, { team: 'north' });
      const edit = await post(await signIn(app, worker), `/cases/${id}`, { ...detailsBody({ ...details, givenName: 'Testchildlater' }), version: '0' });
      expect(edit.status).to.equal(303);
      const page = await (await signIn(app, supervisor)).get(`/cases/${id}/history`);
      expect(page.status).to.equal(200);
      expect(page.text).to.include(before).and.include('Details changed');
      expect(await auditCount({ action: 'case_history_view', outcome: 'success', recordId: id, userId: supervisor.id })).to.equal(1);
    });

    it('answers 403 to a caseworker, showing no earlier values', async () => {
      const { worker } = await staff();
      const before = plant('Testchildhistoric');
      const details = caseDetails({ givenName: before });
      const id = await buildCase(worker, details, { team: 'north' });
      const agent = await signIn(app, worker);
      expect((await post(agent, `/cases/${id}`, { ...detailsBody({ ...details, givenName: 'Testchildnow' }), version: '0' })).status).to.equal(303);
      const page = await agent.get(`/cases/${id}/history`);
      expect(page.status).to.equal(403);
      expect(page.text).to.not.include(before);
      expect(await auditCount({ action: 'case_history_view' })).to.equal(0);
      expect(await auditCount({ action: 'access_denied', reason: 'no_permission', userId: worker.id })).to.equal(1);
    });
  });

  describe('GET /cases', () => {
    async function listed(agent: Agent, query = ''): Promise<string[]> {
      const res = await agent.get(`/cases${query}`);
      expect(res.status, `${query} ${res.text.slice(0, 1000)}`).to.equal(200);
      return listedNumbers(res.text);
    }

    async function numberOf(id: string): Promise<string> {
      return (await stored(id)).caseNumber;
    }

    it('shows only the rows matching each filter: status, risk, type, caseworker, team', async () => {
      const { org, worker, otherWorker, supervisor } = await staff();
      const a = await buildCase(supervisor, { riskLevel: 'high', exploitationTypes: ['livestream_abuse'] }, { team: 'north', assignment: { caseworkerIds: [worker.id] } });
      const b = await buildCase(supervisor, { riskLevel: 'low', exploitationTypes: ['online_grooming'] }, { team: 'south', assignment: { caseworkerIds: [otherWorker.id] } });
      const c = await buildCase(supervisor, { riskLevel: 'critical', exploitationTypes: ['trafficking_labour', 'abuse_images'] }, { team: 'north', assignment: { caseworkerIds: [worker.id, otherWorker.id] } });
      await CaseModel.collection.updateOne({ _id: (await stored(b))._id }, { $set: { status: 'active' } });
      await CaseModel.collection.updateOne({ _id: (await stored(c))._id }, { $set: { status: 'closed' } });
      // A case of another team, under another supervisor: never in this supervisor's list.
      const eastSupervisor = await buildUser({ roles: ['supervisor'], organisationId: org.id, team: 'east' });
      const hidden = await buildCase(eastSupervisor, { riskLevel: 'critical' }, { team: 'east' });
      const [na, nb, nc, nh] = [await numberOf(a), await numberOf(b), await numberOf(c), await numberOf(hidden)];
      const agent = await signIn(app, supervisor);
      expect(await listed(agent)).to.have.members([na, nb, nc]).and.have.length(3);
      expect(await listed(agent, '?status=open')).to.deep.equal([na]);
      expect(await listed(agent, '?status=active')).to.deep.equal([nb]);
      expect(await listed(agent, '?status=closed')).to.deep.equal([nc]);
      expect(await listed(agent, '?risk=critical')).to.deep.equal([nc]);
      expect(await listed(agent, '?risk=low')).to.deep.equal([nb]);
      expect(await listed(agent, '?type=online_grooming')).to.deep.equal([nb]);
      expect(await listed(agent, '?type=abuse_images')).to.deep.equal([nc]);
      expect(await listed(agent, `?caseworker=${worker.id}`)).to.have.members([na, nc]).and.have.length(2);
      expect(await listed(agent, `?caseworker=${otherWorker.id}`)).to.have.members([nb, nc]).and.have.length(2);
      expect(await listed(agent, '?team=south')).to.deep.equal([nb]);
      expect(await listed(agent, '?team=north&status=open')).to.deep.equal([na]);
      expect(await listed(agent, '?team=east')).to.deep.equal([]);
      expect(await listed(agent, '?risk=critical&team=east')).to.not.include(nh);
    });

    it('orders rows by each sort option', async () => {
      const { worker } = await staff();
      const ids = [
        await buildCase(worker, { intakeDate: '2026-01-10', riskLevel: 'medium' }),
        await buildCase(worker, { intakeDate: '2026-03-01', riskLevel: 'low' }),
        await buildCase(worker, { intakeDate: '2025-12-01', riskLevel: 'critical' }),
        await buildCase(worker, { intakeDate: '2026-02-01', riskLevel: 'high' }),
      ];
      const [a, b, c, d] = await Promise.all(ids.map(numberOf));
      const agent = await signIn(app, worker);
      expect(await listed(agent)).to.deep.equal([d, c, b, a]);
      expect(await listed(agent, '?sort=newest')).to.deep.equal([d, c, b, a]);
      expect(await listed(agent, '?sort=oldest')).to.deep.equal([a, b, c, d]);
      expect(await listed(agent, '?sort=intake')).to.deep.equal([b, d, a, c]);
      expect(await listed(agent, '?sort=risk')).to.deep.equal([c, d, a, b]);
      expect((await agent.get('/cases?sort=alphabetical')).status).to.equal(422);
    });

    it('pages 120 cases as ranges of 50, 50 and 20 for every sort, with no overlap and no gaps', async function () {
      this.timeout(180_000);
      const { worker } = await staff();
      const risks = ['low', 'medium', 'high', 'critical'] as const;
      const dates = ['2026-01-05', '2026-02-05', '2026-03-05', '2026-04-05', '2026-05-05'];
      for (let i = 0; i < 120; i++) {
        await buildCase(worker, { riskLevel: risks[i % risks.length]!, intakeDate: dates[i % dates.length]! } as Partial<CaseDetails>, { team: 'north' });
      }
      const all = await CaseModel.find({}).select({ caseNumber: 1, riskRank: 1, intake: 1 }).lean();
      const byIdDesc = (x: (typeof all)[number], y: (typeof all)[number]) => (String(x._id) < String(y._id) ? 1 : -1);
      const expected: Record<string, string[]> = {
        newest: [...all].sort(byIdDesc).map((r) => r.caseNumber),
        oldest: [...all].sort(byIdDesc).reverse().map((r) => r.caseNumber),
        intake: [...all].sort((x, y) => y.intake!.date.getTime() - x.intake!.date.getTime() || byIdDesc(x, y)).map((r) => r.caseNumber),
        risk: [...all].sort((x, y) => y.riskRank - x.riskRank || byIdDesc(x, y)).map((r) => r.caseNumber),
      };
      const agent = await signIn(app, worker);
      for (const sort of ['newest', 'oldest', 'intake', 'risk']) {
        const pages: string[][] = [];
        let href: string | undefined = `/cases?sort=${sort}`;
        while (href && pages.length < 5) {
          const res = await agent.get(href);
          expect(res.status, `${sort} page ${pages.length + 1}`).to.equal(200);
          pages.push(listedNumbers(res.text));
          href = nextLink(res.text);
          if (href) expect(href, sort).to.match(/[?&]after=[A-Za-z0-9_-]+/).and.include(`sort=${sort}`);
        }
        expect(pages.map((p) => p.length), sort).to.deep.equal([50, 50, 20]);
        const seen = pages.flat();
        expect(new Set(seen).size, `${sort}: no overlap`).to.equal(120);
        expect(seen, `${sort}: order across pages`).to.deep.equal(expected[sort]);
      }
    });

    it('answers 422 to a garbled `after` cursor', async () => {
      const { worker } = await staff();
      await buildCase(worker);
      const agent = await signIn(app, worker);
      const wrongShape = Buffer.from(JSON.stringify(['x', 'not-an-id'])).toString('base64url');
      const wrongKey = Buffer.from(JSON.stringify(['not a number', '0123456789abcdef01234567'])).toString('base64url');
      for (const query of ['?after=%%%garbled%%%', '?after=bm90IGpzb24', `?after=${wrongShape}`, `?sort=risk&after=${wrongKey}`]) {
        const res = await agent.get(`/cases${query}`);
        expect(res.status, query).to.equal(422);
        expect(listedNumbers(res.text), query).to.deep.equal([]);
      }
    });

    it('ignores a query parameter it does not know (an operator-shaped name is only a name), and answers 422 to a known one repeated', async () => {
      const { worker } = await staff();
      const mine = await numberOf(await buildCase(worker));
      const agent = await signIn(app, worker);
      for (const query of ['?colour=red', '?organisationId=0123456789abcdef01234567', '?status[$ne]=open']) {
        const res = await agent.get(`/cases${query}`);
        expect(res.status, query).to.equal(200);
        expect(listedNumbers(res.text), query).to.deep.equal([mine]);
      }
      expect((await agent.get('/cases?status=open&status=closed')).status).to.equal(422);
      expect(await auditCount({ action: 'case_list' })).to.equal(3);
    });

    it('shows a manager case numbers without names and without links to case pages', async () => {
      const { org, worker } = await staff();
      const manager = await buildUser({ roles: ['manager'], organisationId: org.id });
      const name = plant('Testchildhiddenname');
      const id = await buildCase(worker, { givenName: name, nickname: plant('Demonickhidden') }, { team: 'north' });
      const agent = await signIn(app, manager);
      const res = await agent.get('/cases');
      expect(res.status).to.equal(200);
      expect(listedNumbers(res.text)).to.deep.equal([await numberOf(id)]);
      expect(res.text).to.not.include(name).and.not.include('Demonickhidden');
      expect(res.text).to.not.match(/href="\/cases\/[0-9a-f]{24}/);
      expect((await agent.get(`/cases/${id}`)).status).to.equal(403);
      expect(await auditCount({ action: 'case_list', outcome: 'success', userId: manager.id })).to.equal(1);
    });

    it('shows a caseworker only the cases assigned to them, and audits the list', async () => {
      const { worker, otherWorker } = await staff();
      const mine = [await buildCase(worker, {}, { team: 'north' }), await buildCase(worker, {}, { team: 'north' })];
      const theirs = await buildCase(otherWorker, {}, { team: 'north' });
      const agent = await signIn(app, worker);
      const rows = await listed(agent);
      expect(rows).to.have.members(await Promise.all(mine.map(numberOf))).and.have.length(2);
      expect(rows).to.not.include(await numberOf(theirs));
      expect(await listed(agent, '?team=north')).to.have.length(2);
      expect(await auditCount({ action: 'case_list', outcome: 'success', userId: worker.id })).to.equal(2);
    });
  });

  describe('GET /cases/:id', () => {
    it('writes a case_view entry for every view', async () => {
      const { worker, supervisor } = await staff();
      const id = await buildCase(worker, {}, { team: 'north' });
      const agent = await signIn(app, worker);
      for (let i = 1; i <= 3; i++) {
        expect((await agent.get(`/cases/${id}`)).status).to.equal(200);
        expect(await auditCount({ action: 'case_view', outcome: 'success', recordType: 'case', recordId: id, userId: worker.id })).to.equal(i);
      }
      expect((await (await signIn(app, supervisor)).get(`/cases/${id}`)).status).to.equal(200);
      expect(await auditCount({ action: 'case_view', outcome: 'success', recordId: id, userId: supervisor.id })).to.equal(1);
    });

    it('answers 404 to a caseworker the case is not assigned to, with access_denied and no case_view', async () => {
      const { worker, otherWorker } = await staff();
      const id = await buildCase(worker, {}, { team: 'north' });
      const res = await (await signIn(app, otherWorker)).get(`/cases/${id}`);
      expect(res.status).to.equal(404);
      expect(await auditCount({ action: 'case_view', recordId: id })).to.equal(0);
      expect(await auditCount({ action: 'access_denied', outcome: 'denied', reason: 'out_of_scope', recordId: id, userId: otherWorker.id })).to.equal(1);
    });
  });
});
