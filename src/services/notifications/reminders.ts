/**
 * Reminders of referrals nobody has acknowledged: a referral still `sent` past its due date gets one
 * reminder (in-app and email) to the partner's staff, or, for an offline partner (no Haven account),
 * to the sender's caseworker, who chases it by phone or post. Run by `npm run cli -- referrals:remind`
 * and every hour by the running server, which also sweeps the notification emails left waiting.
 */
import type { Types } from 'mongoose';
import { clock } from '../../lib/clock.js';
import { inTransaction } from '../../lib/db/index.js';
import { logger } from '../../lib/logger.js';
import { ReferralModel } from '../../models/referral.js';
import { trusted } from '../auth/trusted.js';
import { deliverPendingMails, deliverReferralMails, notifyReferral } from './notifications.js';

export const REMINDER_INTERVAL_MS = 60 * 60_000;
export const MAIL_SWEEP_INTERVAL_MS = 60_000;
const BATCH = 200;

/** The referrals waiting for a reminder (served by the { status, dueDate } index). */
export function overdueFilter(now: Date): Record<string, unknown> {
  return { status: 'sent', dueDate: { $lt: now }, reminderSentAt: null };
}

/**
 * Sends one reminder for each referral still `sent` past its due date and not reminded yet. Each is
 * claimed by a conditional update of `reminderSentAt` in the transaction that writes its
 * notifications, so two runs at once (two servers, or the CLI beside a server) send one reminder, and a
 * reminder whose notifications fail is not marked sent. Returns how many were reminded.
 */
export async function sendReferralReminders(now: Date = clock.now()): Promise<{ reminded: number; failed: number }> {
  let reminded = 0;
  const failed: Types.ObjectId[] = [];
  for (;;) {
    const batch = await ReferralModel.find(trusted({ ...overdueFilter(now), ...(failed.length ? { _id: { $nin: failed } } : {}) }))
      .select({ _id: 1, reference: 1, status: 1, createdBy: 1, toOrganisationId: 1, fromOrganisationId: 1, offline: 1, demo: 1 })
      .limit(BATCH)
      .lean();
    if (batch.length === 0) break;
    for (const r of batch) {
      try {
        const claimed = await inTransaction(async () => {
          const res = await ReferralModel.updateOne(trusted({ _id: r._id, status: 'sent', reminderSentAt: null }), { $set: { reminderSentAt: now } });
          if (res.modifiedCount === 0) return false;
          await notifyReferral(r, { kind: 'reminder', side: 'partner' });
          return true;
        });
        if (!claimed) continue;
        reminded += 1;
        await deliverReferralMails(r._id);
      } catch (err) {
        // Left for the next run. Ids and the error's class only.
        failed.push(r._id);
        logger.warn({ referral: String(r._id), err: { type: (err as Error)?.name } }, 'referral reminder not sent');
      }
    }
  }
  return { reminded, failed: failed.length };
}

/**
 * The server's timers: reminders every hour, the sweep of waiting notification emails every minute.
 * Unref'd (they never keep the process alive), one run at a time each; `stop()` at shutdown.
 */
export function startNotificationTimers(): { stop: () => void; timers: NodeJS.Timeout[] } {
  const every = (ms: number, name: string, work: () => Promise<unknown>): NodeJS.Timeout => {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      work()
        .catch((err: unknown) => logger.warn({ err: { type: (err as Error)?.name } }, `${name} skipped`))
        .finally(() => {
          running = false;
        });
    }, ms);
    timer.unref();
    return timer;
  };
  const timers = [every(REMINDER_INTERVAL_MS, 'referral reminders', () => sendReferralReminders()), every(MAIL_SWEEP_INTERVAL_MS, 'notification email sweep', () => deliverPendingMails())];
  return { timers, stop: () => timers.forEach((t) => clearInterval(t)) };
}
