import { expect } from 'chai';
import { advance, now } from '../helpers/clock.js';
import { audit } from '../../src/services/audit.js';
import { AuditEntryModel } from '../../src/models/audit-entry.js';
import { testApp } from '../helpers/app.js';
import { useDatabase } from '../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../helpers/factories.js';
import { signIn, type Agent } from '../helpers/session.js';

/** The sequence numbers of the rows an audit page shows. */
function seqs(html: string): number[] {
  return [...html.matchAll(/<tr>\s*<td>(\d+)<\/td>/g)].map((m) => Number(m[1]));
}

function minute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

describe('GET /audit and /audit/report (SECURITY.md L2)', () => {
  useDatabase('auditpages');
  let auditor: TestUser;
  let maria: TestUser;
  let jose: TestUser;
  let agent: Agent;
  let before: number;
  let middle: number;

  beforeEach(async () => {
    const org = (await buildOrganisation()).id;
    auditor = await buildUser({ roles: ['auditor'], organisationId: org });
    maria = await buildUser({ roles: ['caseworker'], organisationId: org });
    jose = await buildUser({ roles: ['caseworker'], organisationId: org });
    const stranger = await buildUser({ roles: ['caseworker'] });
    before = now();
    advance(60_000);
    await audit({ ...maria, userId: maria.id }, { action: 'case_view', outcome: 'success', recordType: 'case', recordId: 'case-a' });
    await audit({ ...maria, userId: maria.id }, { action: 'case_update', outcome: 'success', recordType: 'case', recordId: 'case-a' });
    await audit({ ...jose, userId: jose.id }, { action: 'case_view', outcome: 'success', recordType: 'case', recordId: 'case-b' });
    await audit({ ...stranger, userId: stranger.id }, { action: 'case_view', outcome: 'success', recordType: 'case', recordId: 'case-x' });
    advance(10 * 60_000);
    middle = now();
    advance(60_000);
    await audit({ ...maria, userId: maria.id }, { action: 'case_view', outcome: 'success', recordType: 'case', recordId: 'case-c' });
    agent = await signIn(await testApp(), auditor);
  });

  async function entry(filter: Record<string, unknown>): Promise<number[]> {
    return (await AuditEntryModel.find(filter).sort({ seq: -1 }).lean()).map((e) => e.seq);
  }

  it('shows the auditor’s own organisation’s entries, newest first, and audits the reading', async () => {
    const page = await agent.get('/audit');
    expect(page.status).to.equal(200);
    const shown = seqs(page.text);
    expect(shown).to.deep.equal([...shown].sort((a, b) => b - a));
    expect(page.text).to.not.include('case-x');
    expect(await AuditEntryModel.countDocuments({ action: 'audit_view', userId: auditor.id })).to.be.at.least(1);
  });

  it('filters by user, action, record and time window', async () => {
    const byUser = seqs((await agent.get(`/audit?user=${encodeURIComponent(maria.email)}`)).text);
    expect(byUser).to.have.length(3).and.deep.equal(await entry({ userId: maria.id }));
    const byAction = seqs((await agent.get(`/audit?user=${encodeURIComponent(maria.email)}&action=case_update`)).text);
    expect(byAction).to.have.length(1).and.deep.equal(await entry({ userId: maria.id, action: 'case_update' }));
    const byRecord = seqs((await agent.get('/audit?record=case-b')).text);
    expect(byRecord).to.have.length(1).and.deep.equal(await entry({ recordId: 'case-b' }));
    const window = seqs((await agent.get(`/audit?user=${encodeURIComponent(maria.email)}&from=${minute(before)}&to=${minute(middle)}`)).text);
    expect(window).to.have.length(2).and.deep.equal(await entry({ userId: maria.id, recordId: 'case-a' }));
    expect((await agent.get('/audit?user=nobody%40test.haven.example')).text).to.not.match(/<tr>\s*<td>\d+<\/td>/);
  });

  it('refuses a malformed filter with 422, not an error', async () => {
    for (const q of ['from=yesterday', 'action=drop_table', 'page=-1', 'record=%24ne', 'unknown=1']) {
      expect((await agent.get(`/audit?${q}`)).status, q).to.equal(422);
    }
  });

  it('the breach report lists every record one user touched in the window, with what they did', async () => {
    const res = await agent.get(`/audit/report?user=${encodeURIComponent(maria.email)}&from=${minute(before)}&to=${minute(middle)}`);
    expect(res.status).to.equal(200);
    const rows = [...res.text.matchAll(/<tr><td>[^<]*?(case-\w)<\/td><td>([^<]*)<\/td><td>(\d+)<\/td>/g)].map((m) => [m[1], m[3]]);
    expect(rows).to.deep.equal([['case-a', '2']]);
    const all = await agent.get(`/audit/report?user=${encodeURIComponent(maria.email)}&from=${minute(before)}&to=${minute(now() + 60_000)}`);
    expect(all.text).to.include('case-a').and.include('case-c').and.not.include('case-b');
    expect(await AuditEntryModel.countDocuments({ action: 'audit_report', userId: auditor.id, recordId: maria.id })).to.equal(2);
  });
});
