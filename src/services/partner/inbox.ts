/**
 * The partner's inbox (SECURITY.md C3): the referrals addressed to the caller's organisation that are
 * still open, newest first, and the counts the start page shows. Every query carries the partner
 * filter (services/referrals/referrals.ts partnerFilter) and is served by the referral indexes
 * { toOrganisationId, status, _id } and { toOrganisationId, status, dueDate }. Pages are ranges of
 * `_id`, never skips (as the case list pages): `after` names the last row seen, `before` the first.
 * Rows carry codes, dates and the sending organisation's name, nothing about the child.
 */
import { Types } from 'mongoose';
import { Invalid } from '../../domain/errors.js';
import type { Caller } from '../../domain/permissions.js';
import type { ReferralStatus } from '../../domain/referrals.js';
import { clock } from '../../lib/clock.js';
import { ReferralModel } from '../../models/referral.js';
import { requireAction } from '../access.js';
import { audit } from '../audit/audit.js';
import { trusted } from '../auth/trusted.js';
import { partnerFilter } from '../referrals/referrals.js';
import { organisationNamesFor } from './view.js';

export const INBOX_FILTERS = ['new', 'open', 'overdue'] as const;
export type InboxFilter = (typeof INBOX_FILTERS)[number];
export const INBOX_PAGE_SIZE = 25;

/** States that wait for the partner's first answer: past the due date in one of them, a referral is overdue. */
const AWAITING: readonly ReferralStatus[] = ['sent', 'acknowledged'];

type Filter = Record<string, unknown>;

/**
 * The index a page of the inbox reads: the organisation's rows of each state, newest first. Named,
 * because past a cursor the embedded engine's planner may choose the `_id` index instead and read
 * every organisation's referrals older than the cursor (test/routes/query-plans.test.ts).
 */
const INBOX_INDEX = { toOrganisationId: 1, status: 1, _id: -1 } as const;

/** Each filter's condition, beside the partner filter. */
function conditionOf(filter: InboxFilter, now: Date): Filter {
  if (filter === 'new') return { status: 'sent' };
  if (filter === 'overdue') return { status: { $in: [...AWAITING] }, dueDate: { $lt: now } };
  return {};
}

/**
 * The caller's partner filter narrowed by an inbox condition (and a cursor), as one flat filter: the
 * embedded engine's planner picks the right index for a flat filter, and reads far more for an `$and`.
 * A condition's states are intersected with the states the partner may see, never added to them.
 */
function narrowed(caller: Caller, condition: Filter, extra: Filter = {}): Filter {
  const base = partnerFilter(caller) as { toOrganisationId: unknown; status: { $in: string[] } };
  const visible = base.status.$in;
  const asked = condition.status;
  const wanted = asked === undefined ? visible : typeof asked === 'string' ? [asked] : (asked as { $in: string[] }).$in;
  const { status: _asked, ...rest } = condition;
  // In the order of the index fields: the embedded engine's planner reads the filter's keys in order.
  const states = wanted.filter((s) => visible.includes(s));
  // One state as an equality: the embedded engine bounds a later index field (the due date) only then.
  return { toOrganisationId: base.toOrganisationId, status: states.length === 1 ? states[0] : { $in: states }, ...rest, ...extra };
}

/** A cursor is the id of a row; anything else is a broken link, not something anyone typed. */
function cursorId(cursor: string): Types.ObjectId {
  if (!/^[0-9a-f]{24}$/i.test(cursor)) throw new Invalid({ _form: 'partner:inbox.errors.page' });
  return new Types.ObjectId(cursor);
}

export interface InboxQuery {
  filter: InboxFilter;
  after?: string | undefined;
  before?: string | undefined;
}

export interface InboxRow {
  id: string;
  reference: string;
  from: string;
  service: string;
  urgency: string;
  status: ReferralStatus;
  dueDate: Date;
  sentAt?: Date | undefined;
  overdue: boolean;
  /** The sender wrote last: a message waits for an answer. */
  messageWaiting: boolean;
}

export interface InboxPage {
  filter: InboxFilter;
  rows: InboxRow[];
  /** The cursor of the next page; undefined when there is none. */
  next?: string | undefined;
  /** The cursor of the previous page; `''` to go back to the start from a page past the end; undefined on the first page. */
  previous?: string | undefined;
}

/** One page of the caller's inbox. Audited as a view of the referral list. */
export async function partnerInbox(caller: Caller, query: InboxQuery, locale = 'en'): Promise<InboxPage> {
  await requireAction(caller, 'referral.respond');
  if (query.after && query.before) throw new Invalid({ _form: 'partner:inbox.errors.page' });
  const now = clock.now();
  const condition = conditionOf(query.filter, now);
  const backwards = Boolean(query.before);
  const cursor = query.before ?? query.after;
  const bounded = narrowed(caller, condition, cursor ? { _id: { [backwards ? '$gt' : '$lt']: cursorId(cursor) } } : {});
  const find = ReferralModel.find(trusted(bounded))
    .sort({ _id: backwards ? 1 : -1 })
    .limit(INBOX_PAGE_SIZE + 1)
    .select({ reference: 1, fromOrganisationId: 1, service: 1, urgency: 1, status: 1, dueDate: 1, sentAt: 1, lastMessageSide: 1 });
  // Past a cursor the index is named (see INBOX_INDEX); the first page goes without, because a hint makes
  // the embedded engine read the whole range and sort it (12 ms against 3 ms at 10,000 referrals) where
  // it otherwise merges the states' ranges in `_id` order.
  const rows = await (cursor ? find.hint(INBOX_INDEX) : find).lean();
  const more = rows.length > INBOX_PAGE_SIZE;
  const page = rows.slice(0, INBOX_PAGE_SIZE);
  if (backwards) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const beyond = async (id: Types.ObjectId, op: '$gt' | '$lt') => Boolean(await ReferralModel.findOne(trusted(narrowed(caller, condition, { _id: { [op]: id } }))).sort({ _id: op === '$gt' ? 1 : -1 }).hint(INBOX_INDEX).select({ _id: 1 }).lean());
  let next: string | undefined;
  let previous: string | undefined;
  if (!first || !last) {
    if (cursor) previous = '';
  } else if (!backwards) {
    if (more) next = String(last._id);
    if (cursor && (await beyond(first._id, '$gt'))) previous = String(first._id);
  } else {
    if (more) previous = String(first._id);
    if (await beyond(last._id, '$lt')) next = String(last._id);
  }
  const names = await organisationNamesFor(page.map((r) => r.fromOrganisationId), locale);
  await audit(caller, { action: 'referral_view', outcome: 'success', recordType: 'referral' });
  return {
    filter: query.filter,
    rows: page.map((r) => ({
      id: String(r._id),
      reference: r.reference,
      from: names.get(String(r.fromOrganisationId)) ?? '',
      service: r.service,
      urgency: r.urgency,
      status: r.status as ReferralStatus,
      dueDate: r.dueDate,
      sentAt: r.sentAt ?? undefined,
      overdue: AWAITING.includes(r.status as ReferralStatus) && r.dueDate < now,
      messageWaiting: r.lastMessageSide === 'sender',
    })),
    next,
    previous,
  };
}

/** How many referrals of the caller's organisation are new, open and overdue (the start page and the inbox's filters). */
export async function partnerCounts(caller: Caller): Promise<{ new: number; open: number; overdue: number }> {
  await requireAction(caller, 'referral.respond');
  const now = clock.now();
  const count = (condition: Filter) => ReferralModel.countDocuments(trusted(narrowed(caller, condition)));
  // Overdue is counted one state at a time: with the states as an `$in`, the embedded engine scans every
  // awaiting referral for the due date (28 ms at 10,000); with one state, it reads only the overdue range.
  const [fresh, open, ...overdue] = await Promise.all([count(conditionOf('new', now)), count(conditionOf('open', now)), ...AWAITING.map((status) => count({ status, dueDate: { $lt: now } }))]);
  return { new: fresh, open, overdue: overdue.reduce((a, b) => a + b, 0) };
}
