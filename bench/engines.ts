/**
 * `npm run bench -- engines`: the database alone, through the driver, with no Haven code on the read
 * path. A `cases` collection with the case model's indexes and documents of Haven's shape is grown to
 * 1,000, 10,000 and 100,000 cases of one organisation; at each size the case list's queries are timed
 * (median of several runs) on every engine available: the embedded one, and MONGODB_URI when set (a
 * scratch database, dropped at the end). The engine's resident memory is printed at each size, at rest
 * and under 20 concurrent list queries.
 *
 * `npm run bench -- engines explain`: for each shape of the list query (as Haven sends it, and in the
 * forms one might rewrite it to: another sort direction, a hint, a projection, no `$and`, the `$or`
 * split in two, a selective equality first, windows of `_id`), `explain('executionStats')` next to the
 * measured wall time and the engine's CPU time, with a second organisation of the same size in the
 * collection so that "every case of the organisation" and "every case in the collection" can be told
 * apart. The time shows what the engine really reads. secantusd-rs's explain is a model of the plan
 * mongod would run, counted over the whole collection, which it reads and decodes for every explain:
 * its keys and documents examined are mongod's, not its own, and it reports 0 ms for everything.
 *
 * A last argument (a number) stops after that size: `npm run bench -- engines 10000`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { MongoClient, ObjectId, type Collection, type Db, type Document, type IndexDescription } from 'mongodb';
import { config } from '../src/config/index.js';
import { CASE_PAGE_SIZE } from '../src/domain/cases.js';
import { caseFilter, type Caller } from '../src/domain/permissions.js';
import { ensureEngineBinary, startEngine, SECANTUS_VERSION } from '../src/lib/db/engine.js';
import { CaseModel } from '../src/models/case.js';
import { queryTokenSets } from '../src/services/cases/name-search.js';
import { BENCH_TEAM, benchCaseDocument, benchDetails, formatResident, resident, type BenchPeople } from './case-data.js';

const SIZES = [1000, 10_000, 100_000];
const RUNS = 11;
const CACHE_SIZE = '256M';
/** The fields the case list reads (src/services/cases/list.ts), for a caller who may see names. */
const LIST_FIELDS = { caseNumber: 1, status: 1, riskLevel: 1, riskRank: 1, exploitationTypes: 1, 'intake.date': 1, caseworkerIds: 1, team: 1, 'child.secret': 1 };
const NEWEST = { _id: -1 } as const;
const LIMIT = CASE_PAGE_SIZE + 1;

interface Target {
  label: string;
  db: Db;
  /** The engine process, for its resident memory; undefined for a server elsewhere. */
  pid: () => number | undefined;
  close: () => Promise<void>;
}

/** One find, as the driver sends it. */
interface Find {
  filter: Document;
  sort?: Document;
  limit?: number;
  projection?: Document;
  hint?: Document;
}

/**
 * A way to get one page: one find, or several whose rows are merged newest first (`merge`), or a read
 * of its own (`read`, whose first find is the one explained).
 */
interface Shape {
  label: string;
  finds: Find[];
  merge?: boolean;
  read?: (coll: Collection) => Promise<Document[]>;
}

async function embedded(dir: string): Promise<Target | undefined> {
  const binary = await ensureEngineBinary(config.engineCache, console.log);
  if (!binary) return undefined;
  const engine = await startEngine({ binary, dataDir: dir, autoRestart: false, cacheSize: CACHE_SIZE });
  const client = await new MongoClient(engine.uri, { maxPoolSize: 20 }).connect();
  return {
    label: `secantusd-rs ${SECANTUS_VERSION} (embedded, --cache-size ${CACHE_SIZE})`,
    db: client.db('bench_engines'),
    pid: () => engine.pid,
    close: async () => {
      await client.close();
      await engine.stop();
    },
  };
}

async function external(uri: string): Promise<Target> {
  const client = await new MongoClient(uri, { maxPoolSize: 20 }).connect();
  const db = client.db(`haven_bench_engines_${Date.now()}`);
  const hello = await db.admin().command({ buildInfo: 1 }).catch(() => ({ version: '?' }));
  return {
    label: `MONGODB_URI (server ${String(hello.version)})`,
    db,
    pid: () => undefined,
    close: async () => {
      await db.dropDatabase();
      await client.close();
    },
  };
}

/** The case model's own indexes, as `ensureIndexes` builds them for Haven. */
async function createCaseIndexes(coll: Collection): Promise<void> {
  const specs = CaseModel.schema.indexes().map(([key, options]) => ({ key, ...options }) as IndexDescription);
  await coll.createIndexes(specs);
}

/** Grows the collection to `to` cases of each organisation, in batches of 1,000 through insertMany. */
async function seed(coll: Collection, orgs: BenchPeople[], from: number, to: number): Promise<void> {
  const bar = new SingleBar({ format: `seeding cases [{bar}] {value}/{total}`, stream: process.stderr }, Presets.shades_classic);
  bar.start(to * orgs.length, from * orgs.length);
  for (let start = from; start < to; start += 1000) {
    for (const people of orgs) {
      const docs: Document[] = [];
      for (let i = start; i < Math.min(to, start + 1000); i++) docs.push(benchCaseDocument(i, people));
      await coll.insertMany(docs, { ordered: false });
      bar.increment(docs.length);
    }
  }
  bar.stop();
}

async function runFind(coll: Collection, f: Find): Promise<Document[]> {
  return coll.find(f.filter, { sort: f.sort, limit: f.limit, projection: f.projection, hint: f.hint }).toArray();
}

async function runShape(coll: Collection, shape: Shape): Promise<Document[]> {
  if (shape.read) return shape.read(coll);
  const pages = await Promise.all(shape.finds.map((f) => runFind(coll, f)));
  if (!shape.merge) return pages[0]!;
  // Two index-ordered pages merged: newest first, each case once, the page size kept.
  const byId = new Map<string, Document>();
  for (const row of pages.flat()) byId.set(String(row._id), row);
  return [...byId.values()].sort((a, b) => (String(b._id) < String(a._id) ? -1 : 1)).slice(0, LIMIT);
}

/** The first window of a windowed page, and how much each next one is wider. */
const WINDOW_FIRST_SECONDS = 86_400;
const WINDOW_GROWTH = 4;
/** No case is older than this (ObjectIds carry their creation second). */
const WINDOW_EPOCH_SECONDS = Date.UTC(2015, 0, 1) / 1000;

/**
 * A page newest first, read in windows of creation time going back from `before` (the cursor, or now):
 * a day, then four times wider each time, until the page is full or the windows pass the oldest case.
 * Each window is a range of `{organisationId: 1, _id: -1}`, so the engine reads only the cases inside
 * it. `parts` are the rest of the filter (the access policy, the list's filters).
 */
async function windowedPage(coll: Collection, org: ObjectId, parts: Document[], before: ObjectId, projection?: Document): Promise<Document[]> {
  const rows: Document[] = [];
  let upper = before;
  for (let span = WINDOW_FIRST_SECONDS; rows.length < LIMIT; span *= WINDOW_GROWTH) {
    const lowerSeconds = Math.floor(upper.getTimestamp().getTime() / 1000) - span;
    const last = lowerSeconds <= WINDOW_EPOCH_SECONDS;
    const lower = ObjectId.createFromTime(Math.max(lowerSeconds, 0));
    const range = last ? { $lt: upper } : { $lt: upper, $gte: lower };
    rows.push(...(await coll.find({ $and: [{ organisationId: org, _id: range }, ...parts] }, { sort: NEWEST, limit: LIMIT - rows.length, projection }).toArray()));
    if (last) break;
    upper = lower;
  }
  return rows;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** CPU time the process has used, in ms (all its threads, in clock ticks of 10 ms). */
function cpuMs(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    // The fields after the command name, which is in parentheses and may hold spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

interface Timing {
  /** Median wall time of one run, in ms. */
  ms: number;
  /** The engine's CPU time per run, in ms: what it really spent, less disturbed by other load on the machine. */
  cpu: number | undefined;
  rows: number;
}

/** Times a shape after two runs to warm up: at least `RUNS` runs and at least a second, for the CPU clock's sake. */
async function timeShape(coll: Collection, shape: Shape, pid: number | undefined): Promise<Timing> {
  let rows = 0;
  for (let i = 0; i < 2; i++) rows = (await runShape(coll, shape)).length;
  const times: number[] = [];
  const cpuBefore = cpuMs(pid);
  const began = Date.now();
  while (times.length < RUNS || (Date.now() - began < 1000 && times.length < 2000)) {
    const started = process.hrtime.bigint();
    await runShape(coll, shape);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const cpuAfter = cpuMs(pid);
  const cpu = cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / times.length;
  return { ms: median(times), cpu, rows };
}

/** A plan as one line: its stages from the top, with the index each scan reads. */
function planLine(stage: Document | undefined): string {
  if (!stage) return '?';
  const name = String(stage.stage) + (stage.indexName ? ` ${String(stage.indexName)}` : '') + (stage.direction === 'backward' ? ' (backward)' : '');
  if (Array.isArray(stage.inputStages)) return `${name}(${(stage.inputStages as Document[]).map(planLine).join(', ')})`;
  return stage.inputStage ? `${name} > ${planLine(stage.inputStage as Document)}` : name;
}

function hasStage(stage: Document | undefined, wanted: string): boolean {
  if (!stage) return false;
  if (stage.stage === wanted) return true;
  const inputs = [...(stage.inputStage ? [stage.inputStage as Document] : []), ...((stage.inputStages as Document[] | undefined) ?? [])];
  return inputs.some((s) => hasStage(s, wanted));
}

interface Explained {
  keys: number;
  docs: number;
  returned: number;
  millis: number;
  sort: boolean;
  plan: string;
}

async function explainFind(coll: Collection, f: Find): Promise<Explained> {
  const e = await coll.find(f.filter, { sort: f.sort, limit: f.limit, projection: f.projection, hint: f.hint }).explain('executionStats');
  const stats = e.executionStats as Document;
  const stages = stats.executionStages as Document;
  return {
    keys: Number(stats.totalKeysExamined),
    docs: Number(stats.totalDocsExamined),
    returned: Number(stats.nReturned),
    millis: Number(stats.executionTimeMillis),
    sort: hasStage(stages, 'SORT'),
    plan: planLine(stages),
  };
}

/** Casts the string ids of a Haven filter (as caseFilter writes them) to ObjectIds, by the case schema. */
function castIds(filter: unknown, key?: string): unknown {
  if (Array.isArray(filter)) return filter.map((f) => castIds(f, key));
  if (filter && typeof filter === 'object' && !(filter instanceof ObjectId) && !(filter instanceof Date)) {
    return Object.fromEntries(Object.entries(filter).map(([k, v]) => [k, castIds(v, k.startsWith('$') ? key : k)]));
  }
  const path = key ? CaseModel.schema.path(key) : undefined;
  const isId = key === '_id' || path?.instance === 'ObjectId' || (path?.instance === 'Array' && (path as unknown as { caster?: { instance?: string } }).caster?.instance === 'ObjectId');
  return isId && typeof filter === 'string' ? new ObjectId(filter) : filter;
}

/** The case list's filter as src/services/cases/list.ts builds it: `{ $and: [caseFilter(caller), ...parts] }`. */
function havenFilter(caller: Caller, ...parts: Document[]): Document {
  return { $and: [castIds(caseFilter(caller)) as Document, ...parts] };
}

interface Fixtures {
  org: ObjectId;
  supervisor: Caller;
  people: BenchPeople;
  /** The last row of the first page: the `after` cursor of the next page. */
  cursor: ObjectId;
  /** The 50th-oldest case: a "next page" whose range holds only 50 cases. */
  oldCursor: ObjectId;
  /** The 200th-newest case: a window of 200 cases under the first page. */
  window: ObjectId;
  sampleId: ObjectId;
  /** An hour after the newest case was registered: "now" for a list read while cases come in. */
  now: ObjectId;
  token: string;
  tokens: string[];
}

async function fixtures(coll: Collection, people: BenchPeople): Promise<Fixtures> {
  const org = people.organisationId;
  const newest = await coll.find({ organisationId: org }, { sort: NEWEST, limit: 200, projection: { _id: 1 } }).toArray();
  const oldest = await coll.find({ organisationId: org }, { sort: { _id: 1 }, limit: CASE_PAGE_SIZE, projection: { _id: 1 } }).toArray();
  const sample = await coll.findOne({ organisationId: org, caseNumber: 'PH-2026-000501' }, { projection: { _id: 1, searchTokens: 1 } });
  const sets = queryTokenSets(benchDetails(500).givenName);
  return {
    org,
    people,
    supervisor: { userId: String(people.supervisor), organisationId: String(org), roles: ['supervisor'], team: BENCH_TEAM },
    cursor: newest[CASE_PAGE_SIZE - 1]!._id as ObjectId,
    oldCursor: oldest[CASE_PAGE_SIZE - 1]!._id as ObjectId,
    window: newest[newest.length - 1]!._id as ObjectId,
    sampleId: sample!._id as ObjectId,
    now: ObjectId.createFromTime(Math.floor((newest[0]!._id as ObjectId).getTimestamp().getTime() / 1000) + 3600),
    token: (sample!.searchTokens as string[])[0]!,
    tokens: sets[0] ?? [],
  };
}

/** The table's queries: the list, a filtered list, the next page, a name search and a case, by the driver. */
function tableShapes(x: Fixtures): Shape[] {
  const page = (filter: Document): Shape['finds'] => [{ filter, sort: NEWEST, limit: LIMIT }];
  return [
    { label: 'list of 50, newest first', finds: page({ organisationId: x.org }) },
    { label: 'filtered (risk + status)', finds: page({ organisationId: x.org, riskLevel: 'high', status: 'active' }) },
    { label: 'next page (_id < cursor)', finds: page({ organisationId: x.org, _id: { $lt: x.cursor } }) },
    { label: 'search token', finds: page({ organisationId: x.org, searchTokens: x.token }) },
    { label: '_id lookup', finds: [{ filter: { _id: x.sampleId } }] },
    { label: 'Haven list (supervisor)', finds: [{ filter: havenFilter(x.supervisor), sort: NEWEST, limit: LIMIT, projection: LIST_FIELDS }] },
    { label: 'Haven case page', finds: [{ filter: havenFilter(x.supervisor, { _id: x.sampleId }) }] },
  ];
}

/** Haven's list read in `_id` windows (`windowedPage`), with the access policy and `filters`. */
function windowed(label: string, x: Fixtures, before: ObjectId, filters: Document[]): Shape {
  const parts = [castIds(caseFilter(x.supervisor)) as Document, ...filters];
  const lower = ObjectId.createFromTime(Math.floor(before.getTimestamp().getTime() / 1000) - WINDOW_FIRST_SECONDS);
  return {
    label,
    finds: [{ filter: { $and: [{ organisationId: x.org, _id: { $lt: before, $gte: lower } }, ...parts] }, sort: NEWEST, limit: LIMIT, projection: LIST_FIELDS }],
    read: (coll) => windowedPage(coll, x.org, parts, before, LIST_FIELDS),
  };
}

/** Every form of the list query looked at: Haven's own, and the rewrites that might let the engine stop early. */
function explainShapes(x: Fixtures): Shape[] {
  const org = x.org;
  const list = (filter: Document, extra: Partial<Find> = {}): Find => ({ filter, sort: NEWEST, limit: LIMIT, ...extra });
  const orgIndex = { organisationId: 1, _id: -1 };
  const sup = String(x.people.supervisor);
  return [
    { label: 'A  {org} _id:-1 (plain equality)', finds: [list({ organisationId: org })] },
    { label: 'B  {org} _id:1 (ascending)', finds: [list({ organisationId: org }, { sort: { _id: 1 } })] },
    { label: 'C  {org} no sort', finds: [list({ organisationId: org }, { sort: undefined })] },
    { label: 'D  {org} hint {org:1,_id:-1}', finds: [list({ organisationId: org }, { hint: orgIndex })] },
    { label: 'E  {org} projection {_id:1}', finds: [list({ organisationId: org }, { projection: { _id: 1 } })] },
    { label: 'F  {$and:[{org}]}', finds: [list({ $and: [{ organisationId: org }] })] },
    { label: 'G  Haven supervisor list', finds: [list(havenFilter(x.supervisor), { projection: LIST_FIELDS })] },
    { label: 'H  supervisor $or, no $and', finds: [list(castIds(caseFilter(x.supervisor)) as Document, { projection: LIST_FIELDS })] },
    { label: 'I  supervisor + hint', finds: [list(havenFilter(x.supervisor), { projection: LIST_FIELDS, hint: orgIndex })] },
    {
      label: 'J  $or split in two, merged',
      merge: true,
      finds: [list({ organisationId: org, team: BENCH_TEAM }, { projection: LIST_FIELDS }), list({ organisationId: org, supervisorId: new ObjectId(sup) }, { projection: LIST_FIELDS })],
    },
    { label: 'K  {org, team} (one branch)', finds: [list({ organisationId: org, team: BENCH_TEAM }, { projection: LIST_FIELDS })] },
    { label: 'L  filtered {org,risk,status}', finds: [list({ organisationId: org, riskLevel: 'high', status: 'active' })] },
    { label: 'M  Haven filtered', finds: [list(havenFilter(x.supervisor, { status: 'active' }, { riskLevel: 'high' }), { projection: LIST_FIELDS })] },
    { label: 'N  next page {org,_id<c}', finds: [list({ organisationId: org, _id: { $lt: x.cursor } })] },
    { label: 'O  Haven next page', finds: [list(havenFilter(x.supervisor, { _id: { $lt: x.cursor } }), { projection: LIST_FIELDS })] },
    { label: 'P  last page (50 older left)', finds: [list({ organisationId: org, _id: { $lt: x.oldCursor } })] },
    { label: 'Q  window {org,c>_id>=w}', finds: [list({ organisationId: org, _id: { $lt: x.cursor, $gte: x.window } })] },
    { label: 'R  Haven window', finds: [list(havenFilter(x.supervisor, { _id: { $lt: x.cursor, $gte: x.window } }), { projection: LIST_FIELDS })] },
    { label: 'S  search token {org,tok}', finds: [list({ organisationId: org, searchTokens: x.token })] },
    { label: 'T  Haven name search', finds: [list(havenFilter(x.supervisor, { searchTokens: { $all: x.tokens } }), { projection: LIST_FIELDS })] },
    { label: 'T2 {org, tokens $all}', finds: [list({ organisationId: org, searchTokens: { $all: x.tokens } })] },
    { label: 'T3 Haven search, plain token', finds: [list(havenFilter(x.supervisor, { searchTokens: x.tokens[0] }), { projection: LIST_FIELDS })] },
    { label: 'X  Haven search, {org,tok} first', finds: [list({ $and: [{ organisationId: org, searchTokens: x.tokens[0] }, castIds(caseFilter(x.supervisor)) as Document, { searchTokens: { $all: x.tokens } }] }, { projection: LIST_FIELDS })] },
    { label: 'X2 search, {org,tok $in} first', finds: [list({ $and: [{ organisationId: org, searchTokens: { $in: [x.tokens[0]] } }, castIds(caseFilter(x.supervisor)) as Document, { searchTokens: { $all: x.tokens } }] }, { projection: LIST_FIELDS })] },
    { label: 'Z1 Haven case number search', finds: [list(havenFilter(x.supervisor, { caseNumber: 'PH-2026-000501' }), { projection: LIST_FIELDS })] },
    { label: 'Z2 case number, {org,no} first', finds: [list({ $and: [{ organisationId: org, caseNumber: 'PH-2026-000501' }, castIds(caseFilter(x.supervisor)) as Document] }, { projection: LIST_FIELDS })] },
    { label: 'Y  Haven filtered, {org,st} first', finds: [list({ $and: [{ organisationId: org, status: 'active' }, castIds(caseFilter(x.supervisor)) as Document, { riskLevel: 'high' }] }, { projection: LIST_FIELDS })] },
    windowed('W1 windows, first page', x, x.now, []),
    windowed('W2 windows, next page', x, x.cursor, []),
    windowed('W3 windows, filtered', x, x.now, [{ status: 'active' }, { riskLevel: 'high' }]),
    { label: 'U  _id lookup', finds: [{ filter: { _id: x.sampleId } }] },
    { label: 'V  Haven case page', finds: [{ filter: havenFilter(x.supervisor, { _id: x.sampleId }) }] },
  ];
}

async function wiredTigerCache(db: Db): Promise<string> {
  const status = await db.admin().command({ serverStatus: 1 }).catch(() => undefined);
  const cache = (status?.wiredTiger as Document | undefined)?.cache as Document | undefined;
  if (!cache) return 'WiredTiger cache: not reported';
  const mib = (v: unknown) => (Number(v) / 2 ** 20).toFixed(0);
  return `WiredTiger cache ${mib(cache['bytes currently in the cache'])} of ${mib(cache['maximum bytes configured'])} MiB in use`;
}

/** The collection's size as the engine reports it: documents, their average size, and the data in all. */
async function collectionSize(db: Db): Promise<string> {
  const stats = await db.command({ collStats: 'cases' }).catch(() => undefined);
  if (!stats) return 'collection size: not reported';
  const mib = (v: unknown) => (Number(v) / 2 ** 20).toFixed(0);
  return `${Number(stats.count).toLocaleString('en')} documents of ${Number(stats.avgObjSize).toFixed(0)} bytes on average, ${mib(stats.size)} MiB of data, ${mib(stats.totalIndexSize)} MiB of indexes`;
}

/** The engine's peak resident memory while 20 connections run the list query back to back for `seconds`. */
async function peakUnderLoad(target: Target, coll: Collection, shape: Shape, seconds: number): Promise<{ peak: ReturnType<typeof resident>; queries: number }> {
  let peak = resident(target.pid());
  const sampler = setInterval(() => {
    const now = resident(target.pid());
    if (now && (!peak || now.rss > peak.rss)) peak = now;
  }, 50);
  const deadline = Date.now() + seconds * 1000;
  let queries = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (Date.now() < deadline) {
        await runShape(coll, shape);
        queries += 1;
      }
    }),
  );
  clearInterval(sampler);
  return { peak, queries };
}

function fmt(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return '-';
  return ms < 10 ? ms.toFixed(2) : ms.toFixed(1);
}

function ratio(values: (number | undefined)[]): string {
  const first = values[0];
  const last = values[values.length - 1];
  return first && last !== undefined ? `${(last / first).toFixed(1)}x` : '-';
}

async function table(target: Target, sizes: number[]): Promise<void> {
  const coll = target.db.collection('cases');
  await createCaseIndexes(coll);
  const people: BenchPeople = { organisationId: new ObjectId(), worker: new ObjectId(), otherWorker: new ObjectId(), supervisor: new ObjectId() };
  const results: { size: number; timings: Map<string, Timing>; memory: string }[] = [];
  let seeded = 0;
  for (const size of sizes) {
    await seed(coll, [people], seeded, size);
    seeded = size;
    const x = await fixtures(coll, people);
    const timings = new Map<string, Timing>();
    for (const shape of tableShapes(x)) timings.set(shape.label, await timeShape(coll, shape, target.pid()));
    const atRest = resident(target.pid());
    const load = await peakUnderLoad(target, coll, tableShapes(x)[0]!, 5);
    const memory = target.pid()
      ? `${size.toLocaleString('en').padStart(7)}: ${formatResident(atRest)} at rest; peak ${formatResident(load.peak)} under 20 concurrent lists (${load.queries} in 5 s); ${await wiredTigerCache(target.db)}; ${await collectionSize(target.db)}`
      : `${size.toLocaleString('en').padStart(7)}: not measurable from here; ${await wiredTigerCache(target.db)}; ${await collectionSize(target.db)}`;
    results.push({ size, timings, memory });
  }
  const labels = [...results[0]!.timings.keys()];
  const header = `  ${'query'.padEnd(30)}${results.map((r) => r.size.toLocaleString('en').padStart(10)).join('')}${results.length > 1 ? '  last/first' : ''}`;
  const block = (title: string, pick: (t: Timing) => number | undefined) => {
    console.log(`  ${title}`);
    console.log(header);
    for (const label of labels) {
      const values = results.map((r) => pick(r.timings.get(label)!));
      console.log(`  ${label.padEnd(30)}${values.map((v) => fmt(v).padStart(10)).join('')}${results.length > 1 ? ratio(values).padStart(12) : ''}`);
    }
  };
  console.log(`\n${target.label}, one organisation`);
  block(`wall time in ms, median of at least ${RUNS} runs`, (t) => t.ms);
  if (target.pid()) block('engine CPU time per query in ms (from /proc; less disturbed by other load)', (t) => t.cpu);
  console.log('  engine resident memory (VmRSS) by cases:');
  for (const r of results) console.log(`  ${r.memory}`);
}

async function explainAll(target: Target, sizes: number[]): Promise<void> {
  const coll = target.db.collection('cases');
  await createCaseIndexes(coll);
  const mine: BenchPeople = { organisationId: new ObjectId(), worker: new ObjectId(), otherWorker: new ObjectId(), supervisor: new ObjectId() };
  const theirs: BenchPeople = { organisationId: new ObjectId(), worker: new ObjectId(), otherWorker: new ObjectId(), supervisor: new ObjectId() };
  const growth = new Map<string, Timing[]>();
  let seeded = 0;
  console.log(`\n${target.label}: explain('executionStats') of each query shape, next to what it costs`);
  console.log('  ms: wall time, median; cpu: engine CPU ms per query; keys/docs: totalKeysExamined/totalDocsExamined;');
  console.log('  xms: explain executionTimeMillis; sort: a SORT stage in the winning plan');
  for (const size of sizes) {
    await seed(coll, [mine, theirs], seeded, size);
    seeded = size;
    const x = await fixtures(coll, mine);
    console.log(`\n  ${size.toLocaleString('en')} cases in the organisation, ${(2 * size).toLocaleString('en')} in the collection`);
    console.log(`  ${'shape'.padEnd(34)}${'ms'.padStart(8)}${'cpu'.padStart(8)}${'rows'.padStart(6)}${'keys'.padStart(8)}${'docs'.padStart(8)}${'xms'.padStart(5)}  sort  plan`);
    for (const shape of explainShapes(x)) {
      const timing = await timeShape(coll, shape, target.pid());
      growth.set(shape.label, [...(growth.get(shape.label) ?? []), timing]);
      const explained = await Promise.all(shape.finds.map((f) => explainFind(coll, f)));
      explained.forEach((e, at) => {
        const lead = at === 0 ? [shape.label, fmt(timing.ms), fmt(timing.cpu), String(timing.rows)] : ['', '', '', ''];
        console.log(
          `  ${lead[0]!.padEnd(34)}${lead[1]!.padStart(8)}${lead[2]!.padStart(8)}${lead[3]!.padStart(6)}${String(e.keys).padStart(8)}${String(e.docs).padStart(8)}${String(e.millis).padStart(5)}  ${(e.sort ? 'yes' : 'no').padEnd(4)}  ${e.plan}`,
        );
      });
    }
    if (target.pid()) console.log(`  engine resident memory: ${formatResident(resident(target.pid()))}; ${await wiredTigerCache(target.db)}; ${await collectionSize(target.db)}`);
  }
  if (sizes.length > 1) {
    const factor = sizes[sizes.length - 1]! / sizes[0]!;
    console.log(`\n  growth from ${sizes[0]!.toLocaleString('en')} to ${sizes[sizes.length - 1]!.toLocaleString('en')} cases (${factor}x the cases: about 1x is O(page), about ${factor}x is O(matches))`);
    console.log(`  ${'shape'.padEnd(34)}${'wall ms by size'.padStart(9 * sizes.length)}  growth${'cpu ms by size'.padStart(9 * sizes.length + 2)}  growth`);
    for (const [label, timings] of growth) {
      const walls = timings.map((t) => t.ms);
      const cpus = timings.map((t) => t.cpu);
      console.log(`  ${label.padEnd(34)}${walls.map((v) => fmt(v).padStart(9)).join('')}${ratio(walls).padStart(8)}  ${cpus.map((v) => fmt(v).padStart(9)).join('')}${ratio(cpus).padStart(8)}`);
    }
  }
}

export async function run(): Promise<void> {
  const args = process.argv.slice(3);
  const explain = args.includes('explain');
  const largest = Number(args.find((a) => /^\d+$/.test(a)) ?? SIZES[SIZES.length - 1]);
  const sizes = SIZES.filter((n) => n <= largest);
  console.log(`engines: the driver alone, Node ${process.version}; figures on a shared 2-core machine are noisy, compare them within one run`);
  const dir = mkdtempSync(path.join(tmpdir(), 'haven-bench-engines-'));
  const targets: (() => Promise<Target | undefined>)[] = [() => embedded(dir)];
  if (config.mongodbUri) targets.push(() => external(config.mongodbUri!));
  try {
    let any = false;
    for (const open of targets) {
      const target = await open();
      if (!target) continue;
      any = true;
      try {
        await (explain ? explainAll(target, sizes) : table(target, sizes));
      } finally {
        await target.close();
      }
    }
    if (!any) console.log('No engine: the embedded one cannot be built here (no cargo) and MONGODB_URI is not set.');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
