/**
 * Reading the audit log (SECURITY.md L2): the auditor's search and the breach report, "every record
 * this user touched between these times". An auditor reads the entries of their own organisation;
 * each search is itself audited.
 */
import { Types } from 'mongoose';
import type { AuditAction } from '../domain/audit.js';
import type { Caller } from '../domain/permissions.js';
import { AuditEntryModel } from '../models/audit-entry.js';
import { UserModel } from '../models/user.js';
import { requireAction } from './access.js';
import { trusted } from './trusted.js';
import { audit } from './audit.js';

export const AUDIT_PAGE_SIZE = 50;

export interface AuditQuery {
  userEmail?: string | undefined;
  action?: AuditAction | undefined;
  recordId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  page: number;
}

export interface AuditRow {
  seq: number;
  at: Date;
  user: string;
  roles: string[];
  ip: string;
  action: string;
  recordType: string;
  recordId: string;
  outcome: string;
  reason: string;
}

async function userIdByEmail(caller: Caller, email: string | undefined): Promise<Types.ObjectId | null | undefined> {
  if (!email) return undefined;
  const user = await UserModel.findOne({ email: email.trim().toLowerCase(), organisationId: new Types.ObjectId(caller.organisationId) }, { _id: 1 }).lean();
  return user?._id ?? null;
}

function window(from?: Date, to?: Date): Record<string, unknown> {
  const at: Record<string, Date> = {};
  if (from) at.$gte = from;
  if (to) at.$lt = to;
  return Object.keys(at).length ? { at: trusted(at) } : {};
}

async function names(ids: (Types.ObjectId | null | undefined)[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter(Boolean).map(String))].map((id) => new Types.ObjectId(id));
  const users = await UserModel.find({ _id: trusted({ $in: unique }) }, { email: 1 }).lean();
  return new Map(users.map((u) => [String(u._id), u.email]));
}

export async function searchAudit(caller: Caller, query: AuditQuery): Promise<{ rows: AuditRow[]; more: boolean }> {
  await requireAction(caller, 'audit.read');
  const userId = await userIdByEmail(caller, query.userEmail);
  await audit(caller, { action: 'audit_view', outcome: 'success', recordType: 'audit' });
  if (userId === null) return { rows: [], more: false };
  const filter: Record<string, unknown> = {
    organisationId: new Types.ObjectId(caller.organisationId),
    ...(userId ? { userId } : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(query.recordId ? { recordId: query.recordId } : {}),
    ...window(query.from, query.to),
  };
  const entries = await AuditEntryModel.find(filter)
    .sort({ seq: -1 })
    .skip((query.page - 1) * AUDIT_PAGE_SIZE)
    .limit(AUDIT_PAGE_SIZE + 1)
    .lean();
  const emails = await names(entries.map((e) => e.userId));
  const rows = entries.slice(0, AUDIT_PAGE_SIZE).map((e) => ({
    seq: e.seq,
    at: e.at,
    user: e.userId ? (emails.get(String(e.userId)) ?? String(e.userId)) : '',
    roles: [...(e.roles ?? [])],
    ip: e.ip ?? '',
    action: e.action,
    recordType: e.recordType ?? '',
    recordId: e.recordId ?? '',
    outcome: e.outcome,
    reason: e.reason ?? '',
  }));
  return { rows, more: entries.length > AUDIT_PAGE_SIZE };
}

export interface TouchedRecord {
  recordType: string;
  recordId: string;
  actions: string[];
  count: number;
  first: Date;
  last: Date;
}

/** The breach report: each record the user touched in the window, with what they did and when. */
export async function recordsTouched(caller: Caller, input: { userEmail: string; from: Date; to: Date }): Promise<TouchedRecord[] | undefined> {
  await requireAction(caller, 'audit.read');
  const userId = await userIdByEmail(caller, input.userEmail);
  await audit(caller, { action: 'audit_report', outcome: 'success', recordType: 'user', ...(userId ? { recordId: String(userId) } : {}) });
  if (!userId) return undefined;
  const touched = new Map<string, TouchedRecord>();
  const cursor = AuditEntryModel.find({ userId, recordId: trusted({ $exists: true }), recordType: trusted({ $ne: 'route' }), ...window(input.from, input.to) })
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
  return [...touched.values()];
}
