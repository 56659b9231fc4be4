import { expect } from 'chai';
import { Types } from 'mongoose';
import { CaseFactModel } from '../../src/models/case-fact.js';
import { CaseModel } from '../../src/models/case.js';
import { SystemStateModel } from '../../src/models/system-state.js';
import { computeCaseFacts } from '../../src/services/facts/facts.js';
import { factsAreCurrent, rebuildFacts, type RebuildProgress } from '../../src/services/facts/rebuild.js';
import { updateCase } from '../../src/services/cases/cases.js';
import { buildCase, callerOf, caseDetails } from '../helpers/cases.js';
import { useDatabase } from '../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../helpers/factories.js';

describe('reporting facts (case_facts) and facts:rebuild', () => {
  useDatabase('factsrebuild');
  let worker: TestUser;

  beforeEach(async () => {
    const org = await buildOrganisation({ country: 'KH' });
    worker = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'north' });
  });

  const raw = (caseId: string) => CaseFactModel.collection.findOne({ caseId: new Types.ObjectId(caseId) });

  it('registering a case writes its facts: codes, dates and counts, no names', async () => {
    const id = await buildCase(worker, { givenName: 'Factmarker', familyName: 'Fictional', riskLevel: 'high', intakeDate: '2026-03-14', nationality: 'MM' }, { team: 'north' });
    const doc = await raw(id);
    expect(doc).to.include({ status: 'open', riskLevel: 'high', country: 'KH', nationality: 'MM', team: 'north', intakeMonth: '2026-03' });
    expect(JSON.stringify(doc)).to.not.include('Factmarker');
    expect(await factsAreCurrent(new Types.ObjectId(id))).to.equal(true);
  });

  it('an edit of the case rewrites them; a change made around the services shows as stale', async () => {
    const id = await buildCase(worker, {}, { team: 'north' });
    const version = (await CaseModel.collection.findOne({ _id: new Types.ObjectId(id) }))!.__v as number;
    await updateCase(callerOf(worker, 'north'), id, version, caseDetails({ riskLevel: 'critical', exploitationTypes: ['trafficking_sexual'] }));
    expect(await raw(id)).to.deep.include({ riskLevel: 'critical', exploitationTypes: ['trafficking_sexual'] });
    expect(await factsAreCurrent(new Types.ObjectId(id))).to.equal(true);
    await CaseModel.collection.updateOne({ _id: new Types.ObjectId(id) }, { $set: { riskLevel: 'low' } });
    expect(await factsAreCurrent(new Types.ObjectId(id))).to.equal(false);
  });

  it('rebuild repairs wrong, missing and orphaned facts, and a second run rewrites nothing', async () => {
    const ids = [await buildCase(worker, {}, { team: 'north' }), await buildCase(worker, {}, { team: 'north' }), await buildCase(worker, {}, { team: 'north' })];
    await CaseFactModel.collection.updateOne({ caseId: new Types.ObjectId(ids[0]) }, { $set: { riskLevel: 'low', status: 'closed' } });
    await CaseFactModel.collection.deleteOne({ caseId: new Types.ObjectId(ids[1]) });
    await CaseFactModel.collection.insertOne({ caseId: new Types.ObjectId(), organisationId: new Types.ObjectId(), status: 'open', riskLevel: 'low', intakeMonth: '2026-01', intakeDate: new Date() });

    const seen: RebuildProgress[] = [];
    const first = await rebuildFacts((p) => seen.push(p));
    expect(first).to.include({ rewritten: 2, unchanged: 1, removed: 1 });
    expect(seen.at(-1)).to.deep.equal({ done: 3, total: 3 });
    for (const id of ids) expect(await factsAreCurrent(new Types.ObjectId(id))).to.equal(true);
    expect(await CaseFactModel.countDocuments()).to.equal(3);

    const second = await rebuildFacts();
    expect(second).to.include({ rewritten: 0, unchanged: 3, removed: 0 });
  });

  it('a stopped run resumes after the last case it finished', async () => {
    const ids = [await buildCase(worker, {}, { team: 'north' }), await buildCase(worker, {}, { team: 'north' })];
    await CaseFactModel.collection.deleteMany({});
    await SystemStateModel.updateOne({ _id: 'facts-rebuild' }, { $set: { at: new Date(), detail: JSON.stringify({ lastId: ids[0] }) } }, { upsert: true });
    const report = await rebuildFacts();
    expect(report.resumedFrom).to.equal(ids[0]);
    expect(report.rewritten).to.equal(1);
    expect(await raw(ids[0]!)).to.equal(null);
    expect(await raw(ids[1]!)).to.not.equal(null);
    expect(await computeCaseFacts(new Types.ObjectId(ids[1]))).to.include({ status: 'open' });
  });
});
