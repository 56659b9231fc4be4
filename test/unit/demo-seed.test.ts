import { expect } from 'chai';
import { ROLES } from '../../src/domain/permissions.js';
import { OrganisationModel } from '../../src/models/organisation.js';
import { UserModel } from '../../src/models/user.js';
import { DEMO_ORGANISATIONS } from '../../src/services/demo/data.js';
import { seedDemo, seedDemoIfEmpty } from '../../src/services/demo/seed.js';
import { useDatabase } from '../helpers/db.js';

describe('demo data', () => {
  useDatabase('seed');

  it('creates obviously fictional NGOs and partners across the region, each named in its own language', async () => {
    const report = await seedDemo();
    expect(report.created).to.have.length(DEMO_ORGANISATIONS.length);
    const orgs = await OrganisationModel.find({}).lean();
    expect(orgs.filter((o) => o.kind === 'ngo').map((o) => o.country).sort()).to.deep.equal(['KH', 'PH']);
    expect(new Set(orgs.filter((o) => o.kind === 'partner').map((o) => o.country)).size).to.be.at.least(6);
    for (const org of orgs) {
      expect(org.demo).to.equal(true);
      expect(org.name?.en).to.match(/Demo/).and.match(/\(fictional\)/);
      expect(org.name?.[org.preferredLocale as 'en'], org.code).to.be.a('string').and.not.equal('');
    }
  });

  it('creates a demo account for every role, fictional names in Latin and local script, each with a second factor', async () => {
    const report = await seedDemo();
    const users = await UserModel.find({}).lean();
    expect(report.users).to.have.length(users.length);
    expect(new Set(users.flatMap((u) => u.roles))).to.deep.equal(new Set(ROLES));
    for (const user of users) {
      expect(user.name, user.email).to.match(/Demo/);
      expect(user.email).to.match(/@demo\.haven\.example$/);
      expect(user.demo).to.equal(true);
      expect(user.status).to.equal('active');
      expect(user.mfa?.secret, 'encrypted TOTP seed').to.match(/^v1:/);
    }
    const scripts = users.map((u) => u.name).join(' ');
    for (const script of [/\p{Script=Khmer}/u, /\p{Script=Thai}/u, /\p{Script=Lao}/u, /\p{Script=Myanmar}/u]) expect(scripts).to.match(script);
    const ngos = await OrganisationModel.find({ kind: 'ngo' }).lean();
    for (const ngo of ngos) {
      const roles = users.filter((u) => String(u.organisationId) === String(ngo._id)).flatMap((u) => u.roles);
      expect(new Set(roles), ngo.code).to.deep.equal(new Set(['caseworker', 'supervisor', 'manager', 'admin', 'auditor']));
    }
  });

  it('is safe to run again: nothing is duplicated', async () => {
    await seedDemo();
    const again = await seedDemo();
    expect(again.created).to.deep.equal([]);
    expect(again.existing).to.have.length(DEMO_ORGANISATIONS.length);
    expect(await OrganisationModel.countDocuments({})).to.equal(DEMO_ORGANISATIONS.length);
    expect(again.users).to.deep.equal([]);
  });

  it('seeds an empty database once, and never one that already holds organisations', async () => {
    expect(await seedDemoIfEmpty()).to.not.equal(undefined);
    expect(await seedDemoIfEmpty()).to.equal(undefined);
    await OrganisationModel.deleteMany({});
    expect(await seedDemoIfEmpty()).to.equal(undefined); // seeded once already: a deliberate wipe stays wiped
  });

  it('does not seed a database that already has real organisations', async () => {
    await OrganisationModel.create({ code: 'XX-REAL', kind: 'ngo', country: 'PH', name: { en: 'Test org (fictional)' }, preferredLocale: 'en' });
    expect(await seedDemoIfEmpty()).to.equal(undefined);
  });
});
