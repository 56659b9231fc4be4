/**
 * The message thread of a referral, between the sending NGO and the partner (DOMAIN.md "Referral").
 * Each message is sealed with the language it was written in (D1, I18N.md) and kept beside the
 * referral (models/referral-message.ts). Both sides reach a thread only through a referral already
 * loaded inside their own filter (referralForSender, referralForPartner), so a partner whose
 * referral was revoked, declined or completed reads and writes nothing more.
 */
import { Types } from 'mongoose';
import { Invalid, NotFound } from '../../domain/errors.js';
import type { Caller } from '../../domain/permissions.js';
import { OPEN_STATUSES, REFERRAL_LIMITS, isFinal, type ReferralSide, type ReferralStatus } from '../../domain/referrals.js';
import { clock } from '../../lib/clock.js';
import { inTransaction } from '../../lib/db/index.js';
import { fromZawgyi } from '../../lib/i18n/zawgyi.js';
import { ReferralMessageModel, type ReferralMessage } from '../../models/referral-message.js';
import { ReferralModel } from '../../models/referral.js';
import { audit } from '../audit/audit.js';
import { trusted } from '../auth/trusted.js';
import { seal, unseal, userNames } from '../cases/records.js';
import { deliverReferralMails, notifyReferral } from '../notifications/notifications.js';
import { languageName, organisationNamesFor, textDir, type Named } from '../partner/view.js';
import { MoveRefused, referralForSender, type LeanReferral } from './referrals.js';

/** The newest messages a page shows (oldest first); a longer thread starts with a note that older ones exist. */
export const THREAD_LIMIT = 200;

export interface ThreadMessage {
  id: string;
  side: ReferralSide;
  organisation: string;
  author: string;
  at: Date;
  text: string;
  language: string;
  languageName: Named;
  dir: 'ltr' | 'rtl';
}

export interface Thread {
  messages: ThreadMessage[];
  /** Whether older messages were left out. */
  earlier: boolean;
}

/** The thread of a referral the caller may see, oldest first, names in the reader's language. */
export async function threadOf(r: Pick<LeanReferral, '_id'>, locale = 'en'): Promise<Thread> {
  const rows = await ReferralMessageModel.find(trusted({ referralId: r._id })).sort({ createdAt: -1, _id: -1 }).limit(THREAD_LIMIT + 1).lean();
  const earlier = rows.length > THREAD_LIMIT;
  const shown = rows.slice(0, THREAD_LIMIT).reverse();
  const [people, orgs] = await Promise.all([userNames(shown.map((m) => m.authorId)), organisationNamesFor(shown.map((m) => m.organisationId), locale)]);
  return {
    earlier,
    messages: shown.map((m) => ({
      id: String(m._id),
      side: m.side as ReferralSide,
      organisation: orgs.get(String(m.organisationId)) ?? '',
      author: people.get(String(m.authorId)) ?? '',
      at: m.createdAt,
      text: unseal<{ text: string }>(m.secret, { text: '' }).text,
      language: m.language,
      languageName: languageName(m.language, locale),
      dir: textDir(m.language),
    })),
  };
}

export interface MessageInput {
  text: string;
  language: string;
}

/**
 * Posts a message on a referral already loaded in the caller's scope. A referral that has ended
 * (or a draft, which nobody else reads yet) takes none: 422, nothing written. The message, the
 * referral's last-message marks and the other side's notifications are written in one transaction
 * whose referral update matches only while the referral is still open, so a message cannot land on
 * a referral revoked at the same moment.
 */
export async function postMessage(caller: Caller, r: LeanReferral, side: ReferralSide, input: MessageInput): Promise<ReferralMessage> {
  const status = r.status as ReferralStatus;
  if (isFinal(status)) throw new MoveRefused(status);
  if (!OPEN_STATUSES.includes(status)) throw new Invalid({ _form: 'partner:errors.notSent' });
  const text = fromZawgyi(input.text).normalize('NFC').trim();
  if (!text) throw new Invalid({ text: 'common:form.required' });
  if (text.length > REFERRAL_LIMITS.messageLength) throw new Invalid({ text: 'common:form.tooLong' });

  const at = clock.now();
  const posted = await inTransaction(async () => {
    const updated = (await ReferralModel.findOneAndUpdate(
      trusted({ _id: r._id, status: { $in: [...OPEN_STATUSES] } }),
      { $set: { lastMessageAt: at, lastMessageSide: side } },
      { returnDocument: 'after' },
    ).lean()) as LeanReferral | null;
    if (!updated) return null;
    const [message] = await ReferralMessageModel.create(
      [{ referralId: r._id, organisationId: new Types.ObjectId(caller.organisationId), side, authorId: new Types.ObjectId(caller.userId), language: input.language, secret: seal({ text }), demo: r.demo ?? false }],
    );
    await notifyReferral(updated, { kind: 'message', by: caller, side });
    return message!.toObject() as ReferralMessage;
  });
  if (!posted) {
    await audit(caller, { action: 'referral_message', outcome: 'failure', recordType: 'referral', recordId: String(r._id) });
    const now = (await ReferralModel.findOne(trusted({ _id: r._id })).select({ status: 1 }).lean()) as { status: ReferralStatus } | null;
    if (!now) throw new NotFound();
    throw new MoveRefused(now.status);
  }
  await deliverReferralMails(r._id);
  await audit(caller, { action: 'referral_message', outcome: 'success', recordType: 'referral', recordId: String(r._id) });
  return posted;
}

/** A message from the sending side: staff who may send referrals, on a referral of a case they may see. */
export async function messageAsSender(caller: Caller, id: string, input: MessageInput): Promise<void> {
  const r = await referralForSender(caller, id, 'referral.send');
  await postMessage(caller, r, 'sender', input);
}
