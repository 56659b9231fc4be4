/**
 * Reading the audit log (SECURITY.md L2): the auditor's search and the breach report, "every record
 * this user touched between these times". An auditor reads the entries of their own organisation;
 * each search is itself audited. Ids become case numbers and names as the page is read
 * (audit-references.ts), and times are read and shown in the organisation's time zone.
 */
import { Types } from 'mongoose';
import type { AuditAction } from '../../domain/audit.js';
import { auditReferenceFilters, type Caller } from '../../domain/permissions.js';
import { zonedToUtc } from '../../domain/time-zones.js';
import { AuditEntryModel } from '../../models/audit-entry.js';
import { CaseModel } from '../../models/case.js';
import { UserModel } from '../../models/user.js';
import { requireAction } from '../access.js';
import { audit } from './audit.js';
import { References, kindOf, type Reference, type Wanted } from './references.js';
import { organisationTimeZone } from '../admin/organisations.js';
import { trusted } from '../auth/trusted.js';

export const AUDIT_PAGE_SIZE = 50;

/** A time window as typed: wall-clock times (`2026-06-01T10:05`) in the organisation's zone. */
export interface Window {
  from?: string | undefined;
  to?: string | undefined;
}

export interface AuditQuery extends Window {
  userEmail?: string | undefined;
  action?: AuditAction | undefined;
  /** An entry's record id, or a case number of the organisation. */
  recordId?: string | undefined;
  page: number;
}

export interface AuditRow {
  seq: number;
  at: Date;
  /** Who acted; none for an anonymous attempt (a failed sign-in to an unknown address). */
  actor?: Reference;
  roles: string[];
  ip: string;
  action: string;
  recordType: string;
  record?: Reference;
  outcome: string;
  reason: string;
}

/** The zone the page's times are in: the organisation's, or undefined for UTC. */
export interface Zoned {
  timeZone?: string | undefined;
}

async function userIdByEmail(caller: Caller, email: string | undefined): Promise<Types.ObjectId | null | undefined> {
  if (!email) return undefined;
  const user = await UserModel.findOne({ email: email.trim().toLowerCase(), organisationId: new Types.ObjectId(caller.organisationId) }, { _id: 1 }).lean();
  return user?._id ?? null;
}

/** A case number typed into the record filter stands for that case's id; anything else is taken as an id. */
async function recordIdOf(caller: Caller, value: string | undefined): Promise<string | undefined> {
  if (!value || /^[0-9a-f]{24}$/i.test(value)) return value;
  const found = await CaseModel.findOne(trusted({ $and: [auditReferenceFilters(caller).cases, { caseNumber: value }] }), { _id: 1 }).lean();
  return found ? String(found._id) : value;
}

function window(range: Window, timeZone: string | undefined): Record<string, unknown> {
  const at: Record<string, Date> = {};
  const from = range.from ? zonedToUtc(range.from, timeZone ?? 'UTC') : undefined;
  const to = range.to ? zonedToUtc(range.to, timeZone ?? 'UTC') : undefined;
  if (from) at.$gte = from;
  if (to) at.$lt = to;
  return Object.keys(at).length ? { at: trusted(at) } : {};
}

export async function searchAudit(caller: Caller, query: AuditQuery): Promise<Zoned & { rows: AuditRow[]; more: boolean }> {
  await requireAction(caller, 'audit.read');
  const [userId, recordId, timeZone] = await Promise.all([userIdByEmail(caller, query.userEmail), recordIdOf(caller, query.recordId), organisationTimeZone(caller.organisationId)]);
  await audit(caller, { action: 'audit_view', outcome: 'success', recordType: 'audit' });
  if (userId === null) return { rows: [], more: false, timeZone };
  const filter: Record<string, unknown> = {
    organisationId: new Types.ObjectId(caller.organisationId),
    ...(userId ? { userId } : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(recordId ? { recordId } : {}),
    ...window(query, timeZone),
  };
  const entries = await AuditEntryModel.find(filter)
    .sort({ seq: -1 })
    .skip((query.page - 1) * AUDIT_PAGE_SIZE)
    .limit(AUDIT_PAGE_SIZE + 1)
    .lean();
  const shown = entries.slice(0, AUDIT_PAGE_SIZE);
  const wanted: Wanted[] = shown.flatMap((e) => [
    ...(e.userId ? [{ kind: 'user' as const, id: String(e.userId) }] : []),
    ...(e.recordId ? [{ kind: kindOf(e.recordType), id: e.recordId }] : []),
  ]);
  const refs = await References.load(caller, wanted);
  const rows = shown.map((e) => ({
    seq: e.seq,
    at: e.at,
    ...(e.userId ? { actor: refs.of('user', String(e.userId)) } : {}),
    roles: [...(e.roles ?? [])],
    ip: e.ip ?? '',
    action: e.action,
    recordType: e.recordType ?? '',
    ...(e.recordId ? { record: refs.of(kindOf(e.recordType), e.recordId) } : {}),
    outcome: e.outcome,
    reason: e.reason ?? '',
  }));
  return { rows, more: entries.length > AUDIT_PAGE_SIZE, timeZone };
}

export interface TouchedRecord {
  recordType: string;
  record: Reference;
  actions: string[];
  count: number;
  first: Date;
  last: Date;
}

export interface AccessReport extends Zoned {
  /** The user the report is about; undefined when no user of the organisation has the address. */
  user?: Reference;
  records: TouchedRecord[];
}

/**
 * The breach report: each record the user touched in the window, with what they did and when. Without
 * a question (the empty form), only the zone its times are read in.
 */
export async function recordsTouched(caller: Caller, input: (Window & { userEmail: string }) | undefined): Promise<AccessReport> {
  await requireAction(caller, 'audit.read');
  if (!input) return { records: [], timeZone: await organisationTimeZone(caller.organisationId) };
  const [userId, timeZone] = await Promise.all([userIdByEmail(caller, input.userEmail), organisationTimeZone(caller.organisationId)]);
  await audit(caller, { action: 'audit_report', outcome: 'success', recordType: 'user', ...(userId ? { recordId: String(userId) } : {}) });
  if (!userId) return { records: [], timeZone };
  const touched = new Map<string, Omit<TouchedRecord, 'record'> & { recordId: string }>();
  const cursor = AuditEntryModel.find({ userId, recordId: trusted({ $exists: true }), recordType: trusted({ $ne: 'route' }), ...window(input, timeZone) })
    .sort({ seq: 1 })
    .lean()
    .cursor();
  for await (const e of cursor) {
    const key = `${e.recordType}:${e.recordId}`;
    const t = touched.get(key) ?? { recordType: e.recordType ?? '', recordId: e.recordId ?? '', actions: [], count: 0, first: e.at, last: e.at };
    if (!t.actions.includes(e.action)) t.actions.push(e.action);
    t.count += 1;
    t.last = e.at;
    touched.set(key, t);
  }
  const records = [...touched.values()];
  const refs = await References.load(caller, [{ kind: 'user', id: String(userId) }, ...records.map((r) => ({ kind: kindOf(r.recordType), id: r.recordId }))]);
  return {
    user: refs.of('user', String(userId)),
    records: records.map(({ recordId, ...r }) => ({ ...r, record: refs.of(kindOf(r.recordType), recordId) })),
    timeZone,
  };
}
