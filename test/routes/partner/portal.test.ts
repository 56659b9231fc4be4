/**
 * The partner portal (SECURITY.md C3; DOMAIN.md "Referral"; I18N.md): partner staff see only what a
 * referral shares, built from the referral collections alone; every partner move from every state;
 * concurrent answers; the thread and translations with their languages, authors and times; and the
 * shared files served from the referral's own copies.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import type { CommandStartedEvent } from 'mongodb';
import mongoose, { Types } from 'mongoose';
import { REFERRAL_MOVES, type ReferralMove, type ReferralStatus } from '../../../src/domain/referrals.js';
import { CONNECT_OPTIONS, disconnect } from '../../../src/lib/db/connection.js';
import { AttachmentModel, ATTACHMENT_CONTENT_BUCKET } from '../../../src/models/attachment.js';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { NotificationModel } from '../../../src/models/notification.js';
import { ReferralMessageModel } from '../../../src/models/referral-message.js';
import { ReferralModel } from '../../../src/models/referral.js';
import { uploadAttachment } from '../../../src/services/cases/attachments.js';
import { addFamilyMember } from '../../../src/services/cases/family.js';
import { addNote } from '../../../src/services/cases/notes.js';
import { unseal } from '../../../src/services/cases/records.js';
import { copyFiles } from '../../../src/services/referrals/file-copies.js';
import { sealSnapshot, type ReferralSnapshot } from '../../../src/services/referrals/referrals.js';
import { testApp } from '../../helpers/app.js';
import { buildCase, callerOf } from '../../helpers/cases.js';
import { useDatabase } from '../../helpers/db.js';
import { testEngine } from '../../helpers/engine.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { MARKERS, buildReferral } from '../../helpers/referrals.js';
import { signIn, tokenOf, type Agent } from '../../helpers/session.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n% fictional shared document\ntrailer\n<<>>\n%%EOF\n');

/** A snapshot with a text in every free-text place, all fictional; the note is in Cebuano. */
function sharedSnapshot(): ReferralSnapshot {
  return {
    identification: { givenName: 'Testchild', familyName: 'Fictional', givenNameLocal: '', familyNameLocal: '', nickname: '', sex: 'female', dateOfBirth: '2014-05-06', estimatedAge: '', nationality: 'PH', languages: ['ceb'], disability: 'none' },
    assessment: { type: 'needs', date: '2026-03-10', scores: [{ domain: 'safety', score: 2 }], summary: { text: 'Fictional assessment summary.', language: 'en' } },
    goals: [{ domain: 'safety', text: { text: 'Fictional goal: a safe place to sleep.', language: 'en' }, targetDate: '2026-09-01' }],
    notes: [{ date: '2026-03-12', type: 'home_visit', text: { text: 'Fictional shared note, gisulat sa Binisaya.', language: 'ceb' } }],
  };
}

describe('partner portal (SECURITY.md C3)', () => {
  useDatabase('partnerportal');
  let app: Express;
  let worker: TestUser;
  let partnerOrg: string;
  let otherPartnerOrg: string;
  let partner1: TestUser;
  let partner2: TestUser;
  let agent1: Agent;
  let agent2: Agent;
  let caseId: string;

  beforeEach(async function () {
    this.timeout(60_000);
    app = await testApp();
    const ngo = await buildOrganisation({ name: { en: 'Fictional Sending NGO', th: 'องค์กรผู้ส่งสมมุติ' } });
    partnerOrg = (await buildOrganisation({ kind: 'partner', name: { en: 'Fictional Partner Shelter' } })).id;
    otherPartnerOrg = (await buildOrganisation({ kind: 'partner', name: { en: 'Another Fictional Partner' } })).id;
    worker = await buildUser({ roles: ['caseworker'], organisationId: ngo.id, team: 'Team A' });
    partner1 = await buildUser({ roles: ['partner'], organisationId: partnerOrg });
    partner2 = await buildUser({ roles: ['partner'], organisationId: partnerOrg });
    agent1 = await signIn(app, partner1);
    agent2 = await signIn(app, partner2);
    // The unshared parts of the case carry the markers: none may reach a partner.
    caseId = await buildCase(worker, { location: MARKERS.location, school: MARKERS.school }, { team: 'Team A' });
    const caller = callerOf(worker, 'Team A');
    await addFamilyMember(caller, caseId, { relationship: 'aunt', exploitationRole: 'none', livesWithChild: false, guardian: false, givenName: 'Testaunt', familyName: MARKERS.family, localName: '', age: '40', contact: '', protectiveFactors: '' });
    await addNote(caller, caseId, { type: 'phone', date: '2026-03-01', language: 'en', text: MARKERS.note });
  });

  const referral = (status: ReferralStatus = 'sent', options: { dueDate?: Date; to?: string } = {}) =>
    buildReferral(caseId, options.to ?? partnerOrg, worker.id, { status, snapshot: sharedSnapshot(), ...(options.dueDate ? { dueDate: options.dueDate } : {}) });

  /** A referral whose snapshot shares one attachment of the case, copied as sending copies it. */
  async function referralWithFile(): Promise<{ id: string; fileId: string; attachmentId: string }> {
    const attachmentId = await uploadAttachment(callerOf(worker, 'Team A'), caseId, { kind: 'medical', name: 'fictional-report.pdf', data: PDF });
    const id = await referral('sent');
    const files = await copyFiles(new Types.ObjectId(id), new Types.ObjectId(caseId), [new Types.ObjectId(attachmentId)], 1);
    await ReferralModel.updateOne({ _id: id }, { $set: { 'snapshot.secret': sealSnapshot({ ...sharedSnapshot(), attachments: files }) } });
    return { id, fileId: files[0]!.fileId, attachmentId };
  }

  async function post(agent: Agent, path: string, body: Record<string, string>) {
    const token = await tokenOf(agent, '/partner/referrals');
    return agent.post(path).type('form').send({ ...body, _csrf: token });
  }

  const statusOf = async (id: string) => (await ReferralModel.findById(id).lean())!.status;

  it('shows partner staff only what the referral shares: no marker of the case reaches any partner response', async () => {
    const { id, fileId } = await referralWithFile();
    const responses = [
      await agent1.get('/partner/referrals'),
      await agent1.get(`/partner/referrals/${id}`),
      await post(agent1, `/partner/referrals/${id}/messages`, { text: 'Fictional question from the partner.', language: 'en' }),
      await post(agent1, `/partner/referrals/${id}/messages`, { text: '', language: 'en' }),
      await post(agent1, `/partner/referrals/${id}/translations`, { field: 'note', language: 'fil', text: 'Kathang-isip na kahilingan.' }),
      await post(agent1, `/partner/referrals/${id}/translations`, { field: 'notes.7', language: 'fil', text: 'Walang ganitong tala.' }),
      await agent1.get(`/partner/referrals/${id}`),
    ];
    const download = await agent1.get(`/partner/referrals/${id}/files/${fileId}`).buffer(true);
    expect(responses.map((r) => r.status)).to.deep.equal([200, 200, 303, 422, 303, 422, 200]);
    expect(download.status).to.equal(200);
    const texts = [...responses.map((r) => r.text), (download.body as Buffer).toString('latin1')];
    // The shared parts are there, so the check looks at a real page.
    expect(responses[1]!.text).to.include('Fictional goal: a safe place to sleep.').and.include('Fictional Sending NGO');
    for (const marker of Object.values(MARKERS)) for (const text of texts) expect(text).not.to.include(marker);
  });

  it('builds partner pages from the referral collections only: the command log of every partner route touches no case collection', async function () {
    this.timeout(60_000);
    const { id, fileId } = await referralWithFile();
    const acknowledged = await referral('acknowledged');
    // Command monitoring is a connection option: the same database, on a monitored connection.
    const dbName = mongoose.connection.name;
    await disconnect();
    await mongoose.connect(testEngine().uri, { ...CONNECT_OPTIONS, dbName, monitorCommands: true });
    const log: { name: string; collection: string; command: Record<string, unknown>; route: string }[] = [];
    let route = '';
    mongoose.connection.getClient().on('commandStarted', (e: CommandStartedEvent) => {
      if (e.databaseName === dbName) log.push({ name: e.commandName, collection: String((e.command as Record<string, unknown>)[e.commandName] ?? ''), command: e.command as Record<string, unknown>, route });
    });
    const token = await tokenOf(agent1, '/partner/referrals');
    const uses: [string, () => Promise<unknown>][] = [
      ['GET inbox', () => agent1.get('/partner/referrals')],
      ['GET inbox overdue', () => agent1.get('/partner/referrals?filter=overdue')],
      ['GET page', () => agent1.get(`/partner/referrals/${id}`)],
      ['POST message', () => agent1.post(`/partner/referrals/${id}/messages`).type('form').send({ _csrf: token, text: 'Fictional message.', language: 'en' })],
      ['POST translation', () => agent1.post(`/partner/referrals/${id}/translations`).type('form').send({ _csrf: token, field: 'goals.0', language: 'th', text: 'เป้าหมายสมมุติ' })],
      ['GET file', () => agent1.get(`/partner/referrals/${id}/files/${fileId}`)],
      ['POST move refused', () => agent1.post(`/partner/referrals/${id}/move`).type('form').send({ _csrf: token, move: 'accept' })],
      ['POST move', () => agent1.post(`/partner/referrals/${acknowledged}/move`).type('form').send({ _csrf: token, move: 'accept' })],
    ];
    const statuses: number[] = [];
    for (const [name, use] of uses) {
      route = name;
      statuses.push(((await use()) as { status: number }).status);
    }
    route = '';
    expect(statuses).to.deep.equal([200, 200, 200, 303, 303, 200, 422, 303]);
    expect(log.filter((c) => c.collection === 'referrals').length, 'the log records the routes').to.be.greaterThan(5);
    const CASE_COLLECTIONS = /^(cases|case_notes|attachments|attachment_content\.(files|chunks))$/;
    // A move refreshes the case's reporting facts (services/facts), which reads the case's codes and
    // dates, never its content: that one read is allowed, only on a move, only with that projection.
    const FACT_FIELDS = new Set(['organisationId', 'status', 'riskLevel', 'exploitationTypes', 'team', 'intake', 'caseworkerIds', 'closure', 'demo']);
    const factsRead = (c: (typeof log)[number]) =>
      c.route === 'POST move' && c.name === 'find' && c.collection === 'cases' && Object.keys((c.command.projection as Record<string, unknown>) ?? { all: 1 }).every((k) => FACT_FIELDS.has(k));
    const touched = log.filter((c) => CASE_COLLECTIONS.test(c.collection) && !factsRead(c)).map((c) => `${c.route}: ${c.name} ${c.collection}`);
    expect(touched).to.deep.equal([]);
    // And every read of the referral collections is served by an index.
    const db = mongoose.connection.db!;
    for (const c of log.filter((x) => /^referral/.test(x.collection) && ['find', 'count', 'aggregate'].includes(x.name))) {
      const command = Object.fromEntries(Object.entries(c.command).filter(([k]) => !['lsid', '$db', '$clusterTime', 'txnNumber', 'autocommit', 'startTransaction', 'readConcern', '$readPreference'].includes(k)));
      const plan = await db.command({ explain: command, verbosity: 'queryPlanner' });
      expect(JSON.stringify(plan), `${c.route}: ${c.name} ${c.collection}`).not.to.include('"COLLSCAN"');
    }
  });

  it("serves a shared attachment from the referral's own copy, after the case's file and its content are gone", async () => {
    const { id, fileId, attachmentId } = await referralWithFile();
    const file = await AttachmentModel.findById(attachmentId).lean();
    await AttachmentModel.deleteOne({ _id: attachmentId });
    await mongoose.connection.db!.collection(`${ATTACHMENT_CONTENT_BUCKET}.files`).deleteOne({ _id: file!.fileId });
    await mongoose.connection.db!.collection(`${ATTACHMENT_CONTENT_BUCKET}.chunks`).deleteMany({ files_id: file!.fileId });
    const res = await agent1.get(`/partner/referrals/${id}/files/${fileId}`).buffer(true);
    expect(res.status).to.equal(200);
    expect(Buffer.compare(res.body as Buffer, PDF)).to.equal(0);
    expect(res.headers['content-disposition']).to.match(/^attachment/);
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(await AuditEntryModel.countDocuments({ action: 'referral_download', recordId: id, userId: partner1.id })).to.equal(1);
    // A file the snapshot does not list, and a file of the referral asked through another referral, are not found.
    const other = await referral('sent');
    expect((await agent1.get(`/partner/referrals/${other}/files/${fileId}`)).status).to.equal(404);
    expect((await agent1.get(`/partner/referrals/${id}/files/${attachmentId}`)).status).to.equal(404);
  });

  it('lets exactly one of two partner users accept at once; the other is told what happened and what state it is in', async () => {
    const id = await referral('acknowledged');
    const [t1, t2] = [await tokenOf(agent1, '/partner/referrals'), await tokenOf(agent2, '/partner/referrals')];
    const results = await Promise.all([
      agent1.post(`/partner/referrals/${id}/move`).type('form').send({ _csrf: t1, move: 'accept', status: 'acknowledged' }),
      agent2.post(`/partner/referrals/${id}/move`).type('form').send({ _csrf: t2, move: 'accept', status: 'acknowledged' }),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[0]).to.equal(303);
    expect(statuses[1]).to.be.oneOf([409, 422]);
    const loser = results.find((r) => r.status !== 303)!;
    expect(loser.text).to.include('someone else answered this referral first').and.include('It is now: Accepted.');
    const r = await ReferralModel.findById(id).lean();
    expect(r!.status).to.equal('accepted');
    expect(r!.steps.filter((s) => s.to === 'accepted')).to.have.length(1);
  });

  describe('every partner move from every state', () => {
    const PARTNER: ReferralMove[] = ['acknowledge', 'accept', 'decline', 'start', 'complete'];
    const VISIBLE: ReferralStatus[] = ['sent', 'acknowledged', 'accepted', 'in_progress'];

    for (const move of PARTNER) {
      const rule = REFERRAL_MOVES[move];
      for (const from of VISIBLE) {
        const allowed = (rule.from as readonly ReferralStatus[]).includes(from);
        it(`${move} from ${from}: ${allowed ? `moves to ${rule.to}` : 'refused with 422, nothing changes'}`, async () => {
          const id = await referral(from);
          const body: Record<string, string> = { move, status: from, ...(move === 'decline' ? { reason: 'no_capacity' } : {}) };
          const res = await post(agent1, `/partner/referrals/${id}/move`, body);
          if (allowed) {
            expect(res.status).to.equal(303);
            expect(await statusOf(id)).to.equal(rule.to);
            const r = await ReferralModel.findById(id).lean();
            expect(r!.steps.at(-1)).to.include({ from, to: rule.to });
            expect(String(r!.steps.at(-1)!.by)).to.equal(partner1.id);
            // The sending caseworker is told.
            expect(await NotificationModel.countDocuments({ referralId: id, userId: worker.id, kind: 'state', status: rule.to })).to.equal(1);
          } else {
            expect(res.status).to.equal(422);
            expect(res.text).to.include('Nothing was changed');
            expect(await statusOf(id)).to.equal(from);
          }
        });
      }
    }

    it('decline needs a reason code: without one 422 and nothing changes; with one the code is recorded', async () => {
      const id = await referral('sent');
      const refused = await post(agent1, `/partner/referrals/${id}/move`, { move: 'decline', reason: '' });
      expect(refused.status).to.equal(422);
      expect(refused.text).to.include('Choose why the referral is declined.');
      expect(await statusOf(id)).to.equal('sent');
      const unknown = await post(agent1, `/partner/referrals/${id}/move`, { move: 'decline', reason: 'not_a_reason' });
      expect(unknown.status).to.equal(422);
      const done = await post(agent1, `/partner/referrals/${id}/move`, { move: 'decline', reason: 'outside_area', note: 'Fictional: we serve another province.', language: 'en' });
      expect(done.status).to.equal(303);
      expect(done.headers.location).to.equal('/partner/referrals?done=decline');
      const r = await ReferralModel.findById(id).lean();
      expect(r!.status).to.equal('declined');
      expect(r!.declineReason).to.equal('outside_area');
    });

    it("refuses the sender's moves and unknown ones with 422, whatever the state", async () => {
      for (const move of ['send', 'revoke', 'close', '']) {
        const id = await referral('sent');
        const res = await post(agent1, `/partner/referrals/${id}/move`, { move });
        expect(res.status, move).to.equal(422);
        expect(await statusOf(id)).to.equal('sent');
      }
    });

    for (const final of ['revoked', 'declined', 'completed'] as const) {
      it(`answers 404 on every partner page of a ${final} referral, and audits it`, async () => {
        const id = await referral('sent');
        expect((await agent1.get(`/partner/referrals/${id}`)).status).to.equal(200);
        await ReferralModel.updateOne({ _id: id }, { $set: { status: final } });
        const answers = [
          await agent1.get(`/partner/referrals/${id}`),
          await post(agent1, `/partner/referrals/${id}/move`, { move: 'accept' }),
          await post(agent1, `/partner/referrals/${id}/messages`, { text: 'Fictional late message.', language: 'en' }),
          await post(agent1, `/partner/referrals/${id}/translations`, { field: 'note', language: 'fil', text: 'Huli na.' }),
        ];
        expect(answers.map((a) => a.status)).to.deep.equal([404, 404, 404, 404]);
        expect(await AuditEntryModel.countDocuments({ action: 'access_denied', recordId: id, userId: partner1.id })).to.equal(4);
        expect(await ReferralMessageModel.countDocuments({ referralId: id })).to.equal(0);
        // Nor is it in the inbox.
        expect((await agent1.get('/partner/referrals')).text).not.to.include(`/partner/referrals/${id}`);
      });
    }
  });

  it('lists only referrals addressed to the organisation, newest first, with new, open and overdue filters and counts', async () => {
    const past = new Date(Date.now() - 3 * 86_400_000);
    const a = await referral('sent');
    const b = await referral('acknowledged', { dueDate: past });
    const c = await referral('in_progress', { dueDate: past });
    const elsewhere = await referral('sent', { to: otherPartnerOrg });
    await referral('revoked');
    const open = await agent1.get('/partner/referrals');
    expect(open.status).to.equal(200);
    const ids = [...open.text.matchAll(/href="\/partner\/referrals\/([0-9a-f]{24})"/g)].map((m) => m[1]);
    expect(ids).to.deep.equal([c, b, a]);
    expect(open.text).not.to.include(elsewhere);
    expect(open.text).to.include('New (1)').and.include('All open (3)').and.include('Past the due date (1)');
    const fresh = [...(await agent1.get('/partner/referrals?filter=new')).text.matchAll(/href="\/partner\/referrals\/([0-9a-f]{24})"/g)].map((m) => m[1]);
    expect(fresh).to.deep.equal([a]);
    const overdue = [...(await agent1.get('/partner/referrals?filter=overdue')).text.matchAll(/href="\/partner\/referrals\/([0-9a-f]{24})"/g)].map((m) => m[1]);
    // In progress is past its due date too, but no longer waits for an answer.
    expect(overdue).to.deep.equal([b]);
    expect((await agent1.get('/partner/referrals?filter=everything')).status).to.equal(422);
  });

  it('pages the inbox by id, never skipping or repeating a referral', async function () {
    this.timeout(60_000);
    const made: string[] = [];
    for (let i = 0; i < 27; i++) made.push(await referral('sent'));
    const first = await agent1.get('/partner/referrals');
    const ids1 = [...first.text.matchAll(/href="\/partner\/referrals\/([0-9a-f]{24})"/g)].map((m) => m[1]!);
    const next = /rel="next" href="([^"]+)"/.exec(first.text)![1]!.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
    const second = await agent1.get(next);
    expect(second.status, next).to.equal(200);
    const ids2 = [...second.text.matchAll(/href="\/partner\/referrals\/([0-9a-f]{24})"/g)].map((m) => m[1]!);
    expect([...ids1, ...ids2]).to.deep.equal([...made].reverse());
    expect(first.text).not.to.include('rel="prev"');
    expect(second.text).not.to.include('rel="next"');
    const back = /rel="prev" href="([^"]+)"/.exec(second.text)![1]!.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
    const again = [...(await agent1.get(back)).text.matchAll(/href="\/partner\/referrals\/([0-9a-f]{24})"/g)].map((m) => m[1]!);
    expect(again).to.deep.equal(ids1);
  });

  it('marks messages and translations with their language on the page, and records who wrote them and when', async () => {
    const id = await referral('sent');
    expect((await post(agent1, `/partner/referrals/${id}/messages`, { text: 'ข้อความสมมุติจากภาคี', language: 'th' })).status).to.equal(303);
    expect((await post(agent1, `/partner/referrals/${id}/translations`, { field: 'notes.0', language: 'en', text: 'Fictional shared note, written in Cebuano.' })).status).to.equal(303);
    // A translation into the text's own language, and a field the referral lacks, are refused.
    expect((await post(agent1, `/partner/referrals/${id}/translations`, { field: 'notes.0', language: 'ceb', text: 'Pareho.' })).status).to.equal(422);
    expect((await post(agent1, `/partner/referrals/${id}/translations`, { field: 'family.summary', language: 'en', text: 'Nothing.' })).status).to.equal(422);

    const page = (await agent1.get(`/partner/referrals/${id}`)).text;
    expect(page).to.match(/<p class="text" lang="th" dir="ltr">ข้อความสมมุติจากภาคี<\/p>/);
    expect(page).to.match(/<p class="text" lang="ceb" dir="ltr">Fictional shared note, gisulat sa Binisaya\.<\/p>/);
    expect(page).to.match(/<p class="text" lang="en" dir="ltr">Fictional shared note, written in Cebuano\.<\/p>/);
    expect(page).to.include('Test User').and.include('Fictional Partner Shelter');

    const [message] = await ReferralMessageModel.find({ referralId: id }).lean();
    expect(message).to.include({ side: 'partner', language: 'th' });
    expect(String(message!.authorId)).to.equal(partner1.id);
    expect(String(message!.organisationId)).to.equal(partnerOrg);
    expect(message!.createdAt).to.be.instanceOf(Date);
    // Sealed: the text is not in the clear in the database.
    expect(message!.secret).not.to.include('ข้อความ');
    const r = await ReferralModel.findById(id).lean();
    expect(r!.lastMessageSide).to.equal('partner');
    const [translation] = r!.translations;
    expect(translation).to.include({ field: 'notes.0', language: 'en', snapshotVersion: 1 });
    expect(String(translation!.by)).to.equal(partner1.id);
    expect(String(translation!.byOrganisationId)).to.equal(partnerOrg);
    expect(translation!.at).to.be.instanceOf(Date);
    expect(unseal<{ text: string }>(translation!.secret, { text: '' }).text).to.equal('Fictional shared note, written in Cebuano.');
    // The sending caseworker hears of the message, and both writes are audited.
    expect(await NotificationModel.countDocuments({ referralId: id, userId: worker.id, kind: 'message' })).to.equal(1);
    expect(await AuditEntryModel.countDocuments({ action: 'referral_message', outcome: 'success', recordId: id, userId: partner1.id })).to.equal(1);
    expect(await AuditEntryModel.countDocuments({ action: 'referral_change', outcome: 'success', recordId: id, userId: partner1.id })).to.equal(1);
  });

  it('lets the sender write in the thread and translate, and refuses both once the referral has ended', async () => {
    const id = await referral('sent');
    const sender = await signIn(app, worker);
    const token = await tokenOf(sender, '/account');
    const sent = await sender.post(`/referrals/${id}/messages`).type('form').send({ _csrf: token, text: 'Fictional answer from the caseworker.', language: 'en' });
    expect(sent.status).to.equal(303);
    const translated = await sender.post(`/referrals/${id}/translations`).type('form').send({ _csrf: token, field: 'goals.0', language: 'th', text: 'เป้าหมายสมมุติ' });
    expect(translated.status).to.equal(303);
    const page = (await agent1.get(`/partner/referrals/${id}`)).text;
    expect(page).to.include('Fictional answer from the caseworker.').and.include('Fictional Sending NGO');
    expect(page).to.match(/lang="th" dir="ltr">เป้าหมายสมมุติ</);
    expect(await NotificationModel.countDocuments({ referralId: id, organisationId: partnerOrg, kind: 'message' })).to.equal(2);
    await ReferralModel.updateOne({ _id: id }, { $set: { status: 'completed' } });
    const late = await sender.post(`/referrals/${id}/messages`).type('form').send({ _csrf: token, text: 'Fictional late answer.', language: 'en' });
    expect(late.status).to.equal(422);
    expect(late.text).to.include('This referral is closed');
    expect(await ReferralMessageModel.countDocuments({ referralId: id })).to.equal(1);
    const lateTranslation = await sender.post(`/referrals/${id}/translations`).type('form').send({ _csrf: token, field: 'note', language: 'th', text: 'สาย' });
    expect(lateTranslation.status).to.equal(422);
  });
});
