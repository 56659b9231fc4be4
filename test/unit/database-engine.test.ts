import { expect } from 'chai';
import { GridFSBucket } from 'mongodb';
import mongoose, { Schema } from 'mongoose';
import { setTimeout as sleep } from 'node:timers/promises';
import '../../src/models/index.js';
import { useDatabase } from '../helpers/db.js';

/**
 * Runs among the first tests: each MongoDB feature Haven relies on, checked by name, so that an engine
 * or a MongoDB upgrade that breaks one fails here first (DATABASE.md). The same file passes on MongoDB 7+.
 */
describe('the database engine', () => {
  useDatabase('engine');
  const probeSchema = new Schema({ key: String, n: Number, at: Date, tags: [String] });
  interface Probe {
    key: string;
    n: number;
    at?: Date;
    tags?: string[];
  }
  const Probe = mongoose.model<Probe>('EngineProbe', probeSchema);
  const db = () => mongoose.connection.db!;
  const errorCode = async (work: Promise<unknown>) => work.then(() => undefined, (err: { code?: number }) => err.code);

  it('answers the handshake as the primary of a replica set, with a MongoDB wire version mongoose accepts', async () => {
    const hello = await db().admin().command({ hello: 1 });
    expect(hello.isWritablePrimary).to.equal(true);
    expect(hello.maxWireVersion).to.be.at.least(17);
    // Sessions and transactions need a replica set (or a sharded cluster) on MongoDB as here.
    expect(hello.setName).to.be.a('string').and.not.equal('');
    expect(hello.logicalSessionTimeoutMinutes).to.be.a('number');
  });

  it('unique indexes: a duplicate is error 11000 on insert, on update and on upsert', async () => {
    const unique = db().collection('engine_unique_probe');
    await unique.createIndex({ key: 1 }, { unique: true });
    await unique.insertMany([{ key: 'a' }, { key: 'b' }]);
    expect(await errorCode(unique.insertOne({ key: 'a' }))).to.equal(11000);
    expect(await errorCode(unique.updateOne({ key: 'b' }, { $set: { key: 'a' } }))).to.equal(11000);
    expect(await errorCode(unique.updateOne({ key: 'c' }, { $set: { key: 'a' } }, { upsert: true }))).to.equal(11000);
    expect(await errorCode(unique.findOneAndUpdate({ key: 'b' }, { $set: { key: 'a' } }))).to.equal(11000);
    expect(await unique.countDocuments()).to.equal(2);
  });

  it('upserts racing on one missing key apply each change exactly once', async () => {
    // What Haven relies on. secantusd-rs 0.5.3-beta.196 also answers about 2% of such racing upserts
    // with no document (null) although it applied them, where MongoDB answers the document; Haven
    // therefore never reads the answer of a racing upsert (services/create-if-missing.ts), and
    // `npm run bench -- upsert-race` counts the null answers on any engine.
    const racing = db().collection<{ _id: string; n: number }>('engine_upsert_probe');
    for (let round = 0; round < 5; round++) {
      const _id = `key${round}`;
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          racing.findOneAndUpdate({ _id }, { $inc: { n: 1 } }, { upsert: true, returnDocument: 'after' }).then(
            () => 'ok',
            (err: { code?: number }) => (err.code === 11000 ? 'duplicate' : `error ${err.code}`),
          ),
        ),
      );
      const applied = (await racing.findOne({ _id }))?.n ?? 0;
      expect(answers.filter((a) => a.startsWith('error'))).to.deep.equal([]);
      expect(applied).to.equal(answers.filter((a) => a === 'ok').length);
    }
  });

  it('findOneAndUpdate changes one document atomically and returns it', async () => {
    await Probe.create([{ key: 'x', n: 1 }, { key: 'y', n: 1 }]);
    expect(await Probe.countDocuments({ n: 1 })).to.equal(2);
    const after = await Probe.findOneAndUpdate({ key: 'x' }, { $inc: { n: 5 } }, { returnDocument: 'after' }).lean();
    expect(after?.n).to.equal(6);
  });

  it('neutralises operator objects in filters (sanitizeFilter, SECURITY.md I2)', async () => {
    await Probe.create({ key: 'secret', n: 1 });
    const hostile = JSON.parse('{"key":{"$ne":null}}') as Record<string, unknown>;
    // The operator becomes a literal ($eq) that cannot even be cast to a string: nothing is returned.
    const outcome = await Probe.find(hostile as mongoose.QueryFilter<Probe>).lean().then((docs) => docs.length, (err: Error) => err.name);
    expect(outcome).to.be.oneOf([0, 'CastError']);
    const nested = await Probe.find({ key: { $eq: { $ne: null } as unknown as string } }).lean().then(
      (docs) => docs.length,
      (err: Error) => err.name,
    );
    expect(nested).to.be.oneOf([0, 'CastError']);
  });

  it('transactions: withTransaction commits several documents together, and an abort leaves none', async () => {
    await Probe.createCollection();
    const session = await mongoose.startSession();
    try {
      await session.withTransaction(async () => {
        await Probe.create([{ key: 't1', n: 1 }], { session });
        await Probe.updateOne({ key: 't1' }, { $inc: { n: 1 } }, { session });
        await Probe.create([{ key: 't2', n: 1 }], { session });
      });
      expect(await Probe.collection.countDocuments({ key: { $in: ['t1', 't2'] } })).to.equal(2);
      expect((await Probe.findOne({ key: 't1' }).lean())?.n).to.equal(2);

      let failed = false;
      try {
        await session.withTransaction(async () => {
          await Probe.create([{ key: 't3', n: 1 }], { session });
          // Not visible outside the transaction before it commits.
          expect(await Probe.countDocuments({ key: 't3' })).to.equal(0);
          throw new Error('abort on purpose');
        });
      } catch (err) {
        failed = (err as Error).message === 'abort on purpose';
      }
      expect(failed).to.equal(true);
      expect(await Probe.countDocuments({ key: 't3' })).to.equal(0);
    } finally {
      await session.endSession();
    }
  });

  it('TTL indexes: created with expireAfterSeconds, and the monitor removes expired documents', async () => {
    const ttl = db().collection('engine_ttl_probe');
    await ttl.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    const index = (await ttl.indexes()).find((i) => i.key.expiresAt === 1);
    expect(index?.expireAfterSeconds).to.equal(0);
    await ttl.insertMany([
      { name: 'gone', expiresAt: new Date(Date.now() - 60_000) },
      { name: 'kept', expiresAt: new Date(Date.now() + 3_600_000) },
    ]);
    // The test engine's monitor passes every second (MongoDB's every 60 s: hence the check on read).
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && (await ttl.countDocuments({ name: 'gone' })) > 0) await sleep(250);
    expect(await ttl.countDocuments({ name: 'gone' })).to.equal(0);
    expect(await ttl.countDocuments({ name: 'kept' })).to.equal(1);
  });

  it('GridFS: a file written in chunks through GridFSBucket reads back byte for byte, and is deleted whole', async () => {
    const bucket = new GridFSBucket(db(), { bucketName: 'engine_probe', chunkSizeBytes: 1024 });
    const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
    const id = new mongoose.Types.ObjectId();
    await new Promise<void>((resolve, reject) => {
      bucket.openUploadStreamWithId(id, 'probe.bin').on('finish', () => resolve()).on('error', reject).end(data);
    });
    expect(await db().collection('engine_probe.chunks').countDocuments({ files_id: id })).to.equal(5);
    const chunks: Buffer[] = [];
    for await (const chunk of bucket.openDownloadStream(id)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(data)).to.equal(true);
    await bucket.delete(id);
    expect(await db().collection('engine_probe.chunks').countDocuments({ files_id: id })).to.equal(0);
  });

  it('aggregation: $match, $group with $sum, $avg, $min, $max, $push and $addToSet, $cond, $sort', async () => {
    await Probe.create([
      { key: 'g1', n: 1, tags: ['a'] },
      { key: 'g1', n: 3, tags: ['b'] },
      { key: 'g2', n: 10, tags: ['a'] },
    ]);
    const rows = await Probe.aggregate<{ _id: string; count: number; avg: number; min: number; max: number; ns: number[]; big: number; tags: string[][] }>([
      { $match: { key: { $in: ['g1', 'g2'] } } },
      {
        $group: {
          _id: '$key',
          count: { $sum: 1 },
          avg: { $avg: '$n' },
          min: { $min: '$n' },
          max: { $max: '$n' },
          ns: { $push: '$n' },
          tags: { $addToSet: '$tags' },
          big: { $sum: { $cond: [{ $gte: ['$n', 3] }, 1, 0] } },
        },
      },
      { $sort: { _id: 1 } },
    ]);
    expect(rows.map((r) => [r._id, r.count, r.avg, r.min, r.max, r.big])).to.deep.equal([
      ['g1', 2, 2, 1, 3, 1],
      ['g2', 1, 10, 10, 10, 1],
    ]);
    expect(rows[0]!.ns.slice().sort()).to.deep.equal([1, 3]);
  });

  it('aggregation: $median and $percentile (approximate, as the reports ask), the value at rank ceil(p × n)', async () => {
    await Probe.create([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 20, 25, 30].map((n) => ({ key: 'days', n })));
    await Probe.create({ key: 'days', tags: ['no n'] });
    const [row] = await Probe.aggregate<{ median: number; p90: number[]; none: number | null }>([
      { $match: { key: 'days' } },
      { $group: { _id: null, median: { $median: { input: '$n', method: 'approximate' } }, p90: { $percentile: { input: '$n', p: [0.25, 0.9], method: 'approximate' } }, none: { $median: { input: '$missing', method: 'approximate' } } } },
    ]);
    // 14 numbers (the document without one is skipped): rank 7 is 8; ranks 4 and 13 are 5 and 25.
    expect(row!.median).to.equal(8);
    expect(row!.p90).to.deep.equal([5, 25]);
    expect(row!.none).to.equal(null);
  });

  it('aggregation: $facet, $bucket, $unwind, $lookup, $project and date operators', async () => {
    const at = (d: string) => new Date(`${d}T12:00:00Z`);
    await Probe.create([
      { key: 'f', n: 1, at: at('2026-01-15'), tags: ['x', 'y'] },
      { key: 'f', n: 7, at: at('2026-02-15'), tags: ['x'] },
      { key: 'f', n: 12, at: at('2026-02-20'), tags: [] },
    ]);
    await db().collection('engine_lookup').insertMany([{ key: 'f', label: 'eff' }]);
    const [result] = await Probe.aggregate<{
      buckets: { _id: number; count: number }[];
      months: { _id: { y: number; m: number }; count: number }[];
      tags: { _id: string; count: number }[];
      joined: { label: string }[];
    }>([
      { $match: { key: 'f' } },
      {
        $facet: {
          buckets: [{ $bucket: { groupBy: '$n', boundaries: [0, 5, 10, 20], default: 'other' } }],
          months: [{ $group: { _id: { y: { $year: '$at' }, m: { $month: '$at' } }, count: { $sum: 1 } } }, { $sort: { '_id.m': 1 } }],
          tags: [{ $unwind: '$tags' }, { $group: { _id: '$tags', count: { $sum: 1 } } }, { $sort: { _id: 1 } }],
          joined: [
            { $limit: 1 },
            { $lookup: { from: 'engine_lookup', localField: 'key', foreignField: 'key', as: 'l' } },
            { $unwind: '$l' },
            { $project: { _id: 0, label: '$l.label' } },
          ],
        },
      },
    ]);
    expect(result!.buckets).to.deep.equal([
      { _id: 0, count: 1 },
      { _id: 5, count: 1 },
      { _id: 10, count: 1 },
    ]);
    expect(result!.months).to.deep.equal([
      { _id: { y: 2026, m: 1 }, count: 1 },
      { _id: { y: 2026, m: 2 }, count: 2 },
    ]);
    expect(result!.tags).to.deep.equal([
      { _id: 'x', count: 2 },
      { _id: 'y', count: 1 },
    ]);
    expect(result!.joined).to.deep.equal([{ label: 'eff' }]);
    const [days] = await Probe.aggregate<{ days: number }>([
      { $match: { key: 'f', n: 12 } },
      { $project: { _id: 0, days: { $dateDiff: { startDate: at('2026-02-01'), endDate: '$at', unit: 'day' } } } },
    ]);
    expect(days!.days).to.equal(19);
  });

  it('explain names the index a query uses, with executionStats', async () => {
    await Probe.collection.createIndex({ key: 1, n: -1 });
    await Probe.create(Array.from({ length: 30 }, (_, i) => ({ key: i % 2 ? 'odd' : 'even', n: i })));
    const plan = (await Probe.find({ key: 'odd' }).sort({ n: -1 }).limit(5).explain('executionStats')) as unknown as {
      queryPlanner: { winningPlan: unknown };
      executionStats: { nReturned: number };
    };
    expect(JSON.stringify(plan.queryPlanner.winningPlan)).to.include('IXSCAN').and.not.include('COLLSCAN');
    expect(plan.executionStats.nReturned).to.equal(5);
  });

  describe('every schema of ours', () => {
    const schemas = () =>
      mongoose.modelNames().filter((n) => n !== 'EngineProbe').map((n) => [n, mongoose.model(n).schema] as const);

    it('declares indexes in the portable core: ascending or descending keys, unique, and TTL on a date only', () => {
      expect(schemas()).to.not.be.empty;
      for (const [name, schema] of schemas()) {
        for (const [fields, options] of schema.indexes()) {
          const where = `${name} ${JSON.stringify(fields)}`;
          expect(Object.values(fields), where).to.satisfy((v: unknown[]) => v.every((x) => x === 1 || x === -1));
          const ttl = (options as { expireAfterSeconds?: number } | undefined)?.expireAfterSeconds;
          if (ttl !== undefined) {
            const [path] = Object.keys(fields);
            expect(Object.keys(fields), where).to.have.length(1);
            expect(schema.path(path!)?.instance, where).to.equal('Date');
          }
          for (const forbidden of ['partialFilterExpression', 'sparse', 'collation', 'expires']) {
            expect(options ?? {}, where).to.not.have.property(forbidden);
          }
        }
      }
    });
  });
});
