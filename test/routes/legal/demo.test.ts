/**
 * The demo legal cases (services/demo/legal.ts): on the demo caseworker's cases, legal cases at every
 * stage, hearings past and to come, verdicts and witness support, all of it fictional; run twice, it
 * adds nothing.
 */
import { expect } from 'chai';
import { LEGAL_STATUSES } from '../../../src/domain/legal.js';
import type { Role } from '../../../src/domain/permissions.js';
import { CaseFactModel } from '../../../src/models/case-fact.js';
import { LegalCaseModel } from '../../../src/models/legal-case.js';
import { LegalHearingModel } from '../../../src/models/legal-hearing.js';
import { OrganisationModel } from '../../../src/models/organisation.js';
import { UserModel } from '../../../src/models/user.js';
import { registerCase } from '../../../src/services/cases/cases.js';
import { seedDemoLegal } from '../../../src/services/demo/legal.js';
import { seedDemo } from '../../../src/services/demo/seed.js';
import { legalCasePage } from '../../../src/services/legal/view.js';
import { caseDetails } from '../../helpers/cases.js';
import { useDatabase } from '../../helpers/db.js';
import { day } from './setup.js';

describe('demo legal cases (services/demo/legal.ts)', function () {
  this.timeout(120_000);
  useDatabase('legaldemo');

  it('puts legal cases at every stage on demo cases, with hearings past and to come, and only once', async () => {
    await seedDemo();
    const org = (await OrganisationModel.findOne({ code: 'PH-DEMO-LIWANAG' }).lean())!;
    const u = (await UserModel.findOne({ organisationId: org._id, roles: 'caseworker', demo: true }).lean())!;
    const worker = { userId: String(u._id), organisationId: String(org._id), roles: u.roles as Role[], team: u.team ?? undefined, ip: '127.0.0.1' };
    for (let i = 0; i < 40; i++) await registerCase(worker, caseDetails({ intakeDate: day(-900) }));

    const made = await seedDemoLegal();
    expect(made).to.be.greaterThan(7);
    const legal = await LegalCaseModel.find({}).lean();
    expect(legal).to.have.length(made);
    expect(new Set(legal.map((l) => l.status))).to.deep.equal(new Set(LEGAL_STATUSES));
    expect(legal.filter((l) => l.verdict).length).to.be.greaterThan(1);
    expect(legal.every((l) => l.support.length > 0)).to.equal(true);
    const today = day(0);
    const hearings = await LegalHearingModel.find({}).lean();
    expect(hearings.some((h) => !h.outcome && h.date.toISOString().slice(0, 10) > today), 'a hearing to come').to.equal(true);
    expect(hearings.some((h) => !h.outcome && h.date.toISOString().slice(0, 10) < today), 'a hearing whose outcome is missing').to.equal(true);
    expect(hearings.some((h) => h.outcome === 'child_testified')).to.equal(true);

    // Offenders are obviously fictional, and the facts of each case count its legal cases.
    const page = await legalCasePage(worker, String(legal[0]!.caseId), String(legal[0]!._id));
    for (const o of page.offenders) expect(o.name).to.match(/^Offender \w+ Test$/);
    expect(page.reference).to.match(/\(fictional\)$/);
    for (const caseId of new Set(legal.map((l) => String(l.caseId)))) {
      const facts = (await CaseFactModel.findOne({ caseId }).lean())!;
      expect(facts.legalCases).to.have.length(legal.filter((l) => String(l.caseId) === caseId).length);
    }

    expect(await seedDemoLegal()).to.equal(0);
    expect(await LegalCaseModel.countDocuments({})).to.equal(made);
  });
});
