/**
 * Notifications of referral events (models/notification.ts): a change of state, a message, a reminder.
 * Each names the referral by reference and the event by code, never anything about the child.
 *
 * In-app notifications are written inside the transaction of the change that causes them, so a change
 * and its notice land together. The email that goes with each must not leave before that commit (a
 * change that rolls back must send nothing, and the driver may run a transaction's work twice), so
 * the email goes through an outbox (models/notification-mail.ts): notifyReferral writes one outbox row
 * per notification in the same transaction, and after the commit the caller calls
 * `deliverReferralMails(referralId)`, which sends that referral's rows and deletes them. Rows a stopped
 * process or a failed SMTP server left behind are sent by the sweep the server runs
 * (`deliverPendingMails`, see reminders.ts), so a caller that forgets delays mail but never loses it.
 */
import { Types } from 'mongoose';
import type { TFunction } from 'i18next';
import type { Caller } from '../../domain/permissions.js';
import type { ReferralSide } from '../../domain/referrals.js';
import { config } from '../../config/index.js';
import { clock } from '../../lib/clock.js';
import { backgroundI18n } from '../../lib/i18n/index.js';
import { logger } from '../../lib/logger.js';
import { sendMail } from '../../lib/mailer.js';
import { NotificationMailModel } from '../../models/notification-mail.js';
import { NotificationModel, type Notification } from '../../models/notification.js';
import type { Referral } from '../../models/referral.js';
import { UserModel } from '../../models/user.js';
import { trusted } from '../auth/trusted.js';

/** How long a notification stays in the list. */
export const NOTIFICATION_DAYS = 180;
/** How long a claimed email is left to its sender before another may try (and the wait after a failure). */
export const MAIL_CLAIM_MS = 10 * 60_000;
/** Tries before an email is given up (the in-app notification stays). */
export const MAIL_ATTEMPTS = 5;
/** An email not sent within this time is dropped: news that old is better read in the list. */
const MAIL_DAYS = 3;

export interface ReferralEvent {
  kind: 'state' | 'message' | 'reminder';
  /** Who caused it (nobody, for a reminder): they are not notified of their own act. */
  by?: Caller | undefined;
  /** The side that caused it: the other side is told. A reminder goes to the partner. */
  side: ReferralSide;
}

type Recipient = { userId: Types.ObjectId; organisationId: Types.ObjectId };

/** Who hears of an event: the sender's caseworker, or the active partner staff of the addressed organisation. */
export async function recipientsOf(r: Pick<Referral, 'createdBy' | 'toOrganisationId' | 'fromOrganisationId' | 'offline'>, to: ReferralSide): Promise<Recipient[]> {
  if (to === 'sender') return [{ userId: r.createdBy, organisationId: r.fromOrganisationId }];
  if (r.offline) return [];
  const users = await UserModel.find(trusted({ organisationId: r.toOrganisationId, status: 'active', roles: 'partner' })).select({ _id: 1 }).lean();
  return users.map((u) => ({ userId: u._id, organisationId: r.toOrganisationId }));
}

/**
 * Where an event goes. A state change or a message: to the other side (the sender itself, for a move it
 * recorded for an offline partner). A reminder: to the partner, or, when nobody there can read it (an
 * offline partner, or no active partner user), to the sender's caseworker, who chases it by phone or post.
 */
async function audienceOf(r: Pick<Referral, 'createdBy' | 'toOrganisationId' | 'fromOrganisationId' | 'offline'>, event: ReferralEvent): Promise<{ to: ReferralSide; recipients: Recipient[] }> {
  if (event.kind === 'reminder') {
    const partner = await recipientsOf(r, 'partner');
    return partner.length > 0 ? { to: 'partner', recipients: partner } : { to: 'sender', recipients: await recipientsOf(r, 'sender') };
  }
  const to: ReferralSide = event.side === 'sender' ? 'partner' : 'sender';
  return { to, recipients: await recipientsOf(r, to) };
}

/**
 * Notifies the other side of a referral event: an in-app notification for each recipient and its email
 * in the outbox, both in the caller's transaction. Returns how many were notified. After the commit,
 * call `deliverReferralMails(r._id)` to send the emails.
 */
export async function notifyReferral(r: Pick<Referral, '_id' | 'reference' | 'status' | 'createdBy' | 'toOrganisationId' | 'fromOrganisationId' | 'offline' | 'demo'>, event: ReferralEvent): Promise<number> {
  const at = clock.now();
  const { to, recipients: everyone } = await audienceOf(r, event);
  const recipients = everyone.filter((u) => String(u.userId) !== event.by?.userId);
  if (recipients.length === 0) return 0;
  const made = await NotificationModel.insertMany(
    recipients.map((u) => ({
      userId: u.userId,
      organisationId: u.organisationId,
      kind: event.kind,
      referralId: r._id,
      reference: r.reference,
      status: event.kind === 'state' ? r.status : undefined,
      side: to,
      at,
      expiresAt: new Date(at.getTime() + NOTIFICATION_DAYS * 86_400_000),
      demo: r.demo ?? false,
    })),
  );
  await NotificationMailModel.insertMany(
    made.map((n) => ({ notificationId: n._id, userId: n.userId, referralId: r._id, claimableAt: at, expiresAt: new Date(at.getTime() + MAIL_DAYS * 86_400_000) })),
  );
  return made.length;
}

/** The page a notification opens: the sender's page of the referral, or the partner's. */
export function linkOf(n: Pick<Notification, 'side' | 'referralId'>): string {
  return n.side === 'partner' ? `/partner/referrals/${String(n.referralId)}` : `/referrals/${String(n.referralId)}`;
}

/** The i18n key of an event and its values: what the list, the header and the email call it. */
export function eventKey(n: Pick<Notification, 'kind' | 'side' | 'status'>): string {
  if (n.kind === 'state') return 'notifications:event.state';
  if (n.kind === 'message') return 'notifications:event.message';
  return n.side === 'partner' ? 'notifications:event.reminder' : 'notifications:event.reminderSender';
}

/** A translator for emails, in any locale, outside any request (one instance, asked per mail with a fixed locale). */
async function mailTranslator(locale: string): Promise<TFunction> {
  return (await backgroundI18n()).getFixedT(locale);
}

/**
 * The email of a notification, in the recipient's language: the reference, the event and the link,
 * nothing about the child, nothing anyone typed. Plain text, so nothing is HTML-escaped.
 */
export async function composeMail(n: Pick<Notification, 'kind' | 'side' | 'status' | 'reference' | 'referralId'>, to: { email: string; locale: string }): Promise<{ to: string; subject: string; text: string }> {
  const t = await mailTranslator(to.locale);
  const plain = { interpolation: { escapeValue: false } };
  const status = n.status ? t(`referrals:status.${n.status}`) : '';
  const event = t(eventKey(n), { status, ...plain });
  const values = { reference: n.reference, event, link: `${config.baseUrl}${linkOf(n)}`, ...plain };
  return { to: to.email, subject: t('notifications:mail.subject', values), text: t('notifications:mail.body', values) };
}

/**
 * Claims one outbox row matching `filter` (a conditional update: two senders never claim the same row
 * at once), sends its email and deletes it. A failure leaves it claimed until MAIL_CLAIM_MS have
 * passed, then it is tried again, up to MAIL_ATTEMPTS. Returns false when nothing was left to claim.
 */
async function sendOne(filter: Record<string, unknown>): Promise<boolean> {
  const now = clock.now();
  const row = await NotificationMailModel.findOneAndUpdate(
    trusted({ ...filter, claimableAt: { $lte: now } }),
    { $set: { claimableAt: new Date(now.getTime() + MAIL_CLAIM_MS) }, $inc: { attempts: 1 } },
    { returnDocument: 'after', sort: { claimableAt: 1 } },
  ).lean();
  if (!row) return false;
  try {
    const [n, user] = await Promise.all([
      NotificationModel.findOne(trusted({ _id: row.notificationId })).lean(),
      UserModel.findOne(trusted({ _id: row.userId, status: 'active' })).select({ email: 1, locale: 1 }).lean(),
    ]);
    // A notification gone (expired) or a user no longer active: there is nobody to write to.
    if (n && user) await sendMail(await composeMail(n, { email: user.email, locale: user.locale }));
    await NotificationMailModel.deleteOne(trusted({ _id: row._id }));
  } catch (err) {
    // Ids and the error's class only: never the address.
    logger.warn({ mail: String(row._id), attempts: row.attempts, err: { type: (err as Error)?.name } }, 'notification email not sent');
    if (row.attempts >= MAIL_ATTEMPTS) await NotificationMailModel.deleteOne(trusted({ _id: row._id }));
  }
  return true;
}

/**
 * Sends the emails of one referral's notifications waiting in the outbox: call it after the change
 * commits. It never throws: the change is made, and whatever is not sent now the sweep sends later.
 */
export async function deliverReferralMails(referralId: Types.ObjectId | string): Promise<number> {
  const filter = { referralId: new Types.ObjectId(String(referralId)) };
  let sent = 0;
  try {
    // Bounded: a referral's event has a few recipients; anything beyond is left to the sweep.
    while (sent < 200 && (await sendOne(filter))) sent += 1;
  } catch (err) {
    logger.warn({ referral: String(referralId), err: { type: (err as Error)?.name } }, 'notification emails left to the sweep');
  }
  return sent;
}

/** The sweep: every email waiting in the outbox and free to claim, up to `limit`. */
export async function deliverPendingMails(limit = 1000): Promise<number> {
  let sent = 0;
  while (sent < limit && (await sendOne({}))) sent += 1;
  return sent;
}
