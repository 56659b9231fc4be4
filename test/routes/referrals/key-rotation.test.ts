/**
 * Key rotation of the referrals' sealed values and files (SECURITY.md D2): `keys:rotate` visits
 * `referrals`, `referral_messages` and `referral_files`, seals every value again under the new key, and
 * moves each referral's own file copy to a new GridFS file under the new key, the way attachments'
 * files are moved; everything reads back once the old key is gone.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Express } from 'express';
import mongoose, { Types } from 'mongoose';
import { config } from '../../../src/config/index.js';
import { sealedKeyId, useDataKeys, type DataKey } from '../../../src/lib/crypto.js';
import { REFERRAL_CONTENT_BUCKET, ReferralFileModel } from '../../../src/models/referral-file.js';
import { ReferralMessageModel } from '../../../src/models/referral-message.js';
import { ReferralModel } from '../../../src/models/referral.js';
import { uploadAttachment } from '../../../src/services/cases/attachments.js';
import { seal, unseal } from '../../../src/services/cases/records.js';
import { SEALED_COLLECTIONS, rotateKeys } from '../../../src/services/key-rotation.js';
import { openReferralFile } from '../../../src/services/referrals/file-copies.js';
import { openSnapshot } from '../../../src/services/referrals/referrals.js';
import { testApp } from '../../helpers/app.js';
import { useDatabase } from '../../helpers/db.js';
import { signIn, tokenOf } from '../../helpers/session.js';
import { buildSender, draftBody, giveConsent, referralIdOf } from './sender-setup.js';

const PDF = Buffer.from('%PDF-1.4\n% FictionalRotationPdf\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

/** Every sealed string of a raw document, by its path. */
function sealedPaths(value: unknown, path = ''): { path: string; keyId: string }[] {
  if (typeof value === 'string') {
    const keyId = sealedKeyId(value);
    return keyId ? [{ path, keyId }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => sealedPaths(v, `${path}.${i}`));
  if (value && typeof value === 'object' && !(value instanceof Types.ObjectId) && !(value instanceof Date)) {
    return Object.entries(value).flatMap(([k, v]) => sealedPaths(v, path ? `${path}.${k}` : k));
  }
  return [];
}

describe('key rotation of referrals', () => {
  useDatabase('referralrotation');

  let app: Express;
  before(async () => {
    app = await testApp();
  });
  afterEach(() => useDataKeys(config.dataKeys));

  it('lists the referral collections among those with sealed values', () => {
    expect(SEALED_COLLECTIONS).to.include.members(['referrals', 'referral_messages', 'referral_files']);
  });

  it('seals the referral, its messages and its file copy again under the new key, and reads them back without the old key', async function () {
    this.timeout(60_000);
    const s = await buildSender();
    await giveConsent(s);
    const attachmentId = await uploadAttachment(s.workerCaller, s.caseId, { kind: 'medical', name: 'fictional-rotation.pdf', data: PDF });
    const agent = await signIn(app, s.worker);
    const token = await tokenOf(agent);
    const created = await agent.post(`/cases/${s.caseId}/referrals`).type('form').send({ _csrf: token, ...draftBody(s.partnerId, { attachmentIds: [attachmentId] }) });
    const id = referralIdOf(created.headers.location);
    expect((await agent.post(`/referrals/${id}/send`).type('form').send({ _csrf: token })).status).to.equal(303);
    await ReferralMessageModel.create({ referralId: id, organisationId: s.orgId, side: 'sender', authorId: s.worker.id, language: 'en', secret: seal({ text: 'Fictional message before rotation.' }) });

    const oldKeyId = config.dataKeys.at(-1)!.id;
    const raw = async () => ({
      referral: await ReferralModel.collection.findOne({ _id: new Types.ObjectId(id) }),
      messages: await ReferralMessageModel.collection.find({ referralId: new Types.ObjectId(id) }).toArray(),
      files: await ReferralFileModel.collection.find({ referralId: new Types.ObjectId(id) }).toArray(),
    });
    const before = await raw();
    const beforePaths = sealedPaths(before);
    expect(beforePaths.map((p) => p.path)).to.include.members(['referral.secret', 'referral.snapshot.secret', 'messages.0.secret', 'files.0.secretName']);
    expect(new Set(beforePaths.map((p) => p.keyId))).to.deep.equal(new Set([oldKeyId]));
    const oldFile = before.files[0]!;

    const newKey: DataKey = { id: `rotated${randomBytes(3).toString('hex')}`, key: randomBytes(32) };
    useDataKeys([...config.dataKeys, newKey]);
    await rotateKeys();

    const after = await raw();
    expect(sealedPaths(after).filter((p) => p.keyId !== newKey.id)).to.deep.equal([]);
    const copy = after.files[0]!;
    expect(sealedKeyId(copy.header as string)).to.equal(newKey.id);
    expect(String(copy.fileId)).not.to.equal(String(oldFile.fileId));
    const files = mongoose.connection.db!.collection(`${REFERRAL_CONTENT_BUCKET}.files`);
    expect(await files.countDocuments({ _id: oldFile.fileId }), 'the old file').to.equal(0);
    expect(await files.countDocuments({ filename: String(copy._id) }), 'one file per copy').to.equal(1);

    useDataKeys([newKey]);
    const copyDoc = (await ReferralFileModel.findById(copy._id).lean())!;
    expect((await openReferralFile(copyDoc)).equals(PDF)).to.equal(true);
    const r = (await ReferralModel.findById(id).lean())!;
    expect(openSnapshot(r).identification!.familyName).to.equal('Fictional');
    const message = (await ReferralMessageModel.findOne({ referralId: id }).lean())!;
    expect(unseal<{ text: string }>(message.secret, { text: '' }).text).to.equal('Fictional message before rotation.');

    // Again: nothing left to move, and the copy keeps its one file.
    const again = await rotateKeys();
    expect(again.rewritten).to.equal(0);
    expect(await files.countDocuments({ filename: String(copy._id) })).to.equal(1);
  });
});
