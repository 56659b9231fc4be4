/**
 * Notifications of referral events: a change of state and a message each give the other side an
 * in-app notification and an email in the recipient's own language, never the one who acted; the email
 * names the referral by reference and the event, links to the right side's page, and holds nothing
 * about the child; a change that rolls back sends nothing. Then the pages: the list, marking one or
 * all read, another user's notification (404, audited), and the unread count in the header.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import mongoose, { Types } from 'mongoose';
import { config } from '../../../src/config/index.js';
import { inTransaction } from '../../../src/lib/db/index.js';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { NotificationMailModel } from '../../../src/models/notification-mail.js';
import { NotificationModel } from '../../../src/models/notification.js';
import { UserModel } from '../../../src/models/user.js';
import { deliverPendingMails, deliverReferralMails, notifyReferral } from '../../../src/services/notifications/notifications.js';
import { applyMove } from '../../../src/services/referrals/referrals.js';
import { testApp } from '../../helpers/app.js';
import { callerOf } from '../../helpers/cases.js';
import { useDatabase } from '../../helpers/db.js';
import { buildUser } from '../../helpers/factories.js';
import { localeText } from '../../helpers/locale-check.js';
import { signIn, tokenOf } from '../../helpers/session.js';
import { buildParties, childData, mailMark, mailsSince, referralOf, type Parties } from './setup.js';

function expectNoChildData(text: string, p: Parties): void {
  for (const value of childData(p)) expect(text, `holds ${value}`).to.not.include(value);
}

describe('notifications of referral events', () => {
  useDatabase('notifications');

  let p: Parties;
  beforeEach(async () => {
    p = await buildParties();
  });

  it('a partner acknowledging tells the caseworker, in Khmer, and not the partner staff', async () => {
    const r = await referralOf(p);
    const mark = mailMark();
    await applyMove(callerOf(p.partnerTh), r, 'acknowledge', 'partner');

    const notes = await NotificationModel.find({ referralId: r._id }).lean();
    expect(notes.map((n) => String(n.userId))).to.deep.equal([p.worker.id]);
    expect(notes[0]).to.include({ kind: 'state', status: 'acknowledged', side: 'sender', reference: r.reference });

    const mails = mailsSince(mark);
    expect(mails.map((m) => m.to)).to.deep.equal([p.worker.email]);
    const mail = mails[0]!;
    expect(mail.subject).to.include(r.reference).and.include(localeText('km', 'referrals:status.acknowledged'));
    expect(mail.text).to.include(`${config.baseUrl}/referrals/${String(r._id)}`).and.include('Haven');
    // Khmer words from the Khmer namespace, not English.
    expect(mail.text).to.include('ការបញ្ជូនករណី').and.not.include('There is news');
    expectNoChildData(mail.subject + mail.text, p);
    expect(await NotificationMailModel.countDocuments()).to.equal(0);
  });

  it('the caseworker revoking tells every partner staff member in their own language, with the partner link, and not the caseworker', async () => {
    const r = await referralOf(p, { status: 'acknowledged' });
    const mark = mailMark();
    await applyMove(callerOf(p.worker, 'Team A'), r, 'revoke', 'sender');

    const notes = await NotificationModel.find({ referralId: r._id }).lean();
    expect(notes.map((n) => String(n.userId)).sort()).to.deep.equal([p.partnerTh.id, p.partnerFr.id].sort());
    const mails = mailsSince(mark);
    expect(mails.map((m) => m.to).sort()).to.deep.equal([p.partnerTh.email, p.partnerFr.email].sort());
    const th = mails.find((m) => m.to === p.partnerTh.email)!;
    const fr = mails.find((m) => m.to === p.partnerFr.email)!;
    expect(th.subject).to.include(localeText('th', 'referrals:status.revoked')).and.include('การส่งต่อ');
    expect(fr.subject).to.include(localeText('fr', 'referrals:status.revoked')).and.include('orientation');
    for (const m of mails) {
      expect(m.text).to.include(r.reference).and.include(`${config.baseUrl}/partner/referrals/${String(r._id)}`);
      expectNoChildData(m.subject + m.text, p);
    }
  });

  it('a message (written as the message service writes it) tells the other side only, by email too', async () => {
    const r = await referralOf(p, { status: 'accepted' });
    const mark = mailMark();
    await inTransaction(() => notifyReferral(r, { kind: 'message', by: callerOf(p.worker, 'Team A'), side: 'sender' }));
    expect(mailsSince(mark), 'nothing before the commit is delivered').to.have.length(0);
    expect(await deliverReferralMails(r._id)).to.equal(2);

    const notes = await NotificationModel.find({ referralId: r._id }).lean();
    expect(notes.every((n) => n.kind === 'message' && n.side === 'partner')).to.equal(true);
    expect(notes.map((n) => String(n.userId))).to.not.include(p.worker.id);
    const mails = mailsSince(mark);
    expect(mails.map((m) => m.to).sort()).to.deep.equal([p.partnerTh.email, p.partnerFr.email].sort());
    const fr = mails.find((m) => m.to === p.partnerFr.email)!;
    expect(fr.subject).to.include(localeText('fr', 'notifications:event.message'));
    for (const m of mails) expectNoChildData(m.subject + m.text, p);
    // Sent once: a second delivery finds nothing left.
    expect(await deliverReferralMails(r._id)).to.equal(0);
    expect(mailsSince(mark)).to.have.length(2);
  });

  it('a change that rolls back leaves no notification and sends no email', async () => {
    const r = await referralOf(p);
    const mark = mailMark();
    let failed = false;
    try {
      await inTransaction(async () => {
        await notifyReferral(r, { kind: 'state', by: callerOf(p.partnerTh), side: 'partner' });
        throw new Error('fictional failure after the notification was written');
      });
    } catch {
      failed = true;
    }
    expect(failed).to.equal(true);
    expect(await deliverReferralMails(r._id)).to.equal(0);
    expect(await deliverPendingMails()).to.equal(0);
    expect(mailsSince(mark)).to.deep.equal([]);
    expect(await NotificationModel.countDocuments()).to.equal(0);
    expect(await NotificationMailModel.countDocuments()).to.equal(0);
  });

  it('a refused move (the referral moved meanwhile) notifies nobody', async () => {
    const r = await referralOf(p);
    await applyMove(callerOf(p.partnerTh), r, 'acknowledge', 'partner');
    const mark = mailMark();
    const notes = await NotificationModel.countDocuments();
    // The same stale copy, acknowledged again by the other partner user: the conditional write refuses it.
    let refused = false;
    await applyMove(callerOf(p.partnerFr), r, 'acknowledge', 'partner').catch(() => (refused = true));
    expect(refused).to.equal(true);
    expect(await NotificationModel.countDocuments()).to.equal(notes);
    expect(mailsSince(mark)).to.deep.equal([]);
  });

  it('an email waiting in the outbox (its sender stopped) goes out with the sweep, once; a disabled user gets none', async () => {
    const r = await referralOf(p, { status: 'accepted' });
    await UserModel.updateOne({ _id: p.partnerFr.id }, { $set: { status: 'disabled' } });
    await inTransaction(() => notifyReferral(r, { kind: 'message', by: callerOf(p.worker, 'Team A'), side: 'sender' }));
    const mark = mailMark();
    expect(await deliverPendingMails()).to.equal(1);
    expect(mailsSince(mark).map((m) => m.to)).to.deep.equal([p.partnerTh.email]);
    expect(await deliverPendingMails()).to.equal(0);
    expect(await NotificationMailModel.countDocuments()).to.equal(0);
  });
});

describe('notification pages', () => {
  useDatabase('notificationpages');

  let app: Express;
  before(async () => {
    app = await testApp();
  });

  let p: Parties;
  beforeEach(async () => {
    p = await buildParties();
  });

  /** A notification for the user, written as a referral event writes it. */
  async function noticeFor(userId: string, at: Date, extra: Record<string, unknown> = {}): Promise<string> {
    const referralId = new Types.ObjectId();
    const [n] = await NotificationModel.create([{ userId, organisationId: new Types.ObjectId(), kind: 'state', status: 'accepted', side: 'sender', referralId, reference: `RF-TEST-${at.getTime()}`, at, expiresAt: new Date(at.getTime() + 86_400_000 * 30), ...extra }]);
    return String(n!._id);
  }

  it('lists the caller’s notifications newest first, unread ones marked, 50 a page, and only theirs', async () => {
    const r = await referralOf(p);
    await applyMove(callerOf(p.partnerTh), r, 'acknowledge', 'partner');
    await noticeFor(p.partnerTh.id, new Date(), { reference: 'RF-NOT-YOURS' });
    const agent = await signIn(app, p.worker);
    const res = await agent.get('/notifications');
    expect(res.status).to.equal(200);
    expect(res.text).to.include(r.reference).and.include(localeText('km', 'referrals:status.acknowledged'));
    expect(res.text).to.include('notification-unread').and.include(`action="/notifications/`);
    expect(res.text).to.not.include('RF-NOT-YOURS');
    expectNoChildData(res.text, p);

    await NotificationModel.deleteMany({});
    const start = Date.now() - 86_400_000;
    for (let i = 0; i < 52; i += 1) await noticeFor(p.worker.id, new Date(start + i * 60_000));
    const first = await agent.get('/notifications');
    const refs = [...first.text.matchAll(/RF-TEST-(\d+)/g)].map((m) => Number(m[1]));
    expect(refs).to.have.length(50);
    expect(refs[0]).to.equal(start + 51 * 60_000);
    expect([...refs].sort((a, b) => b - a)).to.deep.equal(refs);
    expect(first.text).to.match(/href="\/notifications\?page(=|&#x3D;)2" rel="next"/);
    const second = await agent.get('/notifications?page=2');
    expect([...second.text.matchAll(/RF-TEST-(\d+)/g)].map((m) => Number(m[1]))).to.deep.equal([start + 60_000, start]);
    expect((await agent.get('/notifications?page=x')).status).to.equal(422);
  });

  it('opening one marks it read and goes to its referral; read-all marks the rest; the header counts the unread', async () => {
    const a = await noticeFor(p.partnerFr.id, new Date(Date.now() - 2000), { side: 'partner' });
    await noticeFor(p.partnerFr.id, new Date(Date.now() - 1000));
    await noticeFor(p.partnerFr.id, new Date());
    const agent = await signIn(app, p.partnerFr);
    const home = await agent.get('/account');
    expect(home.text).to.include('href="/notifications"').and.include(localeText('fr', 'notifications:navUnread_other', { count: '3' }));

    const token = await tokenOf(agent);
    const opened = await agent.post(`/notifications/${a}/read`).type('form').send({ _csrf: token });
    expect(opened.status).to.equal(303);
    const n = (await NotificationModel.findById(a).lean())!;
    expect(opened.headers.location).to.equal(`/partner/referrals/${String(n.referralId)}`);
    expect(n.readAt).to.be.instanceOf(Date);
    expect((await agent.get('/account')).text).to.include(localeText('fr', 'notifications:navUnread_other', { count: '2' }));

    const all = await agent.post('/notifications/read-all').type('form').send({ _csrf: token });
    expect(all.status).to.equal(303);
    expect(all.headers.location).to.equal('/notifications');
    expect(await NotificationModel.countDocuments({ userId: p.partnerFr.id, readAt: null })).to.equal(0);
    const after = await agent.get('/notifications');
    expect(after.text).to.not.include('notification-unread');
    expect(after.text).to.not.include(localeText('fr', 'notifications:navUnread_other', { count: '0' }));
    expect(after.text).to.include(`>${localeText('fr', 'notifications:nav')}<`);
  });

  it('another user’s notification answers 404, changes nothing and is audited; a malformed id is 404 too', async () => {
    const theirs = await noticeFor(p.partnerTh.id, new Date());
    const agent = await signIn(app, p.partnerFr);
    const token = await tokenOf(agent);
    const res = await agent.post(`/notifications/${theirs}/read`).type('form').send({ _csrf: token });
    expect(res.status).to.equal(404);
    expect((await NotificationModel.findById(theirs).lean())!.readAt).to.equal(undefined);
    const entry = await AuditEntryModel.findOne({ action: 'access_denied', recordType: 'notification', recordId: theirs, userId: p.partnerFr.id }).lean();
    expect(entry).to.not.equal(null);
    await agent.post('/notifications/read-all').type('form').send({ _csrf: token });
    expect((await NotificationModel.findById(theirs).lean())!.readAt).to.equal(undefined);
    expect((await agent.post('/notifications/not-an-id/read').type('form').send({ _csrf: token })).status).to.equal(404);
  });

  it('the header count is one count on the { userId, readAt, at } index', async () => {
    const user = await buildUser({ roles: ['partner'], organisationId: p.partnerOrg });
    for (let i = 0; i < 3; i += 1) await noticeFor(user.id, new Date(Date.now() - i * 1000));
    const plan = await mongoose.connection.db!.command({ explain: { count: 'notifications', query: { userId: new Types.ObjectId(user.id), readAt: null } }, verbosity: 'queryPlanner' });
    const winning = JSON.stringify((plan as { queryPlanner?: { winningPlan?: unknown } }).queryPlanner?.winningPlan);
    expect(winning).to.not.include('"COLLSCAN"');
    expect(winning).to.include('"indexName":"userId_1_readAt_1_at_-1"');
  });
});
