/**
 * A change to a case and its history entry are one transaction (DATABASE.md): when the history entry
 * cannot be written, the case is left as it was, and the other way round.
 */
import { expect } from 'chai';
import { CaseChangeModel } from '../../../src/models/case-change.js';
import { CaseModel } from '../../../src/models/case.js';
import { addConsent, addFamilyMember } from '../../../src/services/cases/family.js';
import { updateCase } from '../../../src/services/cases/cases.js';
import { buildCase, callerOf, caseDetails } from '../../helpers/cases.js';
import { useDatabase } from '../../helpers/db.js';
import { buildUser } from '../../helpers/factories.js';

describe('case changes and their history are written together', () => {
  useDatabase('casetx');

  /** Makes the next history writes fail, as a lost connection or a full disk would. */
  async function withFailingHistory(work: () => Promise<unknown>): Promise<unknown> {
    const original = CaseChangeModel.create.bind(CaseChangeModel);
    (CaseChangeModel as { create: unknown }).create = async () => {
      throw new Error('history write failed on purpose');
    };
    try {
      return await work().then(() => undefined, (err: Error) => err.message);
    } finally {
      (CaseChangeModel as { create: unknown }).create = original;
    }
  }

  it('a details save whose history entry fails changes nothing', async () => {
    const worker = await buildUser({ roles: ['caseworker'] });
    const id = await buildCase(worker, { riskLevel: 'high' });
    const before = (await CaseModel.findById(id).lean())!;
    const changes = await CaseChangeModel.countDocuments({ caseId: before._id });
    const failed = await withFailingHistory(() => updateCase(callerOf(worker), id, 0, caseDetails({ riskLevel: 'low' })));
    expect(failed).to.equal('history write failed on purpose');
    const after = (await CaseModel.findById(id).lean())!;
    expect(after.riskLevel).to.equal('high');
    expect(after.__v).to.equal(before.__v);
    expect(after.child?.secret).to.equal(before.child?.secret);
    expect(await CaseChangeModel.countDocuments({ caseId: before._id })).to.equal(changes);

    // And with the history working again, the same save goes through with its entry.
    await updateCase(callerOf(worker), id, 0, caseDetails({ riskLevel: 'low' }));
    expect((await CaseModel.findById(id).lean())!.riskLevel).to.equal('low');
    expect(await CaseChangeModel.countDocuments({ caseId: before._id })).to.equal(changes + 1);
  });

  it('a family member or a consent whose history entry fails is not added', async () => {
    const worker = await buildUser({ roles: ['caseworker'] });
    const id = await buildCase(worker);
    const caller = callerOf(worker);
    const member = await withFailingHistory(() =>
      addFamilyMember(caller, id, { relationship: 'mother', exploitationRole: 'none', livesWithChild: true, guardian: true, givenName: 'Fictional', familyName: 'Mother', localName: '', age: '40', contact: '', protectiveFactors: '' }),
    );
    expect(member).to.equal('history write failed on purpose');
    const consent = await withFailingHistory(() => addConsent(caller, id, { purpose: 'services', organisationId: '', givenBy: 'guardian', date: '2026-03-02', formVersion: 'v1' }));
    expect(consent).to.equal('history write failed on purpose');
    const after = (await CaseModel.findById(id).lean())!;
    expect(after.family).to.have.length(0);
    expect(after.consents).to.have.length(0);
    expect(after.__v).to.equal(0);
  });

  it('registering a case whose first history entry fails leaves no case', async () => {
    const worker = await buildUser({ roles: ['caseworker'] });
    const failed = await withFailingHistory(() => buildCase(worker));
    expect(failed).to.equal('history write failed on purpose');
    expect(await CaseModel.countDocuments({ organisationId: worker.organisationId })).to.equal(0);
  });
});
