/**
 * The seeded demo holds a record of every kind Haven writes, so it can check rules that must hold for
 * every collection: each one that holds sealed values is re-sealed by keys:rotate (a collection left off
 * that list would become unreadable once an old key is retired), and each case's reporting facts say
 * what its records say, and the report cells what its facts add up to.
 */
import { expect } from 'chai';
import mongoose, { Types } from 'mongoose';
import { sealedKeyId } from '../../src/lib/crypto.js';
import { CONNECT_OPTIONS, disconnect } from '../../src/lib/db/connection.js';
import { ensureIndexes } from '../../src/services/database.js';
import { CaseModel } from '../../src/models/case.js';
import { CaseFactModel } from '../../src/models/case-fact.js';
import { ReportCellModel } from '../../src/models/report-cell.js';
import { seedDemoCases } from '../../src/services/demo/cases.js';
import { seedDemo } from '../../src/services/demo/seed.js';
import { rebuildReportCells } from '../../src/services/facts/cells.js';
import { factsAreCurrent } from '../../src/services/facts/rebuild.js';
import { SEALED_COLLECTIONS } from '../../src/services/key-rotation.js';
import { testEngine } from '../helpers/engine.js';
import { storedCells } from '../helpers/report-cells.js';

function holdsSealed(value: unknown): boolean {
  if (typeof value === 'string') return sealedKeyId(value) !== undefined;
  if (Array.isArray(value)) return value.some(holdsSealed);
  if (value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Types.ObjectId)) return Object.values(value).some(holdsSealed);
  return false;
}

describe('the seeded demo, collection by collection', () => {
  // One seeded database for both checks: useDatabase would empty it before each test.
  const dbName = `t${process.pid}_demorecords`;
  before(async function () {
    this.timeout(300_000);
    await disconnect();
    await mongoose.connect(testEngine().uri, { ...CONNECT_OPTIONS, dbName });
    await ensureIndexes();
    await seedDemo();
    await seedDemoCases();
  });
  after(async () => {
    await mongoose.connection.db?.dropDatabase();
    await disconnect();
  });

  it('every collection holding sealed values is one keys:rotate visits', async () => {
    const db = mongoose.connection.db!;
    const withSealed: string[] = [];
    for (const { name } of await db.listCollections().toArray()) {
      const docs = await db.collection(name).find({}).limit(500).toArray();
      if (docs.some(holdsSealed)) withSealed.push(name);
    }
    expect(withSealed, 'the demo seals something').to.include.members(['cases', 'care_plans', 'legal_cases']);
    expect(withSealed.filter((n) => !SEALED_COLLECTIONS.includes(n))).to.deep.equal([]);
  });

  it("every demo case's reporting facts equal a recomputation from its records", async () => {
    const ids = (await CaseModel.find().select({ _id: 1 }).lean()).map((c) => c._id);
    expect(ids.length).to.be.greaterThan(20);
    expect(await CaseFactModel.countDocuments()).to.equal(ids.length);
    const stale: string[] = [];
    for (const id of ids) if (!(await factsAreCurrent(id))) stale.push(String(id));
    expect(stale).to.deep.equal([]);
  });

  it('the report cells kept through every service the demo went through equal the cells summed again from the facts', async () => {
    const cells = async () => storedCells(await ReportCellModel.collection.find({}).toArray());
    const kept = await cells();
    expect(Object.keys(kept).length, 'the demo has cells').to.be.greaterThan(100);
    expect(Object.keys(kept).some((k) => k.includes(' referral '))).to.equal(true);
    expect(Object.keys(kept).some((k) => k.includes(' closure '))).to.equal(true);
    await rebuildReportCells();
    expect(await cells()).to.deep.equal(kept);
  });
});
