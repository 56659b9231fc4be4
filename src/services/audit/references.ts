/**
 * What the audit log's ids stand for, for its reader (SECURITY.md L2): case numbers, users' names and
 * organisations' codes, looked up when the page is read (entries hold ids only, L1), in one query per
 * kind for the whole page, and only among the records the access policy lets the reader name
 * (permissions.ts `auditReferenceFilters`). Any other id stays a short reference that names nobody.
 */
import { Types } from 'mongoose';
import { auditReferenceFilters, type Caller } from '../../domain/permissions.js';
import { CaseModel } from '../../models/case.js';
import { OrganisationModel } from '../../models/organisation.js';
import { UserModel } from '../../models/user.js';
import { trusted } from '../auth/trusted.js';

export interface Reference {
  /** The id as the entry holds it: the log can be filtered by it. */
  id: string;
  /** A case number, a user's name or an organisation's code, when the reader may see it. */
  label?: string;
  /** A user's email address (the log's user filter takes it), with the name. */
  email?: string;
  /** Otherwise the end of the id: enough to tell entries apart, nothing about whom it names. */
  short?: string;
  /** For a refused page: the path that was asked for. */
  path?: string;
  /** What was found: a case number is kept on one line. */
  kind?: ReferenceKind;
}

export type ReferenceKind = 'case' | 'user' | 'organisation';

/** The ids to look up: who acted (users), and what each entry names. */
export interface Wanted {
  kind: ReferenceKind | 'route' | 'other';
  id: string;
}

/** The case id in a case page's path, if the path is one. */
function caseIdInPath(path: string): string | undefined {
  return /^\/cases\/([0-9a-f]{24})(?:[/?#]|$)/i.exec(path)?.[1];
}

export function shortReference(id: string): string {
  return id.length > 8 ? `…${id.slice(-6)}` : id;
}

function objectIds(ids: Iterable<string>): Types.ObjectId[] {
  return [...new Set(ids)].filter((id) => /^[0-9a-f]{24}$/i.test(id)).map((id) => new Types.ObjectId(id));
}

/** `{ $and: [scope, { _id: { $in: ids } }] }`: the id list cannot widen the reader's scope. */
function within(scope: Record<string, unknown>, ids: Types.ObjectId[]) {
  return trusted({ $and: [scope, { _id: { $in: ids } }] });
}

export class References {
  private constructor(private readonly known: Map<string, { label: string; email?: string; kind: ReferenceKind }>) {}

  /** Looks up every id of a page at once: at most one query for cases, one for users, one for organisations. */
  static async load(caller: Caller, wanted: readonly Wanted[]): Promise<References> {
    const scope = auditReferenceFilters(caller);
    const ids = (kind: ReferenceKind) => objectIds(wanted.filter((w) => w.kind === kind).map((w) => w.id));
    // A refused page's path may name a case (`/cases/<id>/status`): that case is looked up with the others.
    const routeCases = wanted.filter((w) => w.kind === 'route').flatMap((w) => caseIdInPath(w.id) ?? []);
    const [cases, users, orgs] = [objectIds([...ids('case').map(String), ...routeCases]), ids('user'), ids('organisation')];
    const [caseDocs, userDocs, orgDocs] = await Promise.all([
      cases.length ? CaseModel.find(within(scope.cases, cases)).select({ caseNumber: 1 }).limit(cases.length).lean() : [],
      users.length ? UserModel.find(within(scope.users, users)).select({ name: 1, email: 1 }).limit(users.length).lean() : [],
      orgs.length ? OrganisationModel.find(within(scope.organisations, orgs)).select({ code: 1 }).limit(orgs.length).lean() : [],
    ]);
    const known = new Map<string, { label: string; email?: string; kind: ReferenceKind }>();
    for (const c of caseDocs) known.set(`case:${String(c._id)}`, { label: c.caseNumber, kind: 'case' });
    for (const u of userDocs) known.set(`user:${String(u._id)}`, { label: u.name, email: u.email, kind: 'user' });
    for (const o of orgDocs) known.set(`organisation:${String(o._id)}`, { label: o.code, kind: 'organisation' });
    return new References(known);
  }

  of(kind: Wanted['kind'], id: string): Reference {
    if (kind === 'route') {
      const caseId = caseIdInPath(id);
      if (!caseId) return { id, path: id };
      const found = this.known.get(`case:${caseId}`);
      return { id, path: id.replace(caseId, found ? found.label : shortReference(caseId)) };
    }
    const found = kind === 'other' ? undefined : this.known.get(`${kind}:${id}`);
    return found ? { id, ...found } : { id, short: shortReference(id) };
  }
}

/** What kind of record an entry's `recordType` names, for the lookup. */
export function kindOf(recordType: string | null | undefined): Wanted['kind'] {
  return recordType === 'case' || recordType === 'user' || recordType === 'organisation' || recordType === 'route' ? recordType : 'other';
}
