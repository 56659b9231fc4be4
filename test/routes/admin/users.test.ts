import { expect } from 'chai';
import { Types } from 'mongoose';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { OrganisationModel } from '../../../src/models/organisation.js';
import { UserModel } from '../../../src/models/user.js';
import { testApp } from '../../helpers/app.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser } from '../../helpers/factories.js';
import { signIn, signInWithPassword, tokenOf, type Agent } from '../../helpers/session.js';

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
    const { can, caseFilter, referralFilter } = await import('../../../src/domain/permissions.js');
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
      .send({ _csrf: await tokenOf(agent, '/admin/organisations/new'), code: 'th-demo-new', country: 'th', preferredLocale: 'th', services: ['shelter', 'counselling'], name_en: 'New Partner (fictional)', name_th: 'พันธมิตรใหม่ (สมมติ)' });
    expect(created.status).to.equal(303);
    const org = await OrganisationModel.findOne({ code: 'TH-DEMO-NEW' }).lean();
    expect(org).to.deep.include({ kind: 'partner', country: 'TH', preferredLocale: 'th', timeZone: 'Asia/Bangkok' });
    expect(org!.services).to.deep.equal(['shelter', 'counselling']);
    expect(created.headers.location).to.equal(`/admin/organisations?done=created&organisation=${String(org!._id)}`);
    expect((await agent.get(created.headers.location!)).text, 'the notice names the new organisation').to.include('New Partner (fictional) registered.');
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

describe('administration: teams from the list, services from the lookup, roles by kind of organisation, notices that say what was done', () => {
  useDatabase('adminchoices');

  /** An NGO with two teams, the second retired, and its admin signed in. */
  async function scene() {
    const admin = await buildUser({ roles: ['admin'] });
    const teams = [
      { _id: new Types.ObjectId(), code: 'north', name: 'North', retired: false },
      { _id: new Types.ObjectId(), code: 'south', name: 'South', retired: true },
    ];
    await OrganisationModel.updateOne({ _id: admin.organisationId }, { $set: { teams } });
    const agent = await signIn(await testApp(), admin);
    return { admin, agent };
  }

  async function save(agent: Agent, id: string, fields: Record<string, string | string[]>) {
    const version = String((await UserModel.findById(id).lean())!.__v);
    return agent
      .post(`/admin/users/${id}`)
      .type('form')
      .send({ _csrf: await tokenOf(agent, `/admin/users/${id}`), name: 'Kept Name (fictional)', roles: 'caseworker', locale: 'en', version, ...fields });
  }

  it('offers the active teams (and a user’s own retired team) as choices, never a free-text field', async () => {
    const { admin, agent } = await scene();
    const form = await agent.get('/admin/users/new');
    expect(form.text).to.match(/<select id="team" name="team"/).and.not.match(/<input id="team"/);
    expect(form.text).to.include('<option value="north">North</option>').and.not.include('value="south"');
    const inSouth = await buildUser({ roles: ['caseworker'], organisationId: admin.organisationId, team: 'south' });
    expect((await agent.get(`/admin/users/${inSouth.id}`)).text).to.match(/<option value="south" selected>South \(Retired\)<\/option>/);
  });

  it('places a user in a team of the list by its code, and refuses a typed or retired team with a named error, changing nothing', async () => {
    const { admin, agent } = await scene();
    const user = await buildUser({ roles: ['caseworker'], organisationId: admin.organisationId });
    for (const team of ['Team A', 'North', 'NORTH', 'south', 'north-2']) {
      const res = await save(agent, user.id, { team, name: 'Changed (fictional)' });
      expect(res.status, team).to.equal(422);
      expect(res.text, team).to.include('Choose a team from your organisation’s list.');
      const stored = (await UserModel.findById(user.id).lean())!;
      expect(stored.team ?? undefined, team).to.equal(undefined);
      expect(stored.name, team).to.not.equal('Changed (fictional)');
    }
    expect((await save(agent, user.id, { team: 'north' })).status).to.equal(303);
    expect((await UserModel.findById(user.id).lean())!.team).to.equal('north');
    // A user already in a team since retired keeps it when other details change.
    const inSouth = await buildUser({ roles: ['caseworker'], organisationId: admin.organisationId, team: 'south' });
    expect((await save(agent, inSouth.id, { team: 'south', name: 'Still South (fictional)' })).status).to.equal(303);
    expect((await UserModel.findById(inSouth.id).lean())!.team).to.equal('south');
  });

  it('invites into a team of the list, and refuses an invitation into a typed team', async () => {
    const { agent } = await scene();
    const invite = async (email: string, team: string) =>
      agent.post('/admin/users').type('form').send({ _csrf: await tokenOf(agent, '/admin/users/new'), email, name: 'Invited (fictional)', roles: 'caseworker', team, locale: 'en' });
    expect((await invite('typed.team@test.haven.example', 'Team A')).status).to.equal(422);
    expect(await UserModel.exists({ email: 'typed.team@test.haven.example' })).to.equal(null);
    const ok = await invite('listed.team@test.haven.example', 'north');
    expect(ok.status).to.equal(303);
    expect((await UserModel.findOne({ email: 'listed.team@test.haven.example' }).lean())!.team).to.equal('north');
  });

  it('does not offer the partner role to an NGO’s staff, and refuses it by name: 422, nothing changes, the attempt is audited', async () => {
    const { admin, agent } = await scene();
    const user = await buildUser({ roles: ['caseworker'], organisationId: admin.organisationId });
    const form = await agent.get(`/admin/users/${user.id}`);
    expect(form.text).to.not.include('value="partner"');
    expect(form.text).to.include('The partner staff role is for the staff of partner organisations');
    const res = await save(agent, user.id, { roles: ['caseworker', 'partner'], name: 'Partner Now (fictional)' });
    expect(res.status).to.equal(422);
    expect(res.text).to.include('The partner staff role is for partner organisations’ staff: your organisation’s own staff cannot have it.');
    const stored = (await UserModel.findById(user.id).lean())!;
    expect(stored.roles).to.deep.equal(['caseworker']);
    expect(stored.name).to.not.equal('Partner Now (fictional)');
    expect(await AuditEntryModel.countDocuments({ action: 'user_roles_change', outcome: 'denied', reason: 'role_not_for_organisation', recordId: user.id })).to.equal(1);
    const invite = await agent
      .post('/admin/users')
      .type('form')
      .send({ _csrf: await tokenOf(agent, '/admin/users/new'), email: 'partner.at.ngo@test.haven.example', name: 'Not Partner (fictional)', roles: 'partner', locale: 'en' });
    expect(invite.status).to.equal(422);
    expect(await UserModel.exists({ email: 'partner.at.ngo@test.haven.example' })).to.equal(null);
  });

  it('lets a partner organisation’s admin give the partner role', async () => {
    const partnerOrg = await buildOrganisation({ kind: 'partner' });
    const admin = await buildUser({ roles: ['admin'], organisationId: partnerOrg.id });
    const user = await buildUser({ roles: ['partner'], organisationId: partnerOrg.id });
    const agent = await signIn(await testApp(), admin);
    expect((await agent.get(`/admin/users/${user.id}`)).text).to.include('value="partner"');
    expect((await save(agent, user.id, { roles: ['partner', 'auditor'] })).status).to.equal(303);
    expect((await UserModel.findById(user.id).lean())!.roles).to.have.members(['partner', 'auditor']);
  });

  it('takes services only from the lookup, as boxes to tick, and refuses an unknown code with a named error', async () => {
    const { admin, agent } = await scene();
    const form = await agent.get(`/admin/organisations/${admin.organisationId}`);
    expect(form.text).to.include('<input type="checkbox" name="services" value="legal_aid"').and.include('Legal aid');
    const version = String((await OrganisationModel.findById(admin.organisationId).lean())!.__v);
    const send = async (services: string | string[], timeZone = '') =>
      agent
        .post(`/admin/organisations/${admin.organisationId}`)
        .type('form')
        .send({ _csrf: await tokenOf(agent, '/admin/organisations/new'), country: 'PH', preferredLocale: 'en', name_en: 'Renamed (fictional)', version, services, timeZone });
    for (const bad of [['shelter', 'made_up'], 'shelter, counselling', 'Shelter']) {
      const res = await send(bad);
      expect(res.status, String(bad)).to.equal(422);
      expect(res.text, String(bad)).to.include('href="#services"');
    }
    expect((await OrganisationModel.findById(admin.organisationId).lean())!.name.en).to.not.equal('Renamed (fictional)');
    const ok = await send(['shelter', 'legal_aid', 'shelter']);
    expect(ok.status).to.equal(303);
    const stored = (await OrganisationModel.findById(admin.organisationId).lean())!;
    expect(stored.services).to.deep.equal(['shelter', 'legal_aid']);
    expect(stored.timeZone, 'left empty: the country’s zone').to.equal('Asia/Manila');
  });

  it('keeps the time zone an admin chooses, and refuses one Intl does not know', async () => {
    const { admin, agent } = await scene();
    const send = async (timeZone: string) => {
      const version = String((await OrganisationModel.findById(admin.organisationId).lean())!.__v);
      return agent
        .post(`/admin/organisations/${admin.organisationId}`)
        .type('form')
        .send({ _csrf: await tokenOf(agent, '/admin/organisations/new'), country: 'PH', preferredLocale: 'en', name_en: 'Zoned (fictional)', version, timeZone });
    };
    const bad = await send('Mars/Olympus_Mons');
    expect(bad.status).to.equal(422);
    expect(bad.text).to.include('href="#timeZone"');
    expect((await OrganisationModel.findById(admin.organisationId).lean())!.timeZone).to.equal(undefined);
    expect((await send('Asia/Dili')).status).to.equal(303);
    expect((await OrganisationModel.findById(admin.organisationId).lean())!.timeZone).to.equal('Asia/Dili');
    expect((await agent.get(`/admin/organisations/${admin.organisationId}`)).text).to.include('value="Asia/Dili"');
  });

  it('says what was done, naming whom: invitation, roles, other changes, account actions', async () => {
    const { admin, agent } = await scene();
    const invited = await agent
      .post('/admin/users')
      .type('form')
      .send({ _csrf: await tokenOf(agent, '/admin/users/new'), email: 'Named.Invitee@test.haven.example', name: 'Named Invitee (fictional)', roles: 'caseworker', locale: 'en' });
    expect(invited.status).to.equal(303);
    const list = await agent.get(invited.headers.location!);
    expect(list.text).to.include('Invitation sent to named.invitee@test.haven.example.').and.not.include('<p class="notice" role="status">Done.</p>');

    const user = await buildUser({ roles: ['caseworker'], organisationId: admin.organisationId });
    const roles = await save(agent, user.id, { roles: ['caseworker', 'supervisor'], name: 'Raised Colleague (fictional)' });
    expect((await agent.get(roles.headers.location!)).text).to.include('Roles of Raised Colleague (fictional) changed.');
    const saved = await save(agent, user.id, { roles: ['caseworker', 'supervisor'], name: 'Renamed Colleague (fictional)' });
    expect((await agent.get(saved.headers.location!)).text).to.include('Changes to Renamed Colleague (fictional) saved.');
    const disabled = await agent.post(`/admin/users/${user.id}/disable`).type('form').send({ _csrf: await tokenOf(agent, '/admin/users') });
    expect((await agent.get(disabled.headers.location!)).text).to.include('Account of Renamed Colleague (fictional) disabled.');
    // A notice about nobody the list holds says only that it is done.
    expect((await agent.get(`/admin/users?done=saved&user=${new Types.ObjectId().toHexString()}`)).text).to.include('<p class="notice" role="status">Done.</p>');
    expect((await agent.get('/admin/users?done=dropped')).status).to.equal(422);
  });
});
