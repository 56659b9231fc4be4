import { expect } from 'chai';
import mongoose, { Schema } from 'mongoose';
import '../../src/models/index.js';
import { useDatabase } from '../helpers/db.js';

// Runs first (alphabetically among unit tests after config): the engine speaks enough MongoDB for
// mongoose, and our schemas stay inside the portable core of DATABASE.md.
describe('the database engine', () => {
  useDatabase('engine');
  const probeSchema = new Schema({ key: String, n: Number });
  interface Probe {
    key: string;
    n: number;
  }
  const Probe = mongoose.model<Probe>('EngineProbe', probeSchema);

  it('answers the version handshake with a MongoDB wire version mongoose accepts', async () => {
    const hello = await mongoose.connection.db!.admin().command({ hello: 1 });
    expect(hello.isWritablePrimary).to.equal(true);
    expect(hello.maxWireVersion).to.be.at.least(17);
  });

  it('creates unique indexes and refuses duplicates on insert', async () => {
    await Probe.collection.createIndex({ key: 1 }, { unique: true });
    await Probe.create({ key: 'a', n: 1 });
    let code: unknown;
    try {
      await Probe.create({ key: 'a', n: 2 });
    } catch (err) {
      code = (err as { code?: number }).code;
    }
    expect(code).to.equal(11000);
  });

  it('counts documents and updates one atomically with findOneAndUpdate', async () => {
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

  describe('every schema of ours', () => {
    const schemas = () =>
      mongoose.modelNames().filter((n) => n !== 'EngineProbe').map((n) => [n, mongoose.model(n).schema] as const);

    it('declares only single, compound and unique indexes (no TTL, partial, text, 2dsphere, hashed, sparse)', () => {
      expect(schemas()).to.not.be.empty;
      for (const [name, schema] of schemas()) {
        for (const [fields, options] of schema.indexes()) {
          const where = `${name} ${JSON.stringify(fields)}`;
          expect(Object.values(fields), where).to.satisfy((v: unknown[]) => v.every((x) => x === 1 || x === -1));
          for (const forbidden of ['expires', 'expireAfterSeconds', 'partialFilterExpression', 'sparse', 'collation']) {
            expect(options ?? {}, where).to.not.have.property(forbidden);
          }
        }
      }
    });

    it('has no path with select: false (findOneAndUpdate cannot project on the engine)', () => {
      for (const [name, schema] of schemas()) {
        schema.eachPath((path, type) => {
          expect((type as { options?: { select?: unknown } }).options?.select, `${name}.${path}`).to.not.equal(false);
        });
      }
    });
  });
});
