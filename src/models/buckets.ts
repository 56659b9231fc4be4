import mongoose from 'mongoose';

/**
 * GridFS buckets of encrypted content (DATABASE.md): the case's attachments and the referrals' own
 * copies. Files are named by record id and hold ciphertext only.
 */
type Db = NonNullable<typeof mongoose.connection.db>;
const buckets = new Map<string, WeakMap<Db, mongoose.mongo.GridFSBucket>>();

/** The named bucket on the current connection's database (one instance per database, as the driver expects). */
export function contentBucket(name: string): mongoose.mongo.GridFSBucket {
  const db = mongoose.connection.db;
  if (!db) throw new Error('the database is not connected');
  let perDb = buckets.get(name);
  if (!perDb) buckets.set(name, (perDb = new WeakMap()));
  let bucket = perDb.get(db);
  if (!bucket) perDb.set(db, (bucket = new mongoose.mongo.GridFSBucket(db, { bucketName: name })));
  return bucket;
}

/**
 * The two indexes of the GridFS specification, made the way the driver makes them (same keys, same
 * default names), so creating them again is a no-op. The driver builds them only on the first upload
 * into an empty bucket; made here, a read of a file's chunks or a search for a record's files is
 * served by an index whatever state the collections are in.
 */
export async function ensureBucketIndexes(name: string): Promise<void> {
  const db = mongoose.connection.db;
  if (!db) throw new Error('the database is not connected');
  await db.collection(`${name}.files`).createIndex({ filename: 1, uploadDate: 1 });
  await db.collection(`${name}.chunks`).createIndex({ files_id: 1, n: 1 }, { unique: true });
}
