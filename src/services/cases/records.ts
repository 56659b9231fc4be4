/**
 * What every case service shares: loading a case inside the caller's filter (SECURITY.md C2), the
 * sealed parts of a case (D1), the flat "details" view that forms edit, and the history entry.
 */
import { Types } from 'mongoose';
import { Conflict } from '../../domain/errors.js';
import { caseFilter, type Action, type Caller } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { decrypt, encrypt } from '../../lib/crypto.js';
import { CaseModel, type Case } from '../../models/case.js';
import { CaseChangeModel } from '../../models/case-change.js';
import { UserModel } from '../../models/user.js';
import { outOfScope, parseId, requireAction } from '../access.js';
import { caseNumberTokens, nameTokens } from './name-search.js';
import { trusted } from '../auth/trusted.js';

export type LeanCase = Case & { __v?: number };

/** JSON sealed with the current data key; opened again with whichever key sealed it. */
export function seal(value: unknown): string {
  return encrypt(JSON.stringify(value));
}

export function unseal<T>(sealed: string | null | undefined, fallback: T): T {
  return sealed ? (JSON.parse(decrypt(sealed)) as T) : fallback;
}

/** The identifying details of a child, as sealed in `child.secret`. */
export interface ChildIdentity {
  givenName: string;
  familyName: string;
  givenNameLocal: string;
  familyNameLocal: string;
  nickname: string;
  dateOfBirth: string;
  estimatedAge: string;
  location: string;
  school: string;
}

export const IDENTITY_FIELDS = ['givenName', 'familyName', 'givenNameLocal', 'familyNameLocal', 'nickname', 'dateOfBirth', 'estimatedAge', 'location', 'school'] as const;

/** The fields of the registration and edit forms, flat. */
export interface CaseDetails extends ChildIdentity {
  riskLevel: string;
  exploitationTypes: string[];
  intakeDate: string;
  identifiedBy: string;
  source: string;
  sex: string;
  nationality: string;
  languages: string[];
  disability: string;
  placement: string;
}

export const DETAIL_FIELDS = [
  'riskLevel',
  'exploitationTypes',
  'intakeDate',
  'identifiedBy',
  'source',
  ...IDENTITY_FIELDS,
  'sex',
  'nationality',
  'languages',
  'disability',
  'placement',
] as const satisfies readonly (keyof CaseDetails)[];

export function identityOf(c: Pick<LeanCase, 'child'>): ChildIdentity {
  const empty = Object.fromEntries(IDENTITY_FIELDS.map((f) => [f, ''])) as unknown as ChildIdentity;
  return { ...empty, ...unseal<Partial<ChildIdentity>>(c.child?.secret, {}) };
}

export function detailsOf(c: LeanCase): CaseDetails {
  return {
    riskLevel: c.riskLevel,
    exploitationTypes: [...(c.exploitationTypes ?? [])],
    intakeDate: c.intake!.date.toISOString().slice(0, 10),
    identifiedBy: c.intake!.identifiedBy,
    source: c.intake!.source,
    ...identityOf(c),
    sex: c.child.sex ?? '',
    nationality: c.child.nationality ?? '',
    languages: [...(c.child.languages ?? [])],
    disability: c.child.disability ?? '',
    placement: c.child.placement ?? '',
  };
}

/**
 * The names a child is found by. The local-script names are also given joined in both orders, so a
 * full name typed without a space (as Thai, Khmer, Lao and Burmese are written) is found however the
 * word breaker cuts it.
 */
export function childNames(d: ChildIdentity): string[] {
  const both = d.givenNameLocal && d.familyNameLocal ? [`${d.givenNameLocal} ${d.familyNameLocal}`, `${d.familyNameLocal} ${d.givenNameLocal}`] : [];
  return [d.givenName, d.familyName, d.givenNameLocal, d.familyNameLocal, d.nickname, ...both];
}

export function displayName(d: ChildIdentity): string {
  const latin = [d.givenName, d.familyName].filter(Boolean).join(' ');
  const local = [d.givenNameLocal, d.familyNameLocal].filter(Boolean).join(' ');
  return latin || local || d.nickname;
}

/**
 * Every search token of a case (D3): keyed hashes of the child's names, of their beginnings, and of the
 * case number's digits. The details form, registration and `search:reindex` all write exactly this.
 */
export function searchTokensOf(d: ChildIdentity, caseNumber: string): string[] {
  return [...nameTokens(childNames(d)), ...caseNumberTokens(caseNumber)];
}

/** The stored form of the details, for $set. */
export function detailsDocument(d: CaseDetails, riskRank: number, caseNumber: string) {
  const identity = Object.fromEntries(IDENTITY_FIELDS.map((f) => [f, d[f]]));
  return {
    riskLevel: d.riskLevel,
    riskRank,
    exploitationTypes: d.exploitationTypes,
    'intake.date': new Date(`${d.intakeDate}T00:00:00Z`),
    'intake.identifiedBy': d.identifiedBy,
    'intake.source': d.source,
    'child.sex': d.sex || undefined,
    'child.nationality': d.nationality || undefined,
    'child.languages': d.languages,
    'child.disability': d.disability || undefined,
    'child.placement': d.placement || undefined,
    'child.secret': seal(identity),
    searchTokens: searchTokensOf(d, caseNumber),
  };
}

/**
 * Loads a case the caller may see for this action, or answers 404 and audits the attempt (C2). One
 * query: the id and the access policy's filter together, served by the `_id` index (a test checks the
 * plan), so a case outside the caller's reach is never read.
 */
export async function caseInScope(caller: Caller, id: string, action: Action): Promise<LeanCase> {
  await requireAction(caller, action);
  const _id = parseId(id);
  const found = (await CaseModel.findOne(trusted({ $and: [caseFilter(caller), { _id }] })).lean()) as LeanCase | null;
  return found ?? outOfScope(caller, 'case', id);
}

/**
 * Records a change after the case was written; `previous` holds the earlier values, sealed, and `next`
 * the new ones where the history cannot work them out from the case (a family member's).
 */
export async function recordChange(caller: Caller, c: { _id: Types.ObjectId; organisationId: Types.ObjectId }, version: number, kind: string, fields: string[], previous?: Record<string, unknown>, next?: Record<string, unknown>): Promise<void> {
  await CaseChangeModel.create({
    caseId: c._id,
    organisationId: c.organisationId,
    at: clock.now(),
    userId: new Types.ObjectId(caller.userId),
    version,
    kind,
    fields,
    previous: previous && Object.keys(previous).length > 0 ? seal(previous) : undefined,
    next: next && Object.keys(next).length > 0 ? seal(next) : undefined,
  });
}

export interface ChangeSummary {
  at: Date;
  by: string;
  kind: string;
  fields: string[];
}

/** A save that started from an older version (V3): the changes made meanwhile, for the user to see. */
export class StaleVersion extends Conflict {
  override name = 'StaleVersion';
  constructor(readonly changes: readonly ChangeSummary[]) {
    super();
  }
}

export async function changesSince(caseId: Types.ObjectId, version: number): Promise<ChangeSummary[]> {
  const rows = await CaseChangeModel.find(trusted({ caseId, version: { $gt: version } }))
    .sort({ at: 1 })
    .limit(50)
    .select({ at: 1, userId: 1, kind: 1, fields: 1 })
    .lean();
  const names = await userNames(rows.map((r) => r.userId));
  return rows.map((r) => ({ at: r.at, by: names.get(String(r.userId)) ?? '', kind: r.kind, fields: r.fields }));
}

/** Staff names by id, for pages that show who did what. */
export async function userNames(ids: readonly unknown[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter(Boolean).map(String))].map((id) => new Types.ObjectId(id));
  if (unique.length === 0) return new Map();
  const users = await UserModel.find(trusted({ _id: { $in: unique } })).select({ name: 1 }).lean();
  return new Map(users.map((u) => [String(u._id), u.name]));
}

export function versionOf(c: LeanCase): number {
  return c.__v ?? 0;
}
