import mongoose from 'mongoose';
import { connect, disconnect } from '../../src/lib/db/connection.js';
import { ensureIndexes } from '../../src/services/database.js';
import { testEngine } from './engine.js';

let counter = 0;

/**
 * Call at the top of a describe: the file gets a database of its own on the run's engine, with every
 * index built, emptied before each test and dropped at the end.
 */
export function useDatabase(label: string): void {
  const name = `t${process.pid}_${++counter}_${label.replace(/[^A-Za-z0-9]/g, '').slice(0, 16)}`;
  before(async () => {
    await disconnect();
    await connect(testEngine().uri, name);
    await ensureIndexes();
  });
  beforeEach(async () => {
    // Through the driver: the audit log model itself refuses deletions (append only).
    for (const model of Object.values(mongoose.models)) await model.collection.deleteMany({});
    // GridFS buckets have no model. Sessions are kept: a file may sign in once for all its tests.
    for (const c of await mongoose.connection.db!.collections()) {
      if (/\.(files|chunks)$/.test(c.collectionName)) await c.deleteMany({});
    }
  });
  after(async () => {
    await mongoose.connection.db?.dropDatabase();
    await disconnect();
  });
}
