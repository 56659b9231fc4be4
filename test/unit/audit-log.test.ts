import { spawn } from 'node:child_process';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { config } from '../../src/config/index.js';
import { AuditEntryModel } from '../../src/models/audit-entry.js';
import { audit, verifyAuditChain } from '../../src/services/audit/audit.js';
import { useDatabase } from '../helpers/db.js';
import { testEngine } from '../helpers/engine.js';

const actor = { userId: '6b0000000000000000000001', organisationId: '6b0000000000000000000002', roles: ['caseworker' as const], ip: '127.0.0.1' };

async function fill(n: number): Promise<void> {
  for (let i = 0; i < n; i += 1) await audit(actor, { action: 'case_view', outcome: 'success', recordType: 'case', recordId: `case-${i}` });
}

function cli(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
      env: { PATH: process.env.PATH!, HOME: process.env.HOME!, NODE_ENV: 'test', MONGODB_URI: testEngine().uri, MONGODB_DB: mongoose.connection.db!.databaseName, HAVEN_ENGINE_CACHE: config.engineCache, LOG_LEVEL: 'silent', SEARCH_KEY: config.searchKey.toString('base64') },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

describe('the audit log (SECURITY.md L1, L2)', () => {
  useDatabase('audit');

  it('chains entries in order, and the chain verifies', async () => {
    await fill(5);
    const entries = await AuditEntryModel.find({}).sort({ seq: 1 }).lean();
    expect(entries.map((e) => e.seq)).to.deep.equal([1, 2, 3, 4, 5]);
    for (let i = 1; i < entries.length; i += 1) expect(entries[i]!.prevHash).to.equal(entries[i - 1]!.hash);
    expect(await verifyAuditChain()).to.deep.equal({ ok: true, checked: 5 });
  });

  it('keeps one chain when many entries are written at once', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => audit(actor, { action: 'case_view', outcome: 'success', recordId: `c${i}` })));
    expect(await verifyAuditChain()).to.deep.equal({ ok: true, checked: 20 });
  });

  it('appends after the real end of the log even when the head was left behind (a writer stopped between steps)', async () => {
    await fill(3);
    await mongoose.connection.collection('audit_head').updateOne({ _id: 'chain' as never }, { $set: { seq: 1 } });
    await fill(1);
    await mongoose.connection.collection('audit_head').deleteMany({});
    await fill(1);
    expect(await verifyAuditChain()).to.deep.equal({ ok: true, checked: 5 });
  });

  it('records who, role, organisation, address, action, record and outcome, in UTC, and no field values (L1)', async () => {
    await audit(actor, { action: 'sign_in', outcome: 'failure', reason: 'wrong_credentials', recordType: 'user', recordId: actor.userId });
    const entry = (await AuditEntryModel.findOne({}).lean())!;
    expect(String(entry.userId)).to.equal(actor.userId);
    expect(String(entry.organisationId)).to.equal(actor.organisationId);
    expect(entry).to.deep.include({ roles: ['caseworker'], ip: '127.0.0.1', action: 'sign_in', outcome: 'failure', reason: 'wrong_credentials', recordType: 'user' });
    expect(entry.at).to.be.instanceOf(Date);
    const fields = Object.keys(AuditEntryModel.schema.paths).sort();
    expect(fields).to.deep.equal(['_id', 'action', 'at', 'hash', 'ip', 'organisationId', 'outcome', 'prevHash', 'reason', 'recordId', 'recordType', 'roles', 'seq', 'userId']);
  });

  it('is append-only through the model: updates and deletions are refused', async () => {
    await fill(1);
    let refused = 0;
    for (const change of [() => AuditEntryModel.updateOne({}, { $set: { outcome: 'success' } }), () => AuditEntryModel.deleteMany({}), () => AuditEntryModel.findOneAndDelete({})]) {
      await change().then(
        () => undefined,
        () => (refused += 1),
      );
    }
    expect(refused).to.equal(3);
    expect(await AuditEntryModel.countDocuments({})).to.equal(1);
  });

  it('names the first broken entry when one stored entry is changed directly in the database (L2)', async () => {
    await fill(6);
    const third = (await AuditEntryModel.findOne({ seq: 3 }).lean())!;
    await mongoose.connection.collection('audit_entries').updateOne({ _id: third._id }, { $set: { recordId: 'case-other' } });
    const report = await verifyAuditChain();
    expect(report.ok).to.equal(false);
    expect(report.firstBroken).to.deep.equal({ seq: 3, id: String(third._id), problem: 'hash' });
    expect(report.checked).to.equal(2);
  });

  it('notices a removed entry', async () => {
    await fill(4);
    const second = (await AuditEntryModel.findOne({ seq: 2 }).lean())!;
    await mongoose.connection.collection('audit_entries').deleteOne({ _id: second._id });
    expect((await verifyAuditChain()).firstBroken).to.deep.include({ seq: 3, problem: 'sequence' });
  });

  it('`npm run cli -- audit:verify` says the chain is intact, or names the first broken entry and fails', async function () {
    this.timeout(60_000);
    await fill(3);
    const good = await cli(['audit:verify']);
    expect(good.code, good.out).to.equal(0);
    expect(good.out).to.include('Audit log intact: 3 entries checked');
    const second = (await AuditEntryModel.findOne({ seq: 2 }).lean())!;
    await mongoose.connection.collection('audit_entries').updateOne({ _id: second._id }, { $set: { outcome: 'success', action: 'case_update' } });
    const bad = await cli(['audit:verify']);
    expect(bad.code).to.equal(1);
    expect(bad.out).to.include(`entry #2 (id ${String(second._id)})`);
  });
});
