/**
 * The access policy as services use it (ARCHITECTURE.md "Access policy"; SECURITY.md C1, C2). The
 * table and the record filters live in domain/permissions.ts; this adds the audit trail of refusals.
 */
import { Types } from 'mongoose';
import { Forbidden, NotFound } from '../domain/errors.js';
import { can, type Action, type Caller } from '../domain/permissions.js';
import { audit, type AuditEvent } from './audit/audit.js';

/** Refuses an action the caller's roles do not allow, and records the attempt. */
export async function requireAction(caller: Caller, action: Action, path?: string): Promise<void> {
  if (can(caller.roles, action)) return;
  await audit(caller, { action: 'access_denied', outcome: 'denied', reason: 'no_permission', recordType: 'route', recordId: path?.slice(0, 64) ?? action });
  throw new Forbidden();
}

/**
 * A record outside the caller's filter, or one that does not exist: 404 either way (no hint that it
 * exists), with an `access_denied` entry naming the id that was asked for.
 */
export async function outOfScope(caller: Caller, recordType: NonNullable<AuditEvent['recordType']>, id: string): Promise<never> {
  await audit(caller, { action: 'access_denied', outcome: 'denied', reason: 'out_of_scope', recordType, recordId: id.slice(0, 64) });
  throw new NotFound();
}

/** An id from a URL: a malformed one is simply not found (SECURITY.md I1), never a cast error. */
export function parseId(id: unknown): Types.ObjectId {
  if (typeof id !== 'string' || !/^[0-9a-f]{24}$/i.test(id)) throw new NotFound();
  return new Types.ObjectId(id);
}

