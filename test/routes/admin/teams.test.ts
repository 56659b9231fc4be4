import { expect } from 'chai';
import mongoose, { Types } from 'mongoose';
import { caseFilter } from '../../../src/domain/permissions.js';
import { teamCodeFor, teamNameKey } from '../../../src/domain/teams.js';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { CaseModel } from '../../../src/models/case.js';
import { OrganisationModel } from '../../../src/models/organisation.js';
import { UserModel } from '../../../src/models/user.js';
import { DEMO_USERS } from '../../../src/services/demo/users.js';
import { seedDemo } from '../../../src/services/demo/seed.js';
import { adoptTypedTeams } from '../../../src/services/admin/teams.js';
import { testApp } from '../../helpers/app.js';
import { buildCase } from '../../helpers/cases.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { signIn, tokenOf, type Agent } from '../../helpers/session.js';

async function teamsOf(organisationId: string) {
  return (await OrganisationModel.findById(organisationId).lean())!.teams.map((t) => ({ id: String(t._id), code: t.code, name: t.name, retired: Boolean(t.retired) }));
}

describe('teams: a list each organisation’s admin keeps', () => {
  useDatabase('teams');
  let admin: TestUser;
  let agent: Agent;

  beforeEach(async () => {
    admin = await buildUser({ roles: ['admin'] });
    agent = await signIn(await testApp(), admin);
  });

  const add = async (name: string) => agent.post('/admin/teams').type('form').send({ _csrf: await tokenOf(agent, '/admin/teams'), name });
  const rename = async (id: string, name: string) => agent.post(`/admin/teams/${id}`).type('form').send({ _csrf: await tokenOf(agent, '/admin/teams'), name });

  it('adds a team under a code made from its name, and says so', async () => {
    const res = await add('  Team   North ');
    expect(res.status).to.equal(303);
    const [team] = await teamsOf(admin.organisationId);
    expect(team).to.deep.include({ code: 'team-north', name: 'Team North', retired: false });
    expect(res.headers.location).to.equal(`/admin/teams?done=added&team=${team!.id}`);
    expect((await agent.get(res.headers.location!)).text).to.include('Team Team North added.');
    expect(await AuditEntryModel.countDocuments({ action: 'organisation_update', userId: admin.id, recordId: admin.organisationId })).to.equal(1);
  });

  it('refuses a name that differs from a team’s only in case, spacing or Unicode composition, with a named error, changing nothing', async () => {
    expect((await add('Team A')).status).to.equal(303);
    expect((await add('Équipe Sud')).status).to.equal(303);
    const before = await teamsOf(admin.organisationId);
    for (const name of ['team a', 'TEAM  A', ' Team A ', 'E\u0301quipe sud', 'ÉQUIPE SUD']) {
      const res = await add(name);
      expect(res.status, name).to.equal(422);
      expect(res.text, name).to.include('A team with this name exists already (capital letters and spaces aside).');
      expect(res.text, name).to.include('href="#name"');
    }
    expect(await teamsOf(admin.organisationId)).to.deep.equal(before);
  });

  it('refuses control characters and over-long names, and an empty one', async () => {
    for (const name of ['Team\u0000A', 'Team\nA', 'Team\u0085A', 'x'.repeat(61), '   ']) {
      expect((await add(name)).status, JSON.stringify(name)).to.equal(422);
    }
    expect(await teamsOf(admin.organisationId)).to.deep.equal([]);
  });

  it('gives each of two admins adding the same name at once an answer, and only one team', async () => {
    const token = await tokenOf(agent, '/admin/teams');
    const post = (name: string) => agent.post('/admin/teams').type('form').send({ _csrf: token, name });
    const [a, b] = await Promise.all([post('Team Same'), post('team same')]);
    expect([a.status, b.status].sort()).to.deep.equal([303, 422]);
    expect((await teamsOf(admin.organisationId)).map((t) => t.name)).to.have.length(1);
  });

  it('renames a team without touching its code, so its users and cases stay in it', async () => {
    await add('Team A');
    await add('Team B');
    const [a] = await teamsOf(admin.organisationId);
    const worker = await buildUser({ roles: ['caseworker'], organisationId: admin.organisationId, team: a!.code });
    const caseId = await buildCase(worker, {}, { team: a!.code });
    const taken = await rename(a!.id, 'team b');
    expect(taken.status).to.equal(422);
    expect((await teamsOf(admin.organisationId))[0]!.name).to.equal('Team A');
    const res = await rename(a!.id, 'North');
    expect(res.status).to.equal(303);
    expect((await agent.get(res.headers.location!)).text).to.include('Team renamed to North.');
    const [renamed] = await teamsOf(admin.organisationId);
    expect(renamed).to.deep.include({ code: 'team-a', name: 'North' });
    expect((await UserModel.findById(worker.id).lean())!.team).to.equal('team-a');
    expect((await CaseModel.findById(caseId).lean())!.team).to.equal('team-a');
    // A change of case only is a rename of the team itself, not a clash with it.
    expect((await rename(a!.id, 'NORTH')).status).to.equal(303);
  });

  it('retires a team: no longer offered, but its members keep it and its supervisor keeps its cases; and restores it', async () => {
    await add('Team A');
    const [team] = await teamsOf(admin.organisationId);
    const supervisor = await buildUser({ roles: ['supervisor'], organisationId: admin.organisationId, team: team!.code });
    const worker = await buildUser({ roles: ['caseworker'], organisationId: admin.organisationId, team: team!.code });
    const caseId = await buildCase(worker, {}, { team: team!.code });
    const retire = await agent.post(`/admin/teams/${team!.id}/retire`).type('form').send({ _csrf: await tokenOf(agent, '/admin/teams') });
    expect(retire.status).to.equal(303);
    expect((await agent.get(retire.headers.location!)).text).to.include('Team Team A retired.');
    expect((await agent.get('/admin/users/new')).text).to.not.include(`value="${team!.code}"`);
    expect((await UserModel.findById(worker.id).lean())!.team).to.equal(team!.code);
    const filter = caseFilter({ userId: supervisor.id, organisationId: admin.organisationId, roles: ['supervisor'], team: team!.code });
    expect(await CaseModel.exists(mongoose.trusted({ $and: [filter, { _id: new Types.ObjectId(caseId) }] }))).to.not.equal(null);
    const restore = await agent.post(`/admin/teams/${team!.id}/restore`).type('form').send({ _csrf: await tokenOf(agent, '/admin/teams') });
    expect((await agent.get(restore.headers.location!)).text).to.include('Team Team A restored.');
    expect((await agent.get('/admin/users/new')).text).to.include(`value="${team!.code}"`);
  });

  it('answers 404 for another organisation’s team, changes nothing there, and audits the attempt', async () => {
    const other = await buildOrganisation();
    const theirs = new Types.ObjectId();
    await OrganisationModel.updateOne({ _id: other.id }, { $set: { teams: [{ _id: theirs, code: 'theirs', name: 'Theirs', retired: false }] } });
    expect((await agent.get(`/admin/teams/${theirs}`)).status).to.equal(404);
    expect((await rename(String(theirs), 'Ours now')).status).to.equal(404);
    expect((await agent.post(`/admin/teams/${theirs}/retire`).type('form').send({ _csrf: await tokenOf(agent, '/admin/teams') })).status).to.equal(404);
    expect(await teamsOf(other.id)).to.deep.equal([{ id: String(theirs), code: 'theirs', name: 'Theirs', retired: false }]);
    expect(await AuditEntryModel.countDocuments({ action: 'access_denied', userId: admin.id, recordId: String(theirs) })).to.equal(3);
  });

  describe('codes and names', () => {
    it('makes one key of names that differ in case, spacing or composition', () => {
      expect(teamNameKey(' Team  A ')).to.equal(teamNameKey('team a'));
      expect(teamNameKey('E\u0301quipe')).to.equal(teamNameKey('équipe'));
      expect(teamNameKey('Team A')).to.not.equal(teamNameKey('Team B'));
    });

    it('makes codes of any script, cut at a whole letter, unique within the list', () => {
      expect(teamCodeFor('Team A', new Set())).to.equal('team-a');
      expect(teamCodeFor('Team A', new Set(['team-a', 'team-a-2']))).to.equal('team-a-3');
      expect(teamCodeFor('ทีมเหนือ', new Set())).to.equal('ทีมเหนือ');
      expect(teamCodeFor('!!!', new Set())).to.equal('team');
      const long = teamCodeFor('ក្រុម'.repeat(20), new Set());
      expect(long.length).to.be.at.most(40);
      expect(long.normalize('NFC')).to.equal(long);
      expect('ក្រុម'.repeat(20).startsWith(long)).to.equal(true);
    });
  });

  describe('teams typed before there was a list', () => {
    it('become the list’s teams: names differing only in case are one team, and users and cases get its code', async () => {
      const org = admin.organisationId;
      const supervisor = await buildUser({ roles: ['supervisor'], organisationId: org, team: 'Team A' });
      const worker = await buildUser({ roles: ['caseworker'], organisationId: org, team: 'team a' });
      const other = await buildUser({ roles: ['caseworker'], organisationId: org, team: 'Outreach' });
      const caseA = await buildCase(worker, {}, { team: 'Team A' });
      const caseB = await buildCase(worker, {}, { team: 'team a' });
      expect(await adoptTypedTeams(org)).to.equal(3);
      const teams = await teamsOf(org);
      expect(teams.map((t) => [t.code, t.name]).sort()).to.deep.equal([['outreach', 'Outreach'], ['team-a', 'Team A']]);
      for (const id of [supervisor.id, worker.id]) expect((await UserModel.findById(id).lean())!.team).to.equal('team-a');
      expect((await UserModel.findById(other.id).lean())!.team).to.equal('outreach');
      for (const id of [caseA, caseB]) expect((await CaseModel.findById(id).lean())!.team).to.equal('team-a');
      const filter = caseFilter({ userId: supervisor.id, organisationId: org, roles: ['supervisor'], team: 'team-a' });
      expect(await CaseModel.countDocuments(mongoose.trusted(filter))).to.equal(2);
      expect(await adoptTypedTeams(org), 'a second run finds nothing left').to.equal(0);
      expect(await teamsOf(org)).to.deep.equal(teams);
    });

    it('the demo seed gives its NGOs the list and its staff the list’s codes', async () => {
      await seedDemo();
      const staff = DEMO_USERS.filter((u) => u.team);
      expect(staff.length).to.be.greaterThan(0);
      for (const u of staff) {
        const stored = (await UserModel.findOne({ email: u.email }).lean())!;
        const teams = await teamsOf(String(stored.organisationId));
        expect(teams.map((t) => t.code), u.email).to.include(stored.team);
      }
      const ngo = (await OrganisationModel.findOne({ code: 'PH-DEMO-LIWANAG' }).lean())!;
      expect(ngo.timeZone).to.equal('Asia/Manila');
      expect(ngo.services.length).to.be.greaterThan(0);
    });
  });
});
