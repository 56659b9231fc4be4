/**
 * Sending a referral and updating its snapshot (DOMAIN.md "Referral"; SECURITY.md C3, D1): the
 * snapshot holds only the sections chosen (values planted in every part not chosen appear nowhere in
 * the referral document, sealed or opened), the chosen attachments are copied into the referral's own
 * encrypted files, and an update while the referral is open shares a new version with new copies.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import mongoose from 'mongoose';
import type request from 'supertest';
import { AttachmentModel } from '../../../src/models/attachment.js';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { CaseNoteModel } from '../../../src/models/case-note.js';
import { REFERRAL_CONTENT_BUCKET, ReferralFileModel } from '../../../src/models/referral-file.js';
import { openContent } from '../../../src/services/cases/attachment-content.js';
import { uploadAttachment } from '../../../src/services/cases/attachments.js';
import { addFamilyMember } from '../../../src/services/cases/family.js';
import { addNote } from '../../../src/services/cases/notes.js';
import { openReferralFile } from '../../../src/services/referrals/file-copies.js';
import { openSnapshot } from '../../../src/services/referrals/referrals.js';
import { testApp } from '../../helpers/app.js';
import { buildCase } from '../../helpers/cases.js';
import { buildUser } from '../../helpers/factories.js';
import { useDatabase } from '../../helpers/db.js';
import { MARKERS } from '../../helpers/referrals.js';
import { signIn, tokenOf, type Agent } from '../../helpers/session.js';
import { buildSender, day, draftBody, giveConsent, rawReferral, referralIdOf, referralOf, type Sender } from './sender-setup.js';

const PDF = Buffer.from('%PDF-1.4\n% FictionalReferralPdf\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const CHOSEN_NOTE = 'CHOSEN-NOTE-FICTIONAL-7781';

describe('sending a referral', () => {
  useDatabase('referralsend');

  let app: Express;
  before(async () => {
    app = await testApp();
  });

  let s: Sender;
  let agent: Agent;
  let token: string;
  let chosenNote: string;
  let attachmentId: string;
  beforeEach(async () => {
    s = await buildSender();
    // A case whose every unshared part holds a marker: its location and school, a family member's names, a note not chosen.
    s.caseId = await buildCase(s.worker, { location: MARKERS.location, school: MARKERS.school }, { team: 'north' });
    await addFamilyMember(s.workerCaller, s.caseId, { relationship: 'aunt', exploitationRole: 'none', livesWithChild: true, guardian: true, givenName: MARKERS.family, familyName: MARKERS.family, localName: '', age: '40', contact: MARKERS.family, protectiveFactors: '' });
    await addNote(s.workerCaller, s.caseId, { type: 'home_visit', date: day(-3), language: 'en', text: MARKERS.note });
    await addNote(s.workerCaller, s.caseId, { type: 'phone', date: day(-2), language: 'fil', text: CHOSEN_NOTE });
    chosenNote = String((await CaseNoteModel.findOne({ caseId: s.caseId, type: 'phone' }).lean())!._id);
    attachmentId = await uploadAttachment(s.workerCaller, s.caseId, { kind: 'medical', name: 'fictional-report.pdf', data: PDF });
    await giveConsent(s);
    agent = await signIn(app, s.worker);
    token = await tokenOf(agent);
  });

  const post = (path: string, body: Record<string, unknown> = {}): Promise<request.Response> => agent.post(path).type('form').send({ _csrf: token, ...body });

  async function draft(overrides: Record<string, unknown> = {}): Promise<string> {
    const body = draftBody(s.partnerId, { sections: ['identification', 'family'], noteIds: [chosenNote], attachmentIds: [attachmentId], ...overrides });
    return referralIdOf((await post(`/cases/${s.caseId}/referrals`, body)).headers.location);
  }

  it('takes a snapshot of the chosen sections only: nothing of an unchosen part reaches the referral document', async () => {
    const id = await draft();
    const res = await post(`/referrals/${id}/send`);
    expect(res.status).to.equal(303);
    const r = await referralOf(id);
    expect(r.status).to.equal('sent');
    const snapshot = openSnapshot(r);
    expect(Object.keys(snapshot).sort()).to.deep.equal(['attachments', 'family', 'identification', 'notes']);
    const opened = JSON.stringify(snapshot);
    for (const marker of Object.values(MARKERS)) expect(opened, marker).not.to.include(marker);
    expect(opened).to.include(CHOSEN_NOTE).and.include('Testchild');
    expect(snapshot.family!.members).to.deep.equal([{ relationship: 'aunt', livesWithChild: true, guardian: true, exploitationRole: 'none' }]);
    expect(snapshot.notes!.map((n) => n.text)).to.deep.equal([{ text: CHOSEN_NOTE, language: 'fil' }]);
    const raw = JSON.stringify(await rawReferral(id));
    for (const marker of [...Object.values(MARKERS), CHOSEN_NOTE]) expect(raw, marker).not.to.include(marker);
  });

  it('shares contact only when chosen: the location then appears, opened, in the snapshot', async () => {
    const id = await draft({ sections: ['contact'], noteIds: [], attachmentIds: [] });
    await post(`/referrals/${id}/send`);
    const snapshot = openSnapshot(await referralOf(id));
    expect(Object.keys(snapshot)).to.deep.equal(['contact']);
    expect(snapshot.contact!.location).to.equal(MARKERS.location);
  });

  it('copies a shared attachment into a separate GridFS file whose decrypted bytes equal the original', async () => {
    const id = await draft();
    await post(`/referrals/${id}/send`);
    const copies = await ReferralFileModel.find({ referralId: id }).lean();
    expect(copies).to.have.length(1);
    const copy = copies[0]!;
    expect(copy).to.deep.include({ complete: true, snapshotVersion: 1, kind: 'medical', type: 'application/pdf' });
    const original = (await AttachmentModel.findById(attachmentId).lean())!;
    expect(String(copy.fileId)).not.to.equal(String(original.fileId));
    expect(copy.header).not.to.equal(original.header);
    const stored = await mongoose.connection.db!.collection(`${REFERRAL_CONTENT_BUCKET}.files`).findOne({ _id: copy.fileId });
    expect(stored, 'a file in the referral bucket').not.to.equal(null);
    expect((await openReferralFile(copy)).equals(await openContent(original.fileId, original.header))).to.equal(true);
    expect((await openReferralFile(copy)).equals(PDF)).to.equal(true);
    expect(openSnapshot(await referralOf(id)).attachments!.map((a) => a.fileId)).to.deep.equal([String(copy._id)]);
  });

  it('sends an updated snapshot while open: a new version with new copies, which the partner then sees', async () => {
    const id = await draft();
    await post(`/referrals/${id}/send`);
    await addNote(s.workerCaller, s.caseId, { type: 'phone', date: day(-1), language: 'en', text: 'Fictional later note, not chosen.' });
    await CaseNoteModel.updateOne({ _id: chosenNote }, { $set: { date: new Date(`${day(-1)}T00:00:00Z`) } });
    const res = await post(`/referrals/${id}/snapshot`);
    expect(res.status).to.equal(303);
    const r = await referralOf(id);
    expect(r.snapshot!.version).to.equal(2);
    expect(openSnapshot(r).notes!.map((n) => n.date)).to.deep.equal([day(-1)]);
    expect(JSON.stringify(openSnapshot(r))).not.to.include('later note');
    const copies = await ReferralFileModel.find({ referralId: id }).sort({ snapshotVersion: 1 }).lean();
    expect(copies.map((c) => c.snapshotVersion)).to.deep.equal([1, 2]);
    expect(openSnapshot(r).attachments!.map((a) => a.fileId)).to.deep.equal([String(copies[1]!._id)]);
  });

  it('shows the sender’s page with the state, each step, the consent and what the partner sees', async () => {
    const id = await draft();
    await post(`/referrals/${id}/send`);
    const page = await agent.get(`/referrals/${id}`);
    expect(page.status).to.equal(200);
    const r = await referralOf(id);
    expect(page.text).to.include(r.reference).and.include('Fictional Partner Shelter').and.include(CHOSEN_NOTE).and.include(`/referrals/${id}/form.pdf`);
    expect(page.text).to.include('lang="fil"');
    for (const marker of Object.values(MARKERS)) expect(page.text).not.to.include(marker);
  });

  it('refuses a second send (422) and changes nothing', async () => {
    const id = await draft();
    await post(`/referrals/${id}/send`);
    const before = JSON.stringify(await rawReferral(id));
    const again = await post(`/referrals/${id}/send`);
    expect(again.status).to.equal(422);
    expect(JSON.stringify(await rawReferral(id))).to.equal(before);
    expect(await ReferralFileModel.countDocuments({ referralId: id })).to.equal(1);
  });

  it('answers 404 to a caseworker the case is not assigned to, audits it, and sends nothing', async () => {
    const id = await draft();
    const stranger = await buildUser({ roles: ['caseworker'], organisationId: s.orgId, team: 'south' });
    const theirs = await signIn(app, stranger);
    const res = await theirs.post(`/referrals/${id}/send`).type('form').send({ _csrf: await tokenOf(theirs) });
    expect(res.status).to.equal(404);
    expect((await referralOf(id)).status).to.equal('draft');
    expect(await AuditEntryModel.countDocuments({ action: 'access_denied', recordId: id, userId: stranger.id })).to.equal(1);
  });
});
