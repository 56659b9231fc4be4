/**
 * In-app notifications of referral events (models/notification.ts): a change of state, a message, a
 * reminder. Each names the referral by reference and the event by code, never anything about the child.
 * Written inside the transaction of the change that causes them, so a change and its notice land together.
 */
import type { Types } from 'mongoose';
import type { Caller } from '../../domain/permissions.js';
import type { ReferralSide } from '../../domain/referrals.js';
import { clock } from '../../lib/clock.js';
import { NotificationModel } from '../../models/notification.js';
import type { Referral } from '../../models/referral.js';
import { UserModel } from '../../models/user.js';
import { trusted } from '../auth/trusted.js';

/** How long a notification stays in the list. */
export const NOTIFICATION_DAYS = 180;

export interface ReferralEvent {
  kind: 'state' | 'message' | 'reminder';
  /** Who caused it (nobody, for a reminder): they are not notified of their own act. */
  by?: Caller | undefined;
  /** The side that caused it: the other side is told. A reminder goes to the partner. */
  side: ReferralSide;
}

/** Who hears of an event: the sender's caseworker, or the active partner staff of the addressed organisation. */
export async function recipientsOf(r: Pick<Referral, 'createdBy' | 'toOrganisationId' | 'fromOrganisationId' | 'offline'>, to: ReferralSide): Promise<{ userId: Types.ObjectId; organisationId: Types.ObjectId }[]> {
  if (to === 'sender') return [{ userId: r.createdBy, organisationId: r.fromOrganisationId }];
  if (r.offline) return [];
  const users = await UserModel.find(trusted({ organisationId: r.toOrganisationId, status: 'active', roles: 'partner' })).select({ _id: 1 }).lean();
  return users.map((u) => ({ userId: u._id, organisationId: r.toOrganisationId }));
}

/** Notifies the other side of a referral event (the sender itself, for a move it recorded for an offline partner). */
export async function notifyReferral(r: Pick<Referral, '_id' | 'reference' | 'status' | 'createdBy' | 'toOrganisationId' | 'fromOrganisationId' | 'offline' | 'demo'>, event: ReferralEvent): Promise<void> {
  const to: ReferralSide = event.kind === 'reminder' ? 'partner' : event.side === 'sender' ? 'partner' : 'sender';
  const at = clock.now();
  const recipients = (await recipientsOf(r, to)).filter((u) => String(u.userId) !== event.by?.userId);
  if (recipients.length === 0) return;
  await NotificationModel.insertMany(
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
}
