/**
 * Identifying details never reach the database or the logs in the clear (SECURITY.md D1, D3, D4), and
 * keys rotate (D2). A case is made through the pages with a unique marker in every identifying field;
 * then every collection of the database is read raw through the driver, and the log file of the run
 * is read, and neither holds any marker. A changed ciphertext character is an error page, never
 * garbage. `rotateKeys()` moves every sealed value and file to a new key, after which the old key can
 * leave the ring; a second run rewrites nothing and a stopped run resumes where it stopped.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import mongoose, { Types } from 'mongoose';
import type request from 'supertest';
import { config } from '../../../src/config/index.js';
import { useDataKeys, type DataKey } from '../../../src/lib/crypto.js';
import { AttachmentModel } from '../../../src/models/attachment.js';
import { CaseModel } from '../../../src/models/case.js';
import { CaseNoteModel } from '../../../src/models/case-note.js';
import { SystemStateModel } from '../../../src/models/system-state.js';
import { seal } from '../../../src/services/cases/records.js';
import { rotateKeys } from '../../../src/services/key-rotation.js';
import { PREFIX_MAX } from '../../../src/services/cases/name-search.js';
import { testApp } from '../../helpers/app.js';
import { overwriteChunk, refusingFileWrites, storedChunks, storedFiles } from '../../helpers/attachment-content.js';
import { caseDetails, detailsBody } from '../../helpers/cases.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { plant } from '../../helpers/secrets.js';
import { signIn, tokenOf, type Agent } from '../../helpers/session.js';

const hex = (bytes = 6) => randomBytes(bytes).toString('hex');

/** A unique value for one field, registered for the final log scan of the run. */
function marker(label: string, prefix = ''): string {
  return plant(`${prefix}MARKER${label}${hex()}`);
}

/** Dates of birth that no other date of the test uses (intake, notes, tasks, timestamps). */
const FIRST_BIRTH_DATE = plant('2011-07-29');
const SECOND_BIRTH_DATE = plant('2013-02-17');

/** Reads any response body as bytes (supertest leaves most binary types unread). */
function bytes(res: request.Response, done: (err: Error | null, body: Buffer) => void): void {
  const parts: Buffer[] = [];
  res.on('data', (part: Buffer) => parts.push(part));
  res.on('end', () => done(null, Buffer.concat(parts)));
}

function pdfWith(text: string): Buffer {
  return Buffer.from(
    `%PDF-1.4\n% ${text}\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`,
  );
}

/** A form post that must be accepted (303); the page is shown when it is not. */
async function post(agent: Agent, path: string, body: Record<string, unknown>): Promise<void> {
  const res = await agent.post(path).type('form').send(body);
  expect(res.status, `${path} answered ${res.status}: ${res.text.slice(0, 1500)}`).to.equal(303);
}

async function versionOf(caseId: string): Promise<number> {
  return ((await CaseModel.collection.findOne({ _id: new Types.ObjectId(caseId) })) as { __v?: number } | null)?.__v ?? 0;
}

interface Populated {
  caseId: string;
  caseNumber: string;
  memberId: string;
  attachmentId: string;
  /** The GridFS file holding the attachment's ciphertext. */
  fileId: Types.ObjectId;
  pdf: Buffer;
  worker: TestUser;
  supervisor: TestUser;
  agent: Agent;
  /** Markers the case page shows now. */
  current: string[];
  /** Earlier values, kept only in the change history. */
  earlier: string[];
  /** The assessment's page, and the notes it shows. */
  assessmentPath: string;
  assessed: string[];
  /** The child's given and family names and the family member's contact, as stored now. */
  givenName: string;
  familyName: string;
  memberContact: string;
}

/**
 * A caseworker registers a case through the pages with a marker in every identifying field, edits it
 * (so the history holds earlier values), adds a family member and edits them, an assessment,
 * a note, a task and a PDF whose name and content hold markers. A supervisor of the same team can
 * read the history.
 */
async function populate(): Promise<Populated> {
  const app = await testApp();
  const org = await buildOrganisation({ country: 'PH' });
  const worker = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'north' });
  const supervisor = await buildUser({ roles: ['supervisor'], organisationId: org.id, team: 'north' });
  const agent = await signIn(app, worker);
  const _csrf = await tokenOf(agent, '/cases/new');

  const first = caseDetails({
    intakeDate: '2025-02-03',
    givenName: marker('given'),
    familyName: marker('family'),
    givenNameLocal: marker('givenlocal', 'ทดสอบ'),
    familyNameLocal: marker('familylocal', 'ใจดี'),
    nickname: marker('nick'),
    dateOfBirth: FIRST_BIRTH_DATE,
    estimatedAge: '',
    location: plant(`PH-MARKERLOC-${hex().toUpperCase()}`),
    school: marker('school'),
  });
  const registered = await agent.post('/cases').type('form').send({ _csrf, ...detailsBody(first) });
  expect(registered.status, registered.text.slice(0, 1500)).to.equal(303);
  const caseId = /\/cases\/([0-9a-f]{24})/.exec(String(registered.headers.location))![1]!;

  // The edit moves these values into the change history.
  const second = {
    ...first,
    givenName: marker('givennew'),
    nickname: marker('nicknew'),
    dateOfBirth: SECOND_BIRTH_DATE,
    location: plant(`PH-MARKERLOC-${hex().toUpperCase()}`),
    school: marker('schoolnew'),
  };
  await post(agent, `/cases/${caseId}`, { _csrf, ...detailsBody(second), version: String(await versionOf(caseId)) });

  const member = {
    relationship: 'aunt',
    exploitationRole: 'suspected',
    guardian: 'on',
    givenName: marker('membergiven'),
    familyName: marker('memberfamily'),
    localName: marker('memberlocal', 'สมศรี'),
    age: '41',
    contact: marker('contact'),
    protectiveFactors: marker('protective'),
  };
  await post(agent, `/cases/${caseId}/family`, { _csrf, ...member });
  const stored = (await CaseModel.findById(caseId).lean())!;
  const memberId = String(stored.family[0]!._id);
  const changedMember = { ...member, contact: marker('contactnew') };
  await post(agent, `/cases/${caseId}/family/${memberId}`, { _csrf, ...changedMember, version: String(await versionOf(caseId)) });

  const assessment = marker('assessment');
  const assessmentOverall = marker('assessmentoverall');
  await post(agent, `/cases/${caseId}/assessments`, { _csrf, type: 'needs', date: '2025-06-10', language: 'en', score_family: '2', note_family: assessment, overall: assessmentOverall });
  const assessmentPath = /href="(\/cases\/[0-9a-f]{24}\/assessments\/[0-9a-f]{24})"/.exec((await agent.get(`/cases/${caseId}`)).text)![1]!;
  const note = marker('note');
  await post(agent, `/cases/${caseId}/notes`, { _csrf, type: 'home_visit', date: '2025-06-10', language: 'en', text: note });
  const task = marker('task');
  await post(agent, `/cases/${caseId}/tasks`, { _csrf, title: task, dueDate: '2026-12-15' });

  const fileName = plant(`MARKERfile${hex()}.pdf`);
  const pdf = pdfWith(marker('pdf'));
  const uploaded = await agent
    .post(`/cases/${caseId}/attachments`)
    .field('_csrf', _csrf)
    .field('kind', 'identity_document')
    .attach('file', pdf, { filename: fileName, contentType: 'application/pdf' });
  expect(uploaded.status, uploaded.text.slice(0, 1500)).to.equal(303);
  const attachment = await AttachmentModel.findOne({ caseId: new Types.ObjectId(caseId) }).lean();
  expect(attachment, 'the attachment was stored').to.not.equal(null);

  return {
    caseId,
    caseNumber: stored.caseNumber,
    memberId,
    attachmentId: String(attachment!._id),
    fileId: attachment!.fileId,
    pdf,
    worker,
    supervisor,
    agent,
    current: [
      second.givenName,
      second.familyName,
      second.givenNameLocal,
      second.familyNameLocal,
      second.nickname,
      second.dateOfBirth,
      second.location,
      second.school,
      changedMember.givenName,
      changedMember.familyName,
      changedMember.localName,
      changedMember.contact,
      changedMember.protectiveFactors,
      note,
      task,
      fileName,
    ],
    earlier: [first.givenName, first.nickname, first.dateOfBirth, first.location, first.school, member.contact],
    assessmentPath,
    assessed: [assessment, assessmentOverall],
    givenName: second.givenName,
    familyName: second.familyName,
    memberContact: changedMember.contact,
  };
}

/** Every marker made, including the PDF's content, which no page shows. */
function allMarkers(p: Populated): string[] {
  return [...p.current, ...p.earlier, ...p.assessed, p.pdf.toString('latin1').split('\n')[1]!.slice(2)];
}

interface RawCollection {
  name: string;
  docs: Record<string, unknown>[];
}

/** Every document of every collection of the test database, read through the driver. */
async function rawCollections(): Promise<RawCollection[]> {
  const db = mongoose.connection.db!;
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  const out: RawCollection[] = [];
  for (const name of names) out.push({ name, docs: (await db.collection(name).find().toArray()) as Record<string, unknown>[] });
  return out;
}

function binaryOf(value: unknown): Buffer | undefined {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (value && typeof value === 'object' && (value as { _bsontype?: unknown })._bsontype === 'Binary') {
    return Buffer.from((value as { buffer: Uint8Array }).buffer);
  }
  return undefined;
}

/** Calls back with every string and every byte field of a document, with its path. */
function visit(value: unknown, path: string, onString: (path: string, s: string) => void, onBytes: (path: string, b: Buffer) => void): void {
  if (typeof value === 'string') return onString(path, value);
  const data = binaryOf(value);
  if (data) return onBytes(path, data);
  if (Array.isArray(value)) return value.forEach((v, i) => visit(v, `${path}.${i}`, onString, onBytes));
  if (value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Types.ObjectId)) {
    for (const [k, v] of Object.entries(value)) visit(v, `${path}.${k}`, onString, onBytes);
  }
}

/** One collection as text: its JSON, and every byte field read as latin1 and as UTF-8. */
function textOf(c: RawCollection): string {
  const parts = [JSON.stringify(c.docs)];
  for (const doc of c.docs) {
    visit(doc, c.name, () => undefined, (_path, b) => parts.push(b.toString('latin1'), b.toString('utf8')));
  }
  return parts.join('\n').toLowerCase();
}

/** `marker in collection` for every marker found anywhere in the raw database, case ignored. */
async function markersInDatabase(markers: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const c of await rawCollections()) {
    const text = textOf(c);
    for (const m of markers) if (text.includes(m.toLowerCase())) found.push(`${m} in ${c.name}`);
  }
  return found;
}

interface Sealed {
  collection: string;
  docId: string;
  path: string;
  keyId: string;
}

/** Every sealed value (a string beginning `v1:<key id>:`) in the raw database, wherever it is. */
async function sealedValues(): Promise<Sealed[]> {
  const out: Sealed[] = [];
  for (const c of await rawCollections()) {
    for (const doc of c.docs) {
      visit(
        doc,
        '',
        (path, s) => {
          const m = /^v1:([^:]+):/.exec(s);
          if (m) out.push({ collection: c.name, docId: String(doc._id), path: path.slice(1), keyId: m[1]! });
        },
        () => undefined,
      );
    }
  }
  return out;
}

/** The documents still holding a value sealed under another key than `keyId`, as `collection/_id`. */
async function documentsNotUnder(keyId: string): Promise<string[]> {
  return [...new Set((await sealedValues()).filter((s) => s.keyId !== keyId).map((s) => `${s.collection}/${s.docId}`))].sort();
}

function download(agent: Agent, p: Populated): request.Test {
  return agent.get(`/cases/${p.caseId}/attachments/${p.attachmentId}`).buffer(true).parse(bytes);
}

function readLog(): string {
  return readFileSync(config.logFile!, 'utf8');
}

const SERVER_ERROR = 'Something went wrong';

describe('encryption of case records at rest (SECURITY.md D1-D4)', () => {
  useDatabase('caseencryption');
  // The harness empties the collections of mongoose models only; GridFS's two are the driver's.

  afterEach(() => useDataKeys(config.dataKeys));
  after(() => useDataKeys(config.dataKeys));

  describe('the raw database and the logs', () => {
    it('hold none of the markers planted in every identifying field, the history, notes, tasks and files', async function () {
      this.timeout(60_000);
      const p = await populate();
      const markers = allMarkers(p);
      expect(markers).to.have.lengthOf(25);

      // The app itself shows them to the assigned caseworker, so the values really were stored.
      const page = await p.agent.get(`/cases/${p.caseId}`);
      expect(page.status).to.equal(200);
      for (const m of p.current) expect(page.text, m).to.include(m);
      const assessment = (await p.agent.get(p.assessmentPath)).text;
      for (const m of p.assessed) expect(assessment, m).to.include(m);

      const collections = await rawCollections();
      const names = collections.map((c) => c.name);
      for (const expected of ['attachment_content.chunks', 'attachment_content.files', 'attachments', 'audit_entries', 'case_changes', 'case_notes', 'case_tasks', 'cases', 'sessions', 'users']) {
        expect(names, 'collections read').to.include(expected);
      }
      // The scan does read what is stored in the clear: the case number and the team are there.
      const cases = textOf(collections.find((c) => c.name === 'cases')!);
      expect(cases).to.include(p.caseNumber.toLowerCase()).and.include('"team":"north"');
      expect(await markersInDatabase(markers)).to.deep.equal([]);
    });

    it('keep the file encrypted: the stored GridFS chunks are not the PDF, in any encoding', async function () {
      this.timeout(60_000);
      const p = await populate();
      const chunks = await storedChunks(p.fileId);
      expect(chunks.length).to.be.greaterThan(0);
      expect(chunks.reduce((n, c) => n + c.data.length, 0), 'the whole ciphertext').to.equal(p.pdf.length);
      for (const chunk of chunks) {
        const data = chunk.data;
        expect(data.includes(Buffer.from('%PDF')), 'PDF signature').to.equal(false);
        expect(data.includes(p.pdf.subarray(20, 60)), 'PDF body').to.equal(false);
      }
      const header = (await AttachmentModel.findById(p.attachmentId).lean())!.header;
      expect(header).to.match(new RegExp(`^v1:${config.dataKeys.at(-1)!.id}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$`));
    });

    it('hold no data key and no search key, in base64, base64url or hex', async function () {
      this.timeout(60_000);
      await populate();
      const keys = [...config.dataKeys.map((k) => k.key), config.searchKey];
      const encodings = keys.flatMap((k) => [k.toString('base64'), k.toString('base64url'), k.toString('hex')]);
      expect(await markersInDatabase(encodings)).to.deep.equal([]);
    });

    it('log none of the markers: every request of the case’s life was logged without them', async function () {
      this.timeout(60_000);
      const before = readLog().length;
      const p = await populate();
      expect((await p.agent.get(`/cases?q=${encodeURIComponent(p.familyName)}`)).status).to.equal(200);
      const log = readLog().slice(before).toLowerCase();
      expect(log, 'the requests were logged').to.include(`/cases/${p.caseId}/attachments`);
      expect(allMarkers(p).filter((m) => log.includes(m.toLowerCase()))).to.deep.equal([]);
    });
  });

  describe('name search (D3)', () => {
    it('stores names as keyed hashes only, and still finds the child by an exact name part', async function () {
      this.timeout(60_000);
      const p = await populate();
      const raw = (await CaseModel.collection.findOne({ _id: new Types.ObjectId(p.caseId) }))!;
      const tokens = raw.searchTokens as string[];
      expect(tokens.length).to.be.greaterThan(4);
      for (const t of tokens) expect(t).to.match(/^[0-9a-f]{64}$/);

      const found = await p.agent.get(`/cases?q=${encodeURIComponent(p.familyName.toLowerCase())}`);
      expect(found.status).to.equal(200);
      expect(found.text).to.include(p.caseNumber).and.include(p.givenName);
      const missed = await p.agent.get(`/cases?q=${encodeURIComponent(`${p.familyName}x`)}`);
      expect(missed.status).to.equal(200);
      expect(missed.text).to.not.include(p.caseNumber);
    });
  });

  describe('name search by beginnings (D3)', () => {
    it('keeps no beginning of a name in the raw database, and still finds the child by one', async function () {
      this.timeout(60_000);
      const p = await populate();
      // From one letter past the shared "MARKER" to the longest beginning stored, so each is the field's own.
      const beginnings = [p.givenName, p.familyName].flatMap((name) => [...Array(PREFIX_MAX - 6).keys()].map((i) => name.slice(0, 7 + i)));
      expect(beginnings).to.have.length(2 * (PREFIX_MAX - 6));
      expect(await markersInDatabase(beginnings)).to.deep.equal([]);
      const found = await p.agent.get(`/cases?q=${encodeURIComponent(p.familyName.slice(0, PREFIX_MAX).toLowerCase())}`);
      expect(found.status).to.equal(200);
      expect(found.text).to.include(p.caseNumber).and.include(p.givenName);
    });
  });

  describe('a changed ciphertext (D1)', () => {
    it('makes GET /cases/:id answer 500 with the error page, showing nothing of the case', async function () {
      this.timeout(60_000);
      const p = await populate();
      const _id = new Types.ObjectId(p.caseId);
      const sealed = ((await CaseModel.collection.findOne({ _id }))!.child as { secret: string }).secret;
      const parts = sealed.split(':');
      expect(parts).to.have.lengthOf(5);
      // The first character of the body carries six bits of ciphertext (a last one may carry padding).
      const body = parts[4]!;
      parts[4] = (body[0] === 'A' ? 'B' : 'A') + body.slice(1);
      await CaseModel.collection.updateOne({ _id }, { $set: { 'child.secret': parts.join(':') } });

      const res = await p.agent.get(`/cases/${p.caseId}`);
      expect(res.status).to.equal(500);
      expect(res.text).to.include(SERVER_ERROR);
      expect(res.text).to.not.include(p.caseNumber);
      for (const m of allMarkers(p)) expect(res.text, m).to.not.include(m);
      expect(res.text).to.not.match(/v1:|DecryptionError|at \w+ \(|\.ts:\d+/);
      const logged = readLog()
        .split('\n')
        .filter((line) => line.includes(String(res.headers['x-request-id'])));
      expect(logged.join('\n')).to.include('DecryptionError');
    });

    it('makes an attachment download answer 500 when one bit of its stored file is flipped', async function () {
      this.timeout(60_000);
      const p = await populate();
      const [chunk] = await storedChunks(p.fileId);
      expect(chunk, 'the stored chunk').to.not.equal(undefined);
      const data = Buffer.from(chunk!.data);
      data[Math.floor(data.length / 2)]! ^= 0x01;
      await overwriteChunk(chunk!, data);

      const res = await download(p.agent, p);
      expect(res.status).to.equal(500);
      const text = (res.body as Buffer).toString('utf8');
      expect(text).to.include(SERVER_ERROR);
      expect(text).to.not.include('%PDF');
    });
  });

  describe('rotateKeys() (D2)', () => {
    let oldKeys: readonly DataKey[];
    let newKey: DataKey;

    beforeEach(() => {
      oldKeys = config.dataKeys;
      newKey = { id: `rotated${hex(3)}`, key: randomBytes(32) };
    });

    it('seals every value and file again under the new key; the app reads everything back, also once the old key is gone', async function () {
      this.timeout(90_000);
      const p = await populate();
      const before = await sealedValues();
      expect(before.map((s) => `${s.collection} ${s.path}`).sort()).to.deep.equal([
        'assessments secret',
        'attachments header',
        'attachments secretName',
        // The family member's new values, kept for the history (added, then edited).
        'case_changes next',
        'case_changes next',
        'case_changes previous',
        'case_changes previous',
        'case_notes secret',
        'case_tasks secret',
        'cases child.secret',
        'cases family.0.secret',
        'users mfa.secret',
        'users mfa.secret',
      ]);
      expect(new Set(before.map((s) => s.keyId))).to.deep.equal(new Set([oldKeys.at(-1)!.id]));

      useDataKeys([...oldKeys, newKey]);
      const report = await rotateKeys();
      expect(report.keyId).to.equal(newKey.id);
      expect(report.resumedFrom).to.equal(undefined);
      expect(report.rewritten).to.equal(new Set(before.map((s) => `${s.collection}/${s.docId}`)).size);

      const after = await sealedValues();
      expect(after.filter((s) => s.keyId !== newKey.id)).to.deep.equal([]);
      expect(after.map((s) => `${s.collection} ${s.path}`).sort()).to.deep.equal(before.map((s) => `${s.collection} ${s.path}`).sort());
      // The file moved to a new GridFS file, which the attachment points to, and the old one is gone.
      const moved = (await AttachmentModel.findById(p.attachmentId).lean())!;
      expect(String(moved.fileId)).to.not.equal(String(p.fileId));
      expect((await storedFiles(p.attachmentId)).map((f) => String(f._id))).to.deep.equal([String(moved.fileId)]);
      expect(await storedChunks(p.fileId), 'chunks of the old file').to.deep.equal([]);
      expect((await storedChunks(moved.fileId)).length).to.be.greaterThan(0);
      expect(await markersInDatabase(allMarkers(p))).to.deep.equal([]);

      useDataKeys([newKey]);
      const app = await testApp();
      const page = await p.agent.get(`/cases/${p.caseId}`);
      expect(page.status).to.equal(200);
      for (const m of p.current) expect(page.text, m).to.include(m);
      // The assessment's notes too, now that only the new key is left.
      const assessment = (await p.agent.get(p.assessmentPath)).text;
      for (const m of p.assessed) expect(assessment, m).to.include(m);
      const file = await download(p.agent, p);
      expect(file.status).to.equal(200);
      expect((file.body as Buffer).equals(p.pdf), 'the same bytes').to.equal(true);
      const memberForm = await p.agent.get(`/cases/${p.caseId}/family/${p.memberId}`);
      expect(memberForm.status).to.equal(200);
      expect(memberForm.text).to.include(p.memberContact);
      const list = await p.agent.get(`/cases?q=${encodeURIComponent(p.familyName)}`);
      expect(list.status).to.equal(200);
      expect(list.text).to.include(p.caseNumber).and.include(p.givenName);

      // A sign-in opens the second factor's secret, sealed under the new key now.
      const supervisorAgent = await signIn(app, p.supervisor);
      const history = await supervisorAgent.get(`/cases/${p.caseId}/history`);
      expect(history.status).to.equal(200);
      for (const m of p.earlier) expect(history.text, m).to.include(m);
    });

    it('rewrites nothing when run a second time', async function () {
      this.timeout(60_000);
      await populate();
      useDataKeys([...oldKeys, newKey]);
      const first = await rotateKeys();
      expect(first.rewritten).to.be.greaterThan(0);
      const sealed = await sealedValues();

      const second = await rotateKeys();
      expect(second).to.deep.include({ keyId: newKey.id, rewritten: 0, resumedFrom: undefined });
      expect(second.unchanged).to.equal(first.rewritten + first.unchanged);
      expect(await sealedValues()).to.deep.equal(sealed);
    });

    it('resumes a stopped run after the last batch it finished, and ends with everything under the new key', async function () {
      this.timeout(90_000);
      const p = await populate();
      const raw = (await CaseModel.findById(p.caseId).lean())!;
      // More notes than one batch (200), so that the run stops inside a collection; older than the
      // marked note, which stays among the latest the case page shows.
      await CaseNoteModel.insertMany(
        Array.from({ length: 250 }, (_, i) => ({
          caseId: raw._id,
          organisationId: raw.organisationId,
          type: 'phone',
          date: new Date('2025-01-05T00:00:00Z'),
          language: 'en',
          secret: seal({ text: `Fictional follow-up call ${i}` }),
          authorId: new Types.ObjectId(p.worker.id),
        })),
      );
      useDataKeys([...oldKeys, newKey]);

      let stopped: unknown;
      try {
        await rotateKeys((progress) => {
          if (progress.collection === 'case_notes' && progress.done === 200) throw new Error('stopped by the test');
        });
      } catch (err) {
        stopped = err;
      }
      expect((stopped as Error | undefined)?.message).to.equal('stopped by the test');

      const notes = (await CaseNoteModel.collection.find({}).sort({ _id: 1 }).toArray()).map((n) => String(n._id));
      expect(notes).to.have.lengthOf(251);
      const state = await SystemStateModel.findById('keys-rotate').lean();
      expect(JSON.parse(state!.detail!)).to.deep.equal({ keyId: newKey.id, collection: 'case_notes', lastId: notes[199] });

      // Users, cases and the first 200 notes are done; the rest is still under the old key, and readable.
      const pending = await documentsNotUnder(newKey.id);
      const pendingIn = (name: string) => pending.filter((d) => d.startsWith(`${name}/`));
      expect(pendingIn('users')).to.deep.equal([]);
      expect(pendingIn('cases')).to.deep.equal([]);
      expect(pendingIn('case_notes')).to.deep.equal(notes.slice(200).map((id) => `case_notes/${id}`));
      expect(pendingIn('attachments')).to.deep.equal([`attachments/${p.attachmentId}`]);
      const page = await p.agent.get(`/cases/${p.caseId}`);
      expect(page.status).to.equal(200);
      expect(page.text).to.include(p.givenName);

      const resumed = await rotateKeys();
      expect(resumed.resumedFrom).to.equal(`case_notes after ${notes[199]}`);
      expect(resumed.rewritten).to.equal(pending.length);
      expect(await documentsNotUnder(newKey.id)).to.deep.equal([]);

      useDataKeys([newKey]);
      const after = await p.agent.get(`/cases/${p.caseId}`);
      expect(after.status).to.equal(200);
      for (const m of p.current) expect(after.text, m).to.include(m);
      const assessment = (await p.agent.get(p.assessmentPath)).text;
      for (const m of p.assessed) expect(assessment, m).to.include(m);
      expect(((await download(p.agent, p)).body as Buffer).equals(p.pdf)).to.equal(true);
    });

    it('leaves the file readable when a run stops between its steps, and the next run ends with one file under the new key', async function () {
      this.timeout(90_000);
      const p = await populate();
      useDataKeys([...oldKeys, newKey]);
      const attachment = async () => (await AttachmentModel.findById(p.attachmentId).lean())!;
      const filesOf = async () => (await storedFiles(p.attachmentId)).map((f) => String(f._id));
      const readable = async (label: string) => {
        const file = await download(p.agent, p);
        expect(file.status, label).to.equal(200);
        expect((file.body as Buffer).equals(p.pdf), label).to.equal(true);
      };
      const stopped = async (run: Promise<unknown>) => {
        const err = await run.then(() => undefined, (e: unknown) => e);
        expect((err as Error | undefined)?.message).to.equal('stopped by the test');
      };

      // Stopped after the new file is written, before the attachment moves to it.
      const model = AttachmentModel as unknown as { updateOne: unknown };
      const updateOne = model.updateOne;
      model.updateOne = () => Promise.reject(new Error('stopped by the test'));
      try {
        await stopped(rotateKeys());
      } finally {
        model.updateOne = updateOne;
      }
      expect(String((await attachment()).fileId), 'still the old file').to.equal(String(p.fileId));
      expect((await attachment()).header).to.match(new RegExp(`^v1:${oldKeys.at(-1)!.id}:`));
      const afterFirst = await filesOf();
      expect(afterFirst, 'the old file and a new one').to.have.lengthOf(2).and.include(String(p.fileId));
      await readable('after a stop before the move');

      // Stopped after the move, before the old file is removed.
      await refusingFileWrites('deleteOne', () => stopped(rotateKeys()), 'stopped by the test');
      const movedTo = String((await attachment()).fileId);
      const header = (await attachment()).header;
      expect(afterFirst, 'a file of its own, not the one the first run left').to.not.include(movedTo);
      expect(header).to.match(new RegExp(`^v1:${newKey.id}:`));
      expect(await filesOf(), 'three files now').to.have.members([...afterFirst, movedTo]);
      await readable('after a stop before the old file is removed');

      // The next run does not write the file again, and removes every file the attachment does not point to.
      await rotateKeys();
      expect(String((await attachment()).fileId)).to.equal(movedTo);
      expect((await attachment()).header).to.equal(header);
      expect(await filesOf()).to.deep.equal([movedTo]);
      const left = await storedChunks();
      expect(left.length).to.be.greaterThan(0);
      expect(left.every((c) => String(c.fileId) === movedTo), 'only chunks of that file').to.equal(true);
      expect(await documentsNotUnder(newKey.id)).to.deep.equal([]);
      useDataKeys([newKey]);
      await readable('under the new key alone');
    });

    it('starts from the beginning when the checkpoint left behind belongs to a rotation to another key', async function () {
      this.timeout(60_000);
      await populate();
      await SystemStateModel.updateOne(
        { _id: 'keys-rotate' },
        { $set: { at: new Date(), detail: JSON.stringify({ keyId: 'an-earlier-key', collection: 'case_tasks', lastId: 'ffffffffffffffffffffffff' }) } },
        { upsert: true },
      );
      useDataKeys([...oldKeys, newKey]);
      const report = await rotateKeys();
      expect(report.resumedFrom).to.equal(undefined);
      expect(await documentsNotUnder(newKey.id)).to.deep.equal([]);
    });
  });
});
