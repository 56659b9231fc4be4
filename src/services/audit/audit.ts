/**
 * The audit log (SECURITY.md L1, L2): append only and hash chained. Each entry's hash is a keyed hash of
 * its own fields and the previous entry's hash, so changing, removing or inserting an entry breaks the
 * chain at that point, and nobody without the key can forge a consistent chain. Entries hold ids,
 * codes and outcomes, never field values.
 */
import { Types } from 'mongoose';
import type { AuditAction, AuditOutcome, AuditReason } from '../../domain/audit.js';
import type { Caller, Role } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { equalHex, keyedHash } from '../../lib/crypto.js';
import { AuditEntryModel } from '../../models/audit-entry.js';
import { AuditHeadModel } from '../../models/audit-head.js';
import { isDuplicateKey } from '../create-if-missing.js';
import { trusted } from '../auth/trusted.js';
import { forgetAllReminders } from '../home/reminder-cache.js';

export const GENESIS = '0'.repeat(64);

export interface AuditEvent {
  action: AuditAction;
  outcome: AuditOutcome;
  reason?: AuditReason;
  recordType?: 'user' | 'organisation' | 'case' | 'attachment' | 'referral' | 'route' | 'audit' | 'notification' | 'report';
  recordId?: string;
}

/** Who did it: a signed-in caller, or what is known of an anonymous one (sign-in failures). */
export type AuditActor = Caller | { userId?: string | undefined; organisationId?: string | undefined; roles?: readonly Role[]; ip?: string | undefined };

interface ChainFields {
  seq: number;
  at: Date;
  userId?: Types.ObjectId | null | undefined;
  roles?: string[] | null | undefined;
  organisationId?: Types.ObjectId | null | undefined;
  ip?: string | null | undefined;
  action: string;
  recordType?: string | null | undefined;
  recordId?: string | null | undefined;
  outcome: string;
  reason?: string | null | undefined;
  prevHash: string;
}

export function chainHash(e: ChainFields): string {
  const canonical = JSON.stringify([
    e.seq,
    e.at.toISOString(),
    e.userId ? String(e.userId) : null,
    e.roles && e.roles.length > 0 ? [...e.roles] : null,
    e.organisationId ? String(e.organisationId) : null,
    e.ip ?? null,
    e.action,
    e.recordType ?? null,
    e.recordId ?? null,
    e.outcome,
    e.reason ?? null,
    e.prevHash,
  ]);
  return keyedHash('audit-chain', canonical);
}

function objectId(id: string | undefined): Types.ObjectId | undefined {
  return id && Types.ObjectId.isValid(id) ? new Types.ObjectId(id) : undefined;
}

// Appends from this process go one at a time; other processes are kept apart by the unique `seq`.
let queue: Promise<unknown> = Promise.resolve();

/**
 * Changes after which what is due may differ for anyone on the team (a plan submitted waits for every
 * supervisor of the team), so the header reminder counts remembered in this process are forgotten.
 */
const CHANGES_WHAT_IS_DUE: ReadonlySet<AuditAction> = new Set<AuditAction>([
  'case_update', 'case_assign', 'case_status', 'task_assign',
  'careplan_change', 'careplan_submit', 'careplan_approve', 'careplan_return',
  'review_create', 'review_approve', 'review_return',
  'legal_change', 'closure_propose', 'closure_approve', 'closure_return', 'followup_record',
]);

export function audit(actor: AuditActor, event: AuditEvent): Promise<void> {
  // Written after the change has committed: from here on, anyone's next page counts what is due afresh.
  if (event.outcome === 'success' && CHANGES_WHAT_IS_DUE.has(event.action)) forgetAllReminders();
  const next = queue.then(() => append(actor, event));
  queue = next.catch(() => undefined);
  return next;
}

const CHAIN = 'chain';

/**
 * Two steps, each on one document (DATABASE.md): insert the entry after the head, then move the head.
 * If another process appended first, or a process stopped between the two steps, the insert meets a
 * duplicate `seq`; the head then catches up with the real end of the log and the append is retried.
 */
async function append(actor: AuditActor, event: AuditEvent): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const head = (await AuditHeadModel.findById(CHAIN).lean()) ?? { seq: 0, hash: GENESIS };
    const fields: ChainFields = {
      seq: head.seq + 1,
      at: clock.now(),
      userId: objectId(actor.userId),
      roles: actor.roles && actor.roles.length > 0 ? [...actor.roles] : undefined,
      organisationId: objectId(actor.organisationId),
      ip: actor.ip?.slice(0, 64),
      action: event.action,
      recordType: event.recordType,
      recordId: event.recordId,
      outcome: event.outcome,
      reason: event.reason,
      prevHash: head.hash,
    };
    const hash = chainHash(fields);
    try {
      await AuditEntryModel.create({ ...fields, hash } as Parameters<typeof AuditEntryModel.create>[0]);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const last = await AuditEntryModel.findOne({}, { seq: 1, hash: 1 }).sort({ seq: -1 }).lean();
      if (last) await moveHead(last.seq, last.hash);
      continue;
    }
    await moveHead(fields.seq, hash);
    return;
  }
  throw new Error('could not append to the audit log');
}

/**
 * Moves the head forward to `seq`, never back. The first appends of a new log may create the head at
 * once: an insert that meets a duplicate key means another append created it, so the move is tried
 * again on theirs. A second duplicate means the head exists and is already at or past `seq`.
 */
async function moveHead(seq: number, hash: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const moved = await AuditHeadModel.updateOne({ _id: CHAIN, seq: trusted({ $lt: seq }) }, { $set: { seq, hash } });
    if (moved.matchedCount > 0) return;
    try {
      await AuditHeadModel.create({ _id: CHAIN, seq, hash });
      return;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  /** The first entry whose hash, link or sequence number does not hold. */
  firstBroken?: { seq: number; id: string; problem: 'hash' | 'link' | 'sequence' };
}

/** Walks the whole chain in order (a cursor, so memory stays flat however long the log). */
export async function verifyAuditChain(): Promise<ChainReport> {
  let prevHash = GENESIS;
  let expectedSeq = 1;
  let checked = 0;
  for await (const entry of AuditEntryModel.find({}).sort({ seq: 1 }).lean().cursor()) {
    const id = String(entry._id);
    const broken = (problem: 'hash' | 'link' | 'sequence'): ChainReport => ({ ok: false, checked, firstBroken: { seq: entry.seq, id, problem } });
    if (entry.seq !== expectedSeq) return broken('sequence');
    if (entry.prevHash !== prevHash) return broken('link');
    const hash = /^[0-9a-f]{64}$/.test(entry.hash) ? entry.hash : '';
    if (!hash || !equalHex(hash, chainHash(entry))) return broken('hash');
    prevHash = entry.hash;
    expectedSeq += 1;
    checked += 1;
  }
  return { ok: true, checked };
}
