import { expect } from 'chai';
import { Types } from 'mongoose';
import { keyedHash } from '../../src/lib/crypto.js';
import { AuditEntryModel } from '../../src/models/audit-entry.js';
import { CaseModel } from '../../src/models/case.js';
import { SystemStateModel } from '../../src/models/system-state.js';
import { listCases } from '../../src/services/cases/list.js';
import { seedDemoCases } from '../../src/services/demo/cases.js';
import { seedDemo } from '../../src/services/demo/seed.js';
import { nameParts, TOKEN_SCHEME } from '../../src/services/cases/name-search.js';
import { reindexSearch, type ReindexProgress } from '../../src/services/cases/search-reindex.js';
import { buildCase, callerOf } from '../helpers/cases.js';
import { useDatabase } from '../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../helpers/factories.js';

const NAMES = [
  { givenName: 'Testmaria', familyName: 'Soriano' },
  { givenName: 'Demojuan', familyName: 'Fictional' },
  { givenName: 'Demoana', familyName: 'Sorensen' },
  { givenName: 'Testrosa', familyName: 'Fictional' },
  { givenName: 'Demoliza', familyName: 'Fictional' },
];

/** The tokens a case had before beginnings and case number digits were stored: whole words only. */
function wordTokensOnly(names: { givenName: string; familyName: string }): string[] {
  return [...new Set([names.givenName, names.familyName].flatMap(nameParts))].map((p) => keyedHash('name-search', p));
}

interface Stale {
  id: string;
  caseNumber: string;
  version: number;
  updatedAt: Date;
}

describe('search:reindex (reindexSearch)', () => {
  useDatabase('searchreindex');
  let worker: TestUser;

  beforeEach(async () => {
    const org = await buildOrganisation({ country: 'PH' });
    worker = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'north' });
  });

  /** Cases as an earlier version of Haven stored them, in registration (and `_id`) order. */
  async function staleCases(): Promise<Stale[]> {
    const out: Stale[] = [];
    for (const names of NAMES) {
      const id = await buildCase(worker, names, { team: 'north' });
      await CaseModel.collection.updateOne({ _id: new Types.ObjectId(id) }, { $set: { searchTokens: wordTokensOnly(names) } });
      const raw = (await CaseModel.collection.findOne({ _id: new Types.ObjectId(id) }))!;
      out.push({ id, caseNumber: raw.caseNumber as string, version: raw.__v as number, updatedAt: raw.updatedAt as Date });
    }
    return out;
  }

  const found = async (q: string) => (await listCases(callerOf(worker, 'north'), { q, sort: 'oldest' })).rows.map((r) => r.caseNumber);
  const tokensOf = async (id: string) => ((await CaseModel.collection.findOne({ _id: new Types.ObjectId(id) }))!.searchTokens as string[]).slice().sort();

  it('gives older cases the beginnings and digits tokens, leaving version and updatedAt alone; a second run rewrites nothing', async () => {
    const cases = await staleCases();
    expect(await found('Sori'), 'before').to.deep.equal([]);
    expect(await found('00001'), 'before').to.deep.equal([]);
    expect(await found('Soriano'), 'whole words still work before').to.deep.equal([cases[0]!.caseNumber]);

    const progress: ReindexProgress[] = [];
    const first = await reindexSearch((p) => progress.push(p));
    expect(first).to.deep.equal({ rewritten: NAMES.length, unchanged: 0, resumedFrom: undefined });
    expect(progress.at(0)).to.deep.equal({ done: 0, total: NAMES.length });
    expect(progress.at(-1)).to.deep.equal({ done: NAMES.length, total: NAMES.length });

    expect(await found('Sori')).to.deep.equal([cases[0]!.caseNumber]);
    expect(await found('Sor')).to.deep.equal([cases[0]!.caseNumber, cases[2]!.caseNumber]);
    expect(await found('00001')).to.deep.equal([cases[0]!.caseNumber]);
    for (const c of cases) {
      const raw = (await CaseModel.collection.findOne({ _id: new Types.ObjectId(c.id) }))!;
      expect(raw.__v, 'version').to.equal(c.version);
      expect((raw.updatedAt as Date).getTime(), 'updatedAt').to.equal(c.updatedAt.getTime());
    }
    const after = await Promise.all(cases.map((c) => tokensOf(c.id)));

    const second = await reindexSearch();
    expect(second).to.deep.equal({ rewritten: 0, unchanged: NAMES.length, resumedFrom: undefined });
    expect(await Promise.all(cases.map((c) => tokensOf(c.id)))).to.deep.equal(after);
    expect(await AuditEntryModel.countDocuments({ action: 'search_reindex', outcome: 'success' })).to.equal(2);
  });

  it('writes exactly the tokens that registering the case writes today', async () => {
    const id = await buildCase(worker, NAMES[0], { team: 'north' });
    const registered = await tokensOf(id);
    await CaseModel.collection.updateOne({ _id: new Types.ObjectId(id) }, { $set: { searchTokens: [] } });
    expect((await reindexSearch()).rewritten).to.equal(1);
    expect(await tokensOf(id)).to.deep.equal(registered);
  });

  it('resumes after the last case a stopped run reached, and starts from the beginning once a run has finished', async () => {
    const cases = await staleCases();
    // A run that stopped after the third case left this position behind.
    await SystemStateModel.create({ _id: 'search-reindex', at: new Date(), detail: JSON.stringify({ scheme: TOKEN_SCHEME, lastId: cases[2]!.id }) });
    const resumed = await reindexSearch();
    expect(resumed).to.deep.equal({ rewritten: 2, unchanged: 0, resumedFrom: cases[2]!.id });
    expect(await found('Sor'), 'the first three were not visited').to.deep.equal([]);
    expect(await found('Testro')).to.deep.equal([cases[3]!.caseNumber]);

    const again = await reindexSearch();
    expect(again).to.deep.equal({ rewritten: 3, unchanged: 2, resumedFrom: undefined });
    expect(await found('Sor')).to.deep.equal([cases[0]!.caseNumber, cases[2]!.caseNumber]);
  });

  it('does not resume a position left by a run of an older token scheme', async () => {
    const cases = await staleCases();
    await SystemStateModel.create({ _id: 'search-reindex', at: new Date(), detail: JSON.stringify({ scheme: TOKEN_SCHEME - 1, lastId: cases[2]!.id }) });
    expect(await reindexSearch()).to.deep.equal({ rewritten: NAMES.length, unchanged: 0, resumedFrom: undefined });
  });

  it('finds every demo case already up to date: the demo seed writes the new tokens', async function () {
    this.timeout(180_000);
    await seedDemo();
    const seeded = await seedDemoCases();
    expect(seeded).to.be.greaterThan(100);
    const report = await reindexSearch();
    expect(report.rewritten).to.equal(0);
    expect(report.unchanged).to.be.at.least(seeded);
  });
});
