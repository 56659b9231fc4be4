/**
 * Who may do what (DOMAIN.md "People and roles"; SECURITY.md C1, C6). The one table every route and
 * service asks. Default deny: an action not listed for a role is refused.
 */
export const ROLES = ['caseworker', 'supervisor', 'manager', 'partner', 'admin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const ACTIONS = [
  // Case work (later issues add the routes; the table and the record filter exist from the start).
  'case.list',
  'case.read',
  'case.create',
  'case.update',
  'case.assign',
  'case.close',
  'case.history',
  'case.list-deidentified',
  'careplan.approve',
  'referral.send',
  /** Send a referral without a recorded consent, with a written reason (SECURITY.md C4). */
  'referral.override',
  'referral.respond',
  'report.read',
  /** Download a report as CSV or PDF (each download is audited). */
  'report.export',
  /** Choose which figures the organisation's period summary shows. */
  'report.configure',
  // Administration.
  'admin.users',
  'admin.organisations',
  // Data protection.
  'audit.read',
  'retention.review',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Besides the actions above, a route may be open to everyone, or to anyone signed in. */
export type RoutePermission = Action | 'public' | 'signed-in' | 'account';

const CASEWORK: Action[] = ['case.list', 'case.read', 'case.create', 'case.update', 'referral.send'];

export const ROLE_ACTIONS: Readonly<Record<Role, readonly Action[]>> = Object.freeze({
  caseworker: CASEWORK,
  supervisor: [...CASEWORK, 'case.assign', 'case.close', 'case.history', 'careplan.approve', 'referral.override', 'report.read', 'report.export'],
  manager: ['case.list', 'case.list-deidentified', 'report.read', 'report.export', 'report.configure'],
  partner: ['referral.respond'],
  admin: ['admin.users', 'admin.organisations'],
  auditor: ['audit.read', 'retention.review'],
});

/**
 * Actions that show anything about a child: case content, referrals, reports built from cases, the
 * audit trail of who looked at which case, and the retention review of closed cases.
 */
const CASE_DATA: ReadonlySet<Action> = new Set<Action>([
  'case.list',
  'case.read',
  'case.history',
  'case.list-deidentified',
  'referral.respond',
  'report.read',
  'report.export',
  'audit.read',
  'retention.review',
]);

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function can(roles: readonly Role[], action: Action): boolean {
  return roles.some((role) => ROLE_ACTIONS[role]?.includes(action));
}

/** SECURITY.md A5: a second factor for every role that can read case data, and for admins. */
export function requiresMfa(roles: readonly Role[]): boolean {
  return roles.some((role) => ROLE_ACTIONS[role].some((a) => CASE_DATA.has(a) || a.startsWith('admin.')));
}

/**
 * The roles staff of an organisation of this kind may hold: the partner role belongs to the staff of
 * partner organisations (they see referrals addressed to their organisation), never to an NGO's own.
 */
export function rolesForOrganisation(kind: 'ngo' | 'partner'): readonly Role[] {
  return kind === 'ngo' ? ROLES.filter((r) => r !== 'partner') : ROLES;
}

/** C6: nobody changes their own roles, so an admin cannot raise themselves. */
export function mayChangeRoles(actorId: string, targetId: string): boolean {
  return actorId !== targetId;
}

/** The caller, as services see it: ids and roles, never a request. */
export interface Caller {
  readonly userId: string;
  readonly organisationId: string;
  readonly roles: readonly Role[];
  readonly team?: string | undefined;
  readonly ip?: string | undefined;
}

/** A filter that matches no document at all. */
export const MATCH_NOTHING = Object.freeze({ _id: { $in: [] as string[] } });

type Filter = Record<string, unknown>;

function anyOf(parts: Filter[]): Filter {
  if (parts.length === 0) return { ...MATCH_NOTHING };
  return parts.length === 1 ? parts[0]! : { $or: parts };
}

/**
 * The cases a caller may see, as a MongoDB filter (ARCHITECTURE.md "Access policy"). A case outside it
 * is never loaded: the answer is 404 and the attempt is audited (C2).
 * - caseworker: cases of their organisation assigned to them
 * - supervisor: cases of their organisation in their team, and cases they supervise
 * - manager: every case of their organisation (de-identified by the service, not by this filter)
 * - partner, admin, auditor: none directly (partners see cases through referrals)
 */
export function caseFilter(caller: Caller): Filter {
  const org = caller.organisationId;
  const parts: Filter[] = [];
  for (const role of caller.roles) {
    if (role === 'caseworker') parts.push({ organisationId: org, caseworkerIds: caller.userId });
    if (role === 'supervisor') {
      parts.push({ organisationId: org, supervisorId: caller.userId });
      if (caller.team) parts.push({ organisationId: org, team: caller.team });
    }
    if (role === 'manager') parts.push({ organisationId: org });
  }
  return anyOf(parts);
}

/** Referral states in which the receiving organisation still sees the referral (C3). */
export const REFERRAL_VISIBLE_TO_PARTNER = ['sent', 'acknowledged', 'accepted', 'in_progress'] as const;

/**
 * The referrals a caller may see: partners see those addressed to their organisation while open;
 * staff of the sending NGO see those sent from their organisation for cases they may see.
 */
export function referralFilter(caller: Caller): Filter {
  const parts: Filter[] = [];
  if (caller.roles.includes('partner')) {
    parts.push({ toOrganisationId: caller.organisationId, status: { $in: [...REFERRAL_VISIBLE_TO_PARTNER] } });
  }
  if (caller.roles.some((r) => r === 'caseworker' || r === 'supervisor' || r === 'manager')) {
    parts.push({ fromOrganisationId: caller.organisationId });
  }
  return anyOf(parts);
}

/**
 * The records the audit log may name for a reader (SECURITY.md L2): an auditor sees their own
 * organisation's case numbers (never a child's details), users and organisation. Any other id an entry
 * holds (another organisation's case someone tried to open) stays an id.
 */
export function auditReferenceFilters(caller: Caller): { cases: Filter; users: Filter; organisations: Filter } {
  if (!can(caller.roles, 'audit.read')) return { cases: { ...MATCH_NOTHING }, users: { ...MATCH_NOTHING }, organisations: { ...MATCH_NOTHING } };
  const own = { organisationId: caller.organisationId };
  return { cases: own, users: own, organisations: { _id: caller.organisationId } };
}

/** Administrators manage the users of their own organisation only. */
export function userFilter(caller: Caller): Filter {
  return can(caller.roles, 'admin.users') ? { organisationId: caller.organisationId } : { ...MATCH_NOTHING };
}
