import { expect } from 'chai';
import { OrganisationModel } from '../../src/models/organisation.js';
import { DEMO_ORGANISATIONS } from '../../src/services/demo-data.js';
import { seedDemo, seedDemoIfEmpty } from '../../src/services/demo-seed.js';
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

  it('is safe to run again: nothing is duplicated', async () => {
    await seedDemo();
    const again = await seedDemo();
    expect(again.created).to.deep.equal([]);
    expect(again.existing).to.have.length(DEMO_ORGANISATIONS.length);
    expect(await OrganisationModel.countDocuments({})).to.equal(DEMO_ORGANISATIONS.length);
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
