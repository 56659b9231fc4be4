/**
 * Reminders of referrals nobody acknowledged (sendReferralReminders): one per referral still `sent`
 * past its due date, to the partner staff, or to the caseworker for an offline partner; none for an
 * acknowledged or not yet due one; a second run, or two at once, send nothing more. The sweep is
 * served by the { status, dueDate } index; `referrals:remind` runs it from the CLI; the server's
 * timers never keep the process alive.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { clock } from '../../../src/lib/clock.js';
import { ROOT } from '../../../src/lib/paths.js';
import { NotificationMailModel } from '../../../src/models/notification-mail.js';
import { NotificationModel } from '../../../src/models/notification.js';
import { ReferralModel } from '../../../src/models/referral.js';
import { overdueFilter, sendReferralReminders, startNotificationTimers } from '../../../src/services/notifications/reminders.js';
import { useDatabase } from '../../helpers/db.js';
import { testEngine } from '../../helpers/engine.js';
import { localeText } from '../../helpers/locale-check.js';
import { buildParties, childData, mailMark, mailsSince, referralOf, type Parties } from './setup.js';

const DAY = 86_400_000;

describe('referral reminders', () => {
  useDatabase('reminders');

  let p: Parties;
  beforeEach(async () => {
    p = await buildParties();
  });

  async function referrals() {
    // Past for the real clock too: the CLI test's child process runs on real time, while this process's
    // test clock may have been moved days ahead by earlier tests.
    const past = new Date(Math.min(clock.now().getTime(), Date.now()) - 2 * DAY);
    const overdue = await referralOf(p, { dueDate: past });
    const acknowledged = await referralOf(p, { status: 'acknowledged', dueDate: past });
    const notDue = await referralOf(p, { dueDate: new Date(clock.now().getTime() + 2 * DAY) });
    const offline = await referralOf(p, { dueDate: past, offline: true });
    return { overdue, acknowledged, notDue, offline };
  }

  it('reminds the partner staff of an overdue sent referral, and the caseworker of an offline one, once', async () => {
    const r = await referrals();
    const mark = mailMark();
    expect(await sendReferralReminders(clock.now())).to.deep.equal({ reminded: 2, failed: 0 });

    const notes = await NotificationModel.find({ kind: 'reminder' }).lean();
    const forOverdue = notes.filter((n) => String(n.referralId) === String(r.overdue._id));
    expect(forOverdue.map((n) => String(n.userId)).sort()).to.deep.equal([p.partnerTh.id, p.partnerFr.id].sort());
    expect(forOverdue.every((n) => n.side === 'partner')).to.equal(true);
    const forOffline = notes.filter((n) => String(n.referralId) === String(r.offline._id));
    expect(forOffline.map((n) => [String(n.userId), n.side])).to.deep.equal([[p.worker.id, 'sender']]);
    expect(notes.filter((n) => [String(r.acknowledged._id), String(r.notDue._id)].includes(String(n.referralId)))).to.deep.equal([]);

    const mails = mailsSince(mark);
    expect(mails.map((m) => m.to).sort()).to.deep.equal([p.partnerTh.email, p.partnerFr.email, p.worker.email].sort());
    const th = mails.find((m) => m.to === p.partnerTh.email)!;
    expect(th.subject).to.include(r.overdue.reference).and.include(localeText('th', 'notifications:event.reminder'));
    const worker = mails.find((m) => m.to === p.worker.email)!;
    expect(worker.text).to.include(r.offline.reference).and.include(localeText('km', 'notifications:event.reminderSender')).and.include(`/referrals/${String(r.offline._id)}`);
    for (const m of mails) for (const value of childData(p)) expect(m.subject + m.text).to.not.include(value);

    const stamped = (await ReferralModel.find({}).select({ _id: 1, reminderSentAt: 1 }).lean()).filter((x) => x.reminderSentAt);
    expect(stamped.map((x) => String(x._id)).sort()).to.deep.equal([String(r.overdue._id), String(r.offline._id)].sort());

    // The next run finds nothing to remind.
    expect(await sendReferralReminders(clock.now())).to.deep.equal({ reminded: 0, failed: 0 });
    expect(mailsSince(mark)).to.have.length(3);
    expect(await NotificationModel.countDocuments({ kind: 'reminder' })).to.equal(3);
  });

  it('two runs at once send one reminder per referral', async () => {
    await referrals();
    const mark = mailMark();
    const [a, b] = await Promise.all([sendReferralReminders(clock.now()), sendReferralReminders(clock.now())]);
    expect(a.reminded + b.reminded).to.equal(2);
    expect(await NotificationModel.countDocuments({ kind: 'reminder' })).to.equal(3);
    expect(mailsSince(mark)).to.have.length(3);
  });

  it('the sweep is served by the { status, dueDate } index', async () => {
    await referrals();
    const plan = await mongoose.connection.db!.command({ explain: { find: 'referrals', filter: overdueFilter(clock.now()) }, verbosity: 'queryPlanner' });
    const winning = JSON.stringify((plan as { queryPlanner?: { winningPlan?: unknown } }).queryPlanner?.winningPlan);
    expect(winning).to.not.include('"COLLSCAN"');
    expect(winning).to.include('"indexName":"status_1_dueDate_1"');
  });

  it('`referrals:remind` runs the sweep from the CLI', async function () {
    this.timeout(60_000);
    const r = await referrals();
    const loader = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const child = spawn(process.execPath, ['--import', loader, path.join(ROOT, 'src/cli/index.ts'), 'referrals:remind'], {
      env: { PATH: process.env.PATH!, HOME: process.env.HOME!, NODE_ENV: 'test', LOG_LEVEL: 'warn', MONGODB_URI: testEngine().uri, MONGODB_DB: mongoose.connection.name },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, out).to.equal(0);
    expect(out).to.include('2 referral reminders sent');
    const stamped = (await ReferralModel.find({}).select({ _id: 1, reminderSentAt: 1 }).lean()).filter((x) => x.reminderSentAt);
    expect(stamped.map((x) => String(x._id)).sort()).to.deep.equal([String(r.overdue._id), String(r.offline._id)].sort());
    // Its emails went out (in the child's own test outbox) and left nothing waiting.
    expect(await NotificationModel.countDocuments({ kind: 'reminder' })).to.equal(3);
    expect(await NotificationMailModel.countDocuments()).to.equal(0);
  });

  it("the server's timers never keep the process alive, and stop", () => {
    const { timers, stop } = startNotificationTimers();
    try {
      expect(timers).to.have.length(2);
      for (const t of timers) expect(t.hasRef()).to.equal(false);
    } finally {
      stop();
    }
    // A cleared interval is closed: it no longer fires.
    for (const t of timers) expect((t as unknown as { _destroyed: boolean })._destroyed).to.equal(true);
  });
});
