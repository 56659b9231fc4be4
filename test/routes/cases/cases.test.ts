import { expect } from 'chai';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { CaseModel } from '../../../src/models/case.js';
import { testApp } from '../../helpers/app.js';
import { buildCase, caseDetails, detailsBody } from '../../helpers/cases.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser } from '../../helpers/factories.js';
import { signIn, tokenOf } from '../../helpers/session.js';

describe('cases: registration, the case page and the list', () => {
  useDatabase('cases');

  it('registers a case as open with a case number from the organisation’s counter, and shows it', async () => {
    const org = await buildOrganisation({ country: 'PH' });
    const worker = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'north' });
    const agent = await signIn(await testApp(), worker);
    const _csrf = await tokenOf(agent, '/cases/new');
    const res = await agent.post('/cases').type('form').send({ _csrf, ...detailsBody(caseDetails({ givenName: 'Rosalinda' })) });
    expect(res.status, res.text.slice(0, 2000)).to.equal(303);
    const id = /\/cases\/([0-9a-f]{24})/.exec(res.headers.location!)![1]!;
    const stored = await CaseModel.findById(id).lean();
    expect(stored).to.include({ status: 'open' });
    expect(stored!.caseNumber).to.match(/^PH-\d{4}-00001$/);
    expect(stored!.caseworkerIds.map(String)).to.deep.equal([worker.id]);
    const page = await agent.get(`/cases/${id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('Rosalinda');
    expect(await AuditEntryModel.countDocuments({ action: 'case_view', recordId: id })).to.equal(1);
    const list = await agent.get('/cases');
    expect(list.status).to.equal(200);
    expect(list.text).to.include(stored!.caseNumber).and.include('Rosalinda');
    const second = await buildCase(worker);
    expect((await CaseModel.findById(second).lean())!.caseNumber).to.match(/-00002$/);
  });
});
