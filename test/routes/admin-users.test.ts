import { expect } from 'chai';
import { AuditEntryModel } from '../../src/models/audit-entry.js';
import { OrganisationModel } from '../../src/models/organisation.js';
import { UserModel } from '../../src/models/user.js';
import { testApp } from '../helpers/app.js';
import { useDatabase } from '../helpers/db.js';
import { buildOrganisation, buildUser } from '../helpers/factories.js';
import { signIn, signInWithPassword, tokenOf } from '../helpers/session.js';

describe('administration of users and organisations (SECURITY.md C2, C5, C6)', () => {
  useDatabase('admin');

  it('lists only the users of the admin’s own organisation', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const colleague = await buildUser({ roles: ['caseworker'], organisationId: admin.organisationId });
    const stranger = await buildUser({ roles: ['caseworker'] });
    const page = await (await signIn(await testApp(), admin)).get('/admin/users');
    expect(page.text).to.include(colleague.email).and.not.include(stranger.email);
  });

  it('C6: an admin cannot change their own roles: 422, nothing changes, the attempt is audited', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const agent = await signIn(await testApp(), admin);
    const version = (await UserModel.findById(admin.id).lean())!.__v;
    const res = await agent
      .post(`/admin/users/${admin.id}`)
      .type('form')
      .send({ _csrf: await tokenOf(agent, `/admin/users/${admin.id}`), name: 'Raised (fictional)', roles: ['admin', 'auditor', 'supervisor'], locale: 'en', version: String(version) });
    expect(res.status).to.equal(422);
    const after = await UserModel.findById(admin.id).lean();
    expect(after!.roles).to.deep.equal(['admin']);
    expect(after!.name).to.not.equal('Raised (fictional)');
    expect(await AuditEntryModel.countDocuments({ action: 'user_roles_change', outcome: 'denied', reason: 'own_roles', userId: admin.id })).to.equal(1);
  });

  it('C6: administrators have no case permission and their case filter matches nothing', async () => {
    const { can, caseFilter, referralFilter } = await import('../../src/domain/permissions.js');
    for (const action of ['case.read', 'case.create', 'case.update', 'case.list-deidentified', 'referral.respond', 'report.read'] as const) {
      expect(can(['admin'], action), action).to.equal(false);
    }
    const caller = { userId: 'u', organisationId: 'o', roles: ['admin'] as const };
    expect(caseFilter(caller)).to.deep.equal({ _id: { $in: [] } });
    expect(referralFilter(caller)).to.deep.equal({ _id: { $in: [] } });
  });

  it('C6: a role change applies at the user’s next request', async () => {
    const app = await testApp();
    const admin = await buildUser({ roles: ['admin'] });
    const user = await buildUser({ roles: ['caseworker'], organisationId: admin.organisationId });
    const userAgent = await signIn(app, user);
    expect((await userAgent.get('/audit')).status).to.equal(403);
    const adminAgent = await signIn(app, admin);
    const version = (await UserModel.findById(user.id).lean())!.__v;
    const res = await adminAgent
      .post(`/admin/users/${user.id}`)
      .type('form')
      .send({ _csrf: await tokenOf(adminAgent, `/admin/users/${user.id}`), name: 'Now an auditor (fictional)', roles: 'auditor', locale: 'en', version: String(version) });
    expect(res.status).to.equal(303);
    expect((await userAgent.get('/audit')).status, 'the same session, now an auditor').to.equal(200);
    expect(await AuditEntryModel.countDocuments({ action: 'user_roles_change', outcome: 'success', recordId: user.id })).to.equal(1);
  });

  it('V3: a stale edit is refused and the newer one kept', async () => {
    const app = await testApp();
    const admin = await buildUser({ roles: ['admin'] });
    const user = await buildUser({ roles: ['caseworker'], organisationId: admin.organisationId });
    const agent = await signIn(app, admin);
    const version = String((await UserModel.findById(user.id).lean())!.__v);
    const send = async (name: string) =>
      agent.post(`/admin/users/${user.id}`).type('form').send({ _csrf: await tokenOf(agent, `/admin/users/${user.id}`), name, roles: 'caseworker', locale: 'en', version });
    expect((await send('First edit (fictional)')).status).to.equal(303);
    expect((await send('Second, stale edit (fictional)')).status).to.equal(422);
    expect((await UserModel.findById(user.id).lean())!.name).to.equal('First edit (fictional)');
  });

  it('C2: another organisation’s user or organisation is 404 with no data, and audited', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const strangerOrg = await buildOrganisation({ name: { en: 'Stranger Org Marker (fictional)' } });
    const stranger = await buildUser({ roles: ['caseworker'], organisationId: strangerOrg.id });
    const agent = await signIn(await testApp(), admin);
    const user = await agent.get(`/admin/users/${stranger.id}`);
    expect(user.status).to.equal(404);
    expect(user.text).to.not.include(stranger.email);
    const org = await agent.get(`/admin/organisations/${strangerOrg.id}`);
    expect(org.status).to.equal(404);
    expect(org.text).to.not.include('Stranger Org Marker');
    const entries = await AuditEntryModel.find({ action: 'access_denied', userId: admin.id }).lean();
    expect(entries.map((e) => e.recordId).sort()).to.deep.equal([stranger.id, strangerOrg.id].sort());
    const disable = await agent.post(`/admin/users/${stranger.id}/disable`).type('form').send({ _csrf: await tokenOf(agent, '/admin/users') });
    expect(disable.status).to.equal(404);
    expect((await UserModel.findById(stranger.id).lean())!.status).to.equal('active');
  });

  it('I1: a malformed id is simply not found', async () => {
    const agent = await signIn(await testApp(), await buildUser({ roles: ['admin'] }));
    for (const id of ['nothex', '123', 'zzzzzzzzzzzzzzzzzzzzzzzz', '%24ne']) {
      expect((await agent.get(`/admin/users/${id}`)).status, id).to.equal(404);
    }
  });

  it('C5: fields an admin may not set (organisation, status, password) are refused with 422 and change nothing', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const user = await buildUser({ roles: ['caseworker'], organisationId: admin.organisationId });
    const elsewhere = await buildOrganisation();
    const agent = await signIn(await testApp(), admin);
    const version = String((await UserModel.findById(user.id).lean())!.__v);
    const res = await agent
      .post(`/admin/users/${user.id}`)
      .type('form')
      .send({ _csrf: await tokenOf(agent, '/admin/users'), name: 'Moved (fictional)', roles: 'caseworker', locale: 'en', version, organisationId: elsewhere.id, status: 'active', passwordHash: 'x' });
    expect(res.status).to.equal(422);
    const after = await UserModel.findById(user.id).lean();
    expect(String(after!.organisationId)).to.equal(admin.organisationId);
    expect(after!.name).to.not.equal('Moved (fictional)');
  });

  it('registers a partner organisation and edits only its own organisation', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const agent = await signIn(await testApp(), admin);
    const created = await agent
      .post('/admin/organisations')
      .type('form')
      .send({ _csrf: await tokenOf(agent, '/admin/organisations/new'), code: 'th-demo-new', country: 'th', preferredLocale: 'th', services: 'shelter, counselling', name_en: 'New Partner (fictional)', name_th: 'พันธมิตรใหม่ (สมมติ)' });
    expect(created.status).to.equal(303);
    const org = await OrganisationModel.findOne({ code: 'TH-DEMO-NEW' }).lean();
    expect(org).to.deep.include({ kind: 'partner', country: 'TH', preferredLocale: 'th' });
    expect(org!.services).to.deep.equal(['shelter', 'counselling']);
    expect((await agent.get(`/admin/organisations/${String(org!._id)}`)).status, 'not their own').to.equal(404);
    expect((await agent.get(`/admin/organisations/${admin.organisationId}`)).status).to.equal(200);
  });

  it('a user who must change a one-time password goes to the password page first', async () => {
    const user = await buildUser({ roles: ['caseworker'] });
    await UserModel.updateOne({ _id: user.id }, { $set: { mustChangePassword: true } });
    const app = await testApp();
    const agent = await signIn(app, user);
    const res = await agent.get('/account');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/account/password');
    const changed = await agent
      .post('/account/password')
      .type('form')
      .send({ _csrf: await tokenOf(agent, '/account/password'), current: user.password, next: 'My own sentence for Haven now', confirm: 'My own sentence for Haven now' });
    expect(changed.status).to.equal(303);
    expect((await agent.get('/account')).status, 'this session continues').to.equal(200);
    expect((await signInWithPassword(app, { ...user, password: 'My own sentence for Haven now' })).res.status).to.equal(303);
  });
});
