/**
 * What every demo seeder shares: a seeded random (the same demo on every machine), dates counted from
 * today, the demo organisation's staff member of a role, and the claim that lets exactly one seeder
 * seed an organisation even when `npm start` and `seed:demo` run at once.
 */
import type { Types } from 'mongoose';
import type { Caller, Role } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { SystemStateModel } from '../../models/system-state.js';
import { UserModel } from '../../models/user.js';

/** Mulberry32: a small seeded random, so the demo is the same on every machine. */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The calendar day `days` from today (negative: in the past), `YYYY-MM-DD`. */
export function dayFromToday(days: number): string {
  return new Date(clock.ms() + days * 86_400_000).toISOString().slice(0, 10);
}

/** The organisation's demo staff member of this role, as a caller. */
export async function staff(organisationId: string | Types.ObjectId, role: Role): Promise<Caller | undefined> {
  const u = await UserModel.findOne({ organisationId, roles: role, demo: true }).lean();
  return u ? { userId: String(u._id), organisationId: String(organisationId), roles: u.roles as Role[], team: u.team ?? undefined, ip: '127.0.0.1' } : undefined;
}

/**
 * One seeder of this kind per organisation: the first to insert the claim document seeds it. A run
 * stopped halfway leaves a partly seeded organisation, which is not seeded again (it is demo data).
 */
export async function claim(kind: string, code: string): Promise<boolean> {
  try {
    await SystemStateModel.create({ _id: `${kind}:${code}`, at: new Date() });
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return false;
    throw err;
  }
}
