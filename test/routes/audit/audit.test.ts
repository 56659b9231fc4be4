import { expect } from 'chai';
import mongoose from 'mongoose';
import { advance, now } from '../../helpers/clock.js';
import { utcToWallClock } from '../../../src/domain/time-zones.js';
import { formatDateTime } from '../../../src/lib/i18n/format.js';
import { audit } from '../../../src/services/audit/audit.js';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { CaseModel } from '../../../src/models/case.js';
import { testApp } from '../../helpers/app.js';
import { buildCase } from '../../helpers/cases.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { signIn, type Agent } from '../../helpers/session.js';

const ZONE = 'Asia/Manila';

/** The sequence numbers of the rows an audit page shows. */
function seqs(html: string): number[] {
  return [...html.matchAll(/<td class="audit-seq">(\d+)<\/td>/g)].map((m) => Number(m[1]));
}

/** A moment as the auditor types it: the organisation's wall clock, to the minute. */
function minute(ms: number): string {
  return utcToWallClock(new Date(ms), ZONE);
}

/** The breach report's rows: the record cell's text, and the number of entries. */
function reportRows(html: string): [string, string][] {
  return [...html.matchAll(/<td data-label="Record">([\s\S]*?)<\/td>[\s\S]*?<td data-label="Entries" class="audit-count">(\d+)<\/td>/g)].map((m) => [m[1]!.replace(/<[^>]+>/g, '').trim(), m[2]!]);
}

const caller = (u: TestUser) => ({ ...u, userId: u.id });

describe('GET /audit and /audit/report (SECURITY.md L2)', () => {
  useDatabase('auditpages');
  let org: string;
  let auditor: TestUser;
  let maria: TestUser;
  let jose: TestUser;
  let agent: Agent;
  let before: number;
  let middle: number;

  beforeEach(async () => {
    org = (await buildOrganisation({ timeZone: ZONE })).id;
    auditor = await buildUser({ roles: ['auditor'], organisationId: org });
    maria = await buildUser({ roles: ['caseworker'], organisationId: org });
    jose = await buildUser({ roles: ['caseworker'], organisationId: org });
    const stranger = await buildUser({ roles: ['caseworker'] });
    before = now();
    advance(60_000);
    await audit(caller(maria), { action: 'case_view', outcome: 'success', recordType: 'case', recordId: 'case-a' });
    await audit(caller(maria), { action: 'case_update', outcome: 'success', recordType: 'case', recordId: 'case-a' });
    await audit(caller(jose), { action: 'case_view', outcome: 'success', recordType: 'case', recordId: 'case-b' });
    await audit(caller(stranger), { action: 'case_view', outcome: 'success', recordType: 'case', recordId: 'case-x' });
    advance(10 * 60_000);
    middle = now();
    advance(60_000);
    await audit(caller(maria), { action: 'case_view', outcome: 'success', recordType: 'case', recordId: 'case-c' });
    agent = await signIn(await testApp(), auditor);
  });

  async function entry(filter: Record<string, unknown>): Promise<number[]> {
    return (await AuditEntryModel.find(filter).sort({ seq: -1 }).lean()).map((e) => e.seq);
  }

  it('shows the auditor’s own organisation’s entries, newest first, and audits the reading', async () => {
    const page = await agent.get('/audit');
    expect(page.status).to.equal(200);
    const shown = seqs(page.text);
    expect(shown.length).to.be.greaterThan(3);
    expect(shown).to.deep.equal([...shown].sort((a, b) => b - a));
    expect(page.text).to.not.include('case-x');
    expect(await AuditEntryModel.countDocuments({ action: 'audit_view', userId: auditor.id })).to.be.at.least(1);
  });

  it('filters by user, action, record and a time window read in the organisation’s time zone', async () => {
    const byUser = seqs((await agent.get(`/audit?user=${encodeURIComponent(maria.email)}`)).text);
    expect(byUser).to.have.length(3).and.deep.equal(await entry({ userId: maria.id }));
    const byAction = seqs((await agent.get(`/audit?user=${encodeURIComponent(maria.email)}&action=case_update`)).text);
    expect(byAction).to.have.length(1).and.deep.equal(await entry({ userId: maria.id, action: 'case_update' }));
    const byRecord = seqs((await agent.get('/audit?record=case-b')).text);
    expect(byRecord).to.have.length(1).and.deep.equal(await entry({ recordId: 'case-b' }));
    // Typed as Manila's clock: read as UTC instead, the window would sit eight hours off and hold none of these.
    const window = seqs((await agent.get(`/audit?user=${encodeURIComponent(maria.email)}&from=${minute(before)}&to=${minute(middle)}`)).text);
    expect(window).to.have.length(2).and.deep.equal(await entry({ userId: maria.id, recordId: 'case-a' }));
    expect((await agent.get('/audit?user=nobody%40test.haven.example')).text).to.not.match(/<td class="audit-seq">/);
  });

  it('refuses a malformed filter with 422, not an error', async () => {
    for (const q of ['from=yesterday', 'from=2026-02-30', 'to=2026-01-01T25:00', 'action=drop_table', 'page=-1', 'record=%24ne', 'unknown=1']) {
      expect((await agent.get(`/audit?${q}`)).status, q).to.equal(422);
    }
  });

  it('the breach report lists every record one user touched in the window, with what they did', async () => {
    const res = await agent.get(`/audit/report?user=${encodeURIComponent(maria.email)}&from=${minute(before)}&to=${minute(middle)}`);
    expect(res.status).to.equal(200);
    expect(reportRows(res.text)).to.deep.equal([['Case case-a', '2']]);
    const all = await agent.get(`/audit/report?user=${encodeURIComponent(maria.email)}&from=${minute(before)}&to=${minute(now() + 60_000)}`);
    expect(reportRows(all.text).map(([record]) => record)).to.deep.equal(['Case case-a', 'Case case-c']);
    expect(all.text, 'the report names whom it is about').to.include('Test User');
    expect(await AuditEntryModel.countDocuments({ action: 'audit_report', userId: auditor.id, recordId: maria.id })).to.equal(2);
  });

  it('answers a half-asked report with 422, naming each missing field, and runs nothing', async () => {
    const res = await agent.get(`/audit/report?user=${encodeURIComponent(maria.email)}&from=${minute(before)}`);
    expect(res.status).to.equal(422);
    expect(res.text).to.include('href="#to"').and.not.include('href="#from"').and.not.include('href="#user"');
    expect(await AuditEntryModel.countDocuments({ action: 'audit_report' })).to.equal(0);
  });

  describe('names instead of ids', () => {
    it('shows case numbers and users’ names for the organisation’s records, and for others only a short reference', async () => {
      const app = await testApp();
      const ownCase = await buildCase(maria, { givenName: 'Testnamed' });
      const ownNumber = (await CaseModel.findById(ownCase).lean())!.caseNumber;
      const elsewhere = await buildOrganisation({ country: 'TH' });
      const outsider = await buildUser({ roles: ['caseworker'], organisationId: elsewhere.id });
      const theirCase = await buildCase(outsider);
      const theirNumber = (await CaseModel.findById(theirCase).lean())!.caseNumber;
      const mariaName = (await mongoose.connection.collection('users').findOne({ email: maria.email }))!.name as string;
      const outsiderName = (await mongoose.connection.collection('users').findOne({ email: outsider.email }))!.name as string;
      await audit(caller(maria), { action: 'case_view', outcome: 'success', recordType: 'case', recordId: ownCase });
      // Maria tried another organisation's case and user: both stay ids, never their number or name.
      await audit(caller(maria), { action: 'access_denied', outcome: 'denied', reason: 'out_of_scope', recordType: 'case', recordId: theirCase });
      await audit(caller(maria), { action: 'access_denied', outcome: 'denied', reason: 'out_of_scope', recordType: 'user', recordId: outsider.id });
      await audit(caller(jose), { action: 'user_update', outcome: 'success', recordType: 'user', recordId: maria.id });
      const res = await (await signIn(app, auditor)).get('/audit');
      expect(res.status).to.equal(200);
      // Handlebars writes `=` in attributes as an entity.
      const page = { text: res.text.replace(/&#x3D;/g, '=') };
      expect(page.text).to.include(`>${ownNumber}</a>`).and.include(`href="/audit?record=${ownCase}"`);
      expect(page.text, 'the actor by name, linked to their entries').to.include(`href="/audit?user=${encodeURIComponent(maria.email)}" class="audit-ref-user">${mariaName}</a>`);
      expect(page.text).to.not.include(theirNumber).and.not.include(outsiderName).and.not.include(outsider.email);
      expect(page.text).to.include(`…${theirCase.slice(-6)}`).and.include(`…${outsider.id.slice(-6)}`);
      expect(page.text, 'no raw id shown as text').to.not.match(new RegExp(`>${ownCase}<|>${theirCase}<`));
      expect(page.text, 'no child’s name on the audit log').to.not.include('Testnamed');
    });

    it('writes a refused case page’s path with the case number when the auditor may see the case, else a short reference', async () => {
      const app = await testApp();
      const ownCase = await buildCase(maria);
      const ownNumber = (await CaseModel.findById(ownCase).lean())!.caseNumber;
      const elsewhere = await buildOrganisation({ country: 'TH' });
      const theirCase = await buildCase(await buildUser({ roles: ['caseworker'], organisationId: elsewhere.id }));
      const theirNumber = (await CaseModel.findById(theirCase).lean())!.caseNumber;
      await audit(caller(maria), { action: 'access_denied', outcome: 'denied', reason: 'no_permission', recordType: 'route', recordId: `/cases/${ownCase}/status` });
      await audit(caller(maria), { action: 'access_denied', outcome: 'denied', reason: 'no_permission', recordType: 'route', recordId: `/cases/${theirCase}/history` });
      const res = await (await signIn(app, auditor)).get('/audit');
      expect(res.status).to.equal(200);
      expect(res.text).to.include(`/cases/${ownNumber}/status`);
      expect(res.text).to.include(`/cases/…${theirCase.slice(-6)}/history`).and.not.include(theirNumber);
      expect(res.text, 'no raw case id in a path').to.not.include(`/cases/${ownCase}/status<`).and.not.include(`/cases/${theirCase}/history<`);
    });

    it('looks the ids of a whole page up in one query per kind, however many entries', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push(await buildCase(maria));
      for (const id of ids) await audit(caller(maria), { action: 'case_view', outcome: 'success', recordType: 'case', recordId: id });
      const numbers = (await CaseModel.find({ _id: mongoose.trusted({ $in: ids }) }).lean()).map((c) => c.caseNumber);
      const finds: string[] = [];
      const spy = (collection: string, method: string) => {
        if (method === 'find') finds.push(collection);
      };
      mongoose.set('debug', spy);
      try {
        const page = await agent.get('/audit');
        expect(page.status).to.equal(200);
        for (const n of numbers) expect(page.text).to.include(n);
      } finally {
        mongoose.set('debug', false);
      }
      expect(finds.filter((c) => c === 'cases'), 'cases').to.have.length(1);
      expect(finds.filter((c) => c === 'users').length, 'users: the page’s one lookup (the session’s own read is a findOne)').to.equal(1);
    });

    it('finds a case’s entries by its case number', async () => {
      const id = await buildCase(maria);
      const number = (await CaseModel.findById(id).lean())!.caseNumber;
      await audit(caller(maria), { action: 'case_view', outcome: 'success', recordType: 'case', recordId: id });
      const shown = seqs((await agent.get(`/audit?record=${encodeURIComponent(number)}`)).text);
      expect(shown).to.deep.equal(await entry({ recordId: id }));
      expect(shown).to.have.length(2);
    });
  });

  describe('times', () => {
    it('shows each time in the organisation’s time zone with its offset, and says which zone', async () => {
      const page = await agent.get(`/audit?user=${encodeURIComponent(jose.email)}`);
      const at = (await AuditEntryModel.findOne({ userId: jose.id }).lean())!.at;
      expect(page.text).to.include(formatDateTime(at, 'en', { timeZone: ZONE }));
      expect(formatDateTime(at, 'en', { timeZone: ZONE })).to.include('GMT+8');
      // i18next writes the zone's slash as an entity.
      expect(page.text.replace(/&#x2F;/g, '/')).to.include(`Times are shown in ${ZONE}`);
      expect(page.text, 'not the UTC reading').to.not.include(formatDateTime(at, 'en', { timeZone: 'UTC' }));
    });

    it('shows UTC, and says so, for an organisation with no time zone set', async () => {
      const plain = await buildUser({ roles: ['auditor'] });
      const res = await (await signIn(await testApp(), plain)).get('/audit');
      expect(res.text).to.include('Times are in UTC: your organisation has no time zone set yet.');
      expect(res.text).to.match(/GMT\+0<\/time>/);
    });

    it('shows the breach report’s first and last times in the zone too', async () => {
      const res = await agent.get(`/audit/report?user=${encodeURIComponent(jose.email)}&from=${minute(before)}&to=${minute(middle)}`);
      const at = (await AuditEntryModel.findOne({ userId: jose.id }).lean())!.at;
      expect(res.text).to.include(`<time datetime="${at.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z')}">${formatDateTime(at, 'en', { timeZone: ZONE })}</time>`);
    });
  });
});
