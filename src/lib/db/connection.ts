import mongoose from 'mongoose';

// Query hygiene (SECURITY.md I2): operator objects in filters are neutralised and unknown paths dropped.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);
// Fail fast instead of queueing while the database is away: the request gets a 503 page.
mongoose.set('bufferCommands', false);
// Indexes are synced explicitly at start (syncIndexes below), never as a side effect of a first query.
mongoose.set('autoIndex', false);
// Every mongoose operation inside inTransaction() joins its transaction without a session being passed.
mongoose.set('transactionAsyncLocalStorage', true);

export const CONNECT_OPTIONS = {
  maxPoolSize: 20,
  minPoolSize: 0,
  serverSelectionTimeoutMS: 3000,
  connectTimeoutMS: 5000,
  socketTimeoutMS: 30_000,
  heartbeatFrequencyMS: 2000,
  retryWrites: true,
} as const;

export async function connect(uri: string, dbName: string): Promise<typeof mongoose> {
  return mongoose.connect(uri, { ...CONNECT_OPTIONS, dbName });
}

/**
 * Runs `work` as one multi-document transaction (DATABASE.md): every mongoose read and write inside it
 * takes part, and either all of its writes are committed or none. The driver runs `work` again on a
 * transient error (a write conflict with a concurrent transaction), so it must not do anything outside
 * the database that cannot be repeated: audit entries are written after it returns.
 */
export async function inTransaction<T>(work: () => Promise<T>): Promise<T> {
  return mongoose.connection.transaction(work);
}

export async function disconnect(): Promise<void> {
  await mongoose.disconnect();
}

/** Creates the indexes every schema declares and drops ones no schema declares any more. */
export async function syncIndexes(): Promise<Record<string, string[]>> {
  const dropped: Record<string, string[]> = {};
  for (const name of mongoose.modelNames()) {
    dropped[name] = await mongoose.model(name).syncIndexes();
  }
  return dropped;
}

export async function ping(timeoutMs: number): Promise<boolean> {
  const db = mongoose.connection.db;
  if (mongoose.connection.readyState !== 1 || !db) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const answer = db
      .admin()
      .command({ ping: 1 }, { timeoutMS: timeoutMs })
      .then((r) => r.ok === 1)
      .catch(() => false);
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function isConnected(): boolean {
  return mongoose.connection.readyState === 1;
}

const UNAVAILABLE_ERRORS = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MongoServerClosedError',
  'MongoOperationTimeoutError',
]);

/** True for errors that mean "the database cannot be reached", as opposed to a bug or bad data. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (UNAVAILABLE_ERRORS.has(err.name)) return true;
  // With bufferCommands off, mongoose refuses operations while disconnected with a plain MongooseError.
  return err.name === 'MongooseError' && !isConnected();
}
