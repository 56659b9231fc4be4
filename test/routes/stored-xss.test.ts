import { expect } from 'chai';
import { OrganisationModel } from '../../src/models/organisation.js';
import { UserModel } from '../../src/models/user.js';
import { audit } from '../../src/services/audit/audit.js';
import { testApp } from '../helpers/app.js';
import { useDatabase } from '../helpers/db.js';
import { buildUser } from '../helpers/factories.js';
import { signIn } from '../helpers/session.js';

const PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>"\'&';

describe('stored text on the pages of this issue renders escaped (SECURITY.md O1, O2)', () => {
  useDatabase('xss');

  it('user names, teams, organisation names and audit record ids with markup are shown as text', async () => {
    const app = await testApp();
    const admin = await buildUser({ roles: ['admin'] });
    const auditor = await buildUser({ roles: ['auditor'], organisationId: admin.organisationId });
    const victim = await buildUser({ roles: ['caseworker'], organisationId: admin.organisationId });
    await UserModel.updateOne({ _id: victim.id }, { $set: { name: PAYLOAD, team: PAYLOAD } });
    await UserModel.updateOne({ _id: admin.id }, { $set: { name: PAYLOAD } });
    await OrganisationModel.updateOne({ _id: admin.organisationId }, { $set: { 'name.en': PAYLOAD } });
    await audit({ userId: victim.id, organisationId: admin.organisationId }, { action: 'case_view', outcome: 'success', recordType: 'case', recordId: PAYLOAD.slice(0, 60) });
    const adminAgent = await signIn(app, admin);
    const auditorAgent = await signIn(app, auditor);
    const pages: [string, typeof adminAgent][] = [
      ['/', adminAgent],
      ['/admin/users', adminAgent],
      [`/admin/users/${victim.id}`, adminAgent],
      ['/admin/organisations', adminAgent],
      [`/admin/organisations/${admin.organisationId}`, adminAgent],
      ['/audit', auditorAgent],
    ];
    for (const [path, agent] of pages) {
      const page = await agent.get(path);
      expect(page.status, path).to.equal(200);
      expect(page.text, path).to.not.include('<script>alert').and.not.include('<img src=x');
      expect(page.text, path).to.match(/&lt;script&gt;alert\(/);
    }
  });
});
