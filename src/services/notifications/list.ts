/**
 * A user's own notifications: the list (newest first, 50 a page), marking one or all read, and the
 * unread count in the header. Only the caller's own are ever read or changed: another user's
 * notification is out of scope (404, audited) like any record the caller may not see.
 */
import { Types } from 'mongoose';
import type { Caller } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { logger } from '../../lib/logger.js';
import { NotificationModel } from '../../models/notification.js';
import { outOfScope, parseId } from '../access.js';
import { trusted } from '../auth/trusted.js';
import { eventKey, linkOf } from './notifications.js';

export const NOTIFICATIONS_PAGE = 50;

export interface NotificationRow {
  id: string;
  at: Date;
  kind: string;
  /** The i18n key of the event; `status` is the state reached, for a change of state. */
  eventKey: string;
  status?: string | undefined;
  reference: string;
  link: string;
  unread: boolean;
}

/** One page of the caller's notifications, newest first, and whether an older page exists. */
export async function listNotifications(caller: Caller, page: number): Promise<{ rows: NotificationRow[]; more: boolean }> {
  const found = await NotificationModel.find(trusted({ userId: new Types.ObjectId(caller.userId) }))
    .sort({ at: -1, _id: -1 })
    .skip((page - 1) * NOTIFICATIONS_PAGE)
    .limit(NOTIFICATIONS_PAGE + 1)
    .lean();
  const rows = found.slice(0, NOTIFICATIONS_PAGE).map((n) => ({
    id: String(n._id),
    at: n.at,
    kind: n.kind,
    eventKey: eventKey(n),
    status: n.status ?? undefined,
    reference: n.reference,
    link: linkOf(n),
    unread: !n.readAt,
  }));
  return { rows, more: found.length > NOTIFICATIONS_PAGE };
}

/** Marks one of the caller's notifications read and returns the page it opens. Another's: 404, audited. */
export async function markRead(caller: Caller, id: string): Promise<string> {
  const _id = parseId(id);
  const n = await NotificationModel.findOne(trusted({ _id, userId: new Types.ObjectId(caller.userId) })).select({ side: 1, referralId: 1, readAt: 1 }).lean();
  if (!n) return outOfScope(caller, 'notification', id);
  // The first reading counts: marking it again keeps the time it was first read.
  if (!n.readAt) await NotificationModel.updateOne(trusted({ _id, readAt: null }), { $set: { readAt: clock.now() } });
  return linkOf(n);
}

/** Marks every unread notification of the caller read. */
export async function markAllRead(caller: Caller): Promise<number> {
  const res = await NotificationModel.updateMany(trusted({ userId: new Types.ObjectId(caller.userId), readAt: null }), { $set: { readAt: clock.now() } });
  return res.modifiedCount;
}

/**
 * The header's count of unread notifications: one count on the { userId, readAt, at } index. A
 * failure costs the page its count, never the page.
 */
export async function unreadCount(caller: Caller): Promise<number> {
  try {
    return await NotificationModel.countDocuments(trusted({ userId: new Types.ObjectId(caller.userId), readAt: null }));
  } catch (err) {
    logger.warn({ error: (err as Error)?.name ?? 'unknown' }, 'unread notifications not counted');
    return 0;
  }
}
