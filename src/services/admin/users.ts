/**
 * Administration of users (DOMAIN.md; SECURITY.md C6): admins manage the users of their own
 * organisation. A user of another organisation answers 404 and is audited (C2). Nobody changes their
 * own roles, status or second factor here.
 */
import { Types } from 'mongoose';
import { Invalid } from '../../domain/errors.js';
import { mayChangeRoles, rolesForOrganisation, userFilter, type Caller, type Role } from '../../domain/permissions.js';
import { config } from '../../config/index.js';
import { logger } from '../../lib/logger.js';
import { sendMail } from '../../lib/mailer.js';
import { OrganisationModel } from '../../models/organisation.js';
import { UserModel } from '../../models/user.js';
import { outOfScope, parseId, requireAction } from '../access.js';
import { trusted } from '../auth/trusted.js';
import type { Translator } from '../auth/account.js';
import { audit } from '../audit/audit.js';
import { normaliseEmail } from '../auth/auth.js';
import { isDuplicateKey } from '../create-if-missing.js';
import { endSessions } from '../auth/sessions.js';
import { chosenTeam, teamsOf, type TeamRow } from './teams.js';
import { issueToken } from '../auth/tokens.js';

export interface UserRow {
  id: string;
  name: string;
  email: string;
  roles: Role[];
  /** The team's code, and its name from the organisation's list (the code itself when the list has none). */
  team: string;
  teamName: string;
  locale: string;
  status: string;
  mfaEnrolled: boolean;
  /** For optimistic concurrency: an edit names the version it started from (V3). */
  version: number;
}

type LeanUser = NonNullable<Awaited<ReturnType<typeof findInScope>>>;

function row(user: LeanUser, teams: readonly TeamRow[]): UserRow {
  const team = user.team ?? '';
  return {
    id: String(user._id),
    name: user.name,
    email: user.email,
    roles: user.roles as Role[],
    team,
    teamName: teams.find((t) => t.code === team)?.name ?? team,
    locale: user.locale,
    status: user.status ?? 'invited',
    mfaEnrolled: Boolean(user.mfa?.secret),
    version: user.__v ?? 0,
  };
}

async function findInScope(caller: Caller, id: string) {
  const _id = parseId(id);
  // Joined with $and: spread into one object, the id would replace the `_id` of a match-nothing filter.
  return UserModel.findOne(trusted({ $and: [userFilter(caller), { _id }] })).lean();
}

async function load(caller: Caller, id: string): Promise<LeanUser> {
  await requireAction(caller, 'admin.users');
  const user = await findInScope(caller, id);
  return user ?? outOfScope(caller, 'user', id);
}

export async function listUsers(caller: Caller): Promise<UserRow[]> {
  await requireAction(caller, 'admin.users');
  const [users, teams] = await Promise.all([UserModel.find(trusted(userFilter(caller))).sort({ name: 1 }).limit(1000).lean(), teamsOf(caller.organisationId)]);
  return users.map((u) => row(u, teams));
}

export async function getUser(caller: Caller, id: string): Promise<UserRow> {
  const [user, teams] = await Promise.all([load(caller, id), teamsOf(caller.organisationId)]);
  return row(user, teams);
}

/** What the admin's organisation allows a user to be given: its kind's roles and its teams. */
async function organisationRules(caller: Caller): Promise<{ roles: readonly Role[]; teams: TeamRow[] }> {
  const org = await OrganisationModel.findById(caller.organisationId).select({ kind: 1 }).lean();
  return { roles: rolesForOrganisation(org?.kind === 'partner' ? 'partner' : 'ngo'), teams: await teamsOf(caller.organisationId) };
}

export interface UserFormOptions {
  roles: Role[];
  /** Active teams, and the user's own team when it is retired or not in the list, so it can be kept. */
  teams: { code: string; name: string; retired: boolean }[];
}

/** The choices of the invitation form, or of one user's form (with that user). */
export async function userForm(caller: Caller, id?: string): Promise<{ user?: UserRow; options: UserFormOptions }> {
  await requireAction(caller, 'admin.users');
  const [rules, user] = await Promise.all([organisationRules(caller), id ? load(caller, id) : undefined]);
  const current = user?.team ?? '';
  const teams = rules.teams.filter((t) => !t.retired || t.code === current).map((t) => ({ code: t.code, name: t.name, retired: t.retired }));
  if (current && !teams.some((t) => t.code === current)) teams.push({ code: current, name: current, retired: true });
  const roles = [...rules.roles, ...((user?.roles ?? []) as Role[]).filter((r) => !rules.roles.includes(r))];
  return { ...(user ? { user: row(user, rules.teams) } : {}), options: { roles, teams } };
}

/** Roles the organisation's kind does not give its staff (the partner role at an NGO): refused, naming the field. */
function checkRoles(allowed: readonly Role[], roles: readonly Role[], before: readonly Role[] = []): void {
  if (roles.some((r) => !allowed.includes(r) && !before.includes(r))) throw new Invalid({ roles: 'admin:users.errors.partnerRole' });
}

export interface InviteInput {
  email: string;
  name: string;
  roles: Role[];
  team?: string | undefined;
  locale: string;
}

/** Creates the user in the admin's organisation and mails a single-use link to choose a password. */
export async function inviteUser(caller: Caller, input: InviteInput, translator: Translator): Promise<{ id: string; email: string }> {
  await requireAction(caller, 'admin.users');
  const rules = await organisationRules(caller);
  try {
    checkRoles(rules.roles, input.roles);
  } catch (err) {
    await audit(caller, { action: 'user_create', outcome: 'denied', reason: 'role_not_for_organisation', recordType: 'user' });
    throw err;
  }
  const team = chosenTeam(rules.teams, input.team);
  const email = normaliseEmail(input.email);
  if (await UserModel.exists({ email })) throw new Invalid({ email: 'admin:users.errors.emailTaken' });
  const user = await UserModel.create({
    email,
    name: input.name,
    roles: input.roles,
    team,
    locale: input.locale,
    organisationId: new Types.ObjectId(caller.organisationId),
    status: 'invited',
  } as Parameters<typeof UserModel.create>[0]).catch((err: unknown) => {
    // Two admins inviting the same address at once: the unique index decides, with the same answer.
    throw isDuplicateKey(err) ? new Invalid({ email: 'admin:users.errors.emailTaken' }) : err;
  });
  const id = String(user._id);
  await audit(caller, { action: 'user_create', outcome: 'success', recordType: 'user', recordId: id });
  await sendInvitation(caller, user._id, email, input.locale, translator);
  return { id, email };
}

async function sendInvitation(caller: Caller, userId: Types.ObjectId, email: string, locale: string, translator: Translator): Promise<void> {
  const token = await issueToken(userId, 'invite');
  const t = translator(locale);
  const link = `${config.baseUrl}/invite?token=${token}&lng=${locale}`;
  try {
    await sendMail({ to: email, subject: t('auth:mail.invite.subject'), text: t('auth:mail.invite.body', { link }) });
  } catch (err) {
    logger.error({ err: { type: (err as Error)?.name } }, 'invitation mail not sent');
    throw err;
  }
  await audit(caller, { action: 'invitation_sent', outcome: 'success', recordType: 'user', recordId: String(userId) });
}

export async function resendInvitation(caller: Caller, id: string, translator: Translator): Promise<void> {
  const user = await load(caller, id);
  if (user.status !== 'invited') throw new Invalid({ status: 'admin:users.errors.notInvited' });
  await sendInvitation(caller, user._id, user.email, user.locale, translator);
}

export interface UpdateInput {
  name: string;
  roles: Role[];
  team?: string | undefined;
  locale: string;
  version: number;
}

/** Saves a user's name, roles, team and language; says whether the roles changed, for the notice. */
export async function updateUser(caller: Caller, id: string, input: UpdateInput): Promise<{ rolesChanged: boolean }> {
  const [user, rules] = await Promise.all([load(caller, id), organisationRules(caller)]);
  const before = [...(user.roles as Role[])].sort().join(',');
  const after = [...input.roles].sort().join(',');
  if (before !== after && !mayChangeRoles(caller.userId, id)) {
    await audit(caller, { action: 'user_roles_change', outcome: 'denied', reason: 'own_roles', recordType: 'user', recordId: id });
    throw new Invalid({ roles: 'admin:users.errors.ownRoles' });
  }
  try {
    // A role the user holds already is not given now: only a role being added is checked.
    checkRoles(rules.roles, input.roles, user.roles as Role[]);
  } catch (err) {
    await audit(caller, { action: 'user_roles_change', outcome: 'denied', reason: 'role_not_for_organisation', recordType: 'user', recordId: id });
    throw err;
  }
  const team = chosenTeam(rules.teams, input.team, user.team ?? undefined);
  const res = await UserModel.updateOne(
    { _id: user._id, __v: input.version },
    { $set: { name: input.name, roles: input.roles, team: team ?? null, locale: input.locale }, $inc: { __v: 1 } },
  );
  if (res.modifiedCount !== 1) throw new Invalid({ version: 'common:errors.conflict.body' });
  await audit(caller, { action: before === after ? 'user_update' : 'user_roles_change', outcome: 'success', recordType: 'user', recordId: id });
  return { rolesChanged: before !== after };
}

export async function setDisabled(caller: Caller, id: string, disabled: boolean): Promise<void> {
  const user = await load(caller, id);
  if (id === caller.userId) throw new Invalid({ status: 'admin:users.errors.self' });
  if (disabled) {
    await endSessions(user._id, { status: 'disabled' });
  } else if (user.status === 'disabled') {
    await UserModel.updateOne({ _id: user._id }, { $set: { status: user.passwordHash ? 'active' : 'invited' } });
  }
  await audit(caller, { action: disabled ? 'user_disable' : 'user_enable', outcome: 'success', recordType: 'user', recordId: id });
}

export async function revokeSessions(caller: Caller, id: string): Promise<void> {
  const user = await load(caller, id);
  await endSessions(user._id);
  await audit(caller, { action: 'sessions_revoke', outcome: 'success', recordType: 'user', recordId: id });
}

/** For a lost phone: the user enrols again at their next sign-in. Their sessions end now. */
export async function resetMfa(caller: Caller, id: string): Promise<void> {
  const user = await load(caller, id);
  if (id === caller.userId) throw new Invalid({ mfa: 'admin:users.errors.self' });
  await UserModel.updateOne({ _id: user._id }, { $unset: { 'mfa.secret': 1, 'mfa.pendingSecret': 1, 'mfa.enrolledAt': 1 }, $set: { 'mfa.recoveryCodes': [], 'mfa.lastStep': 0 } });
  await endSessions(user._id);
  await audit(caller, { action: 'mfa_reset', outcome: 'success', recordType: 'user', recordId: id });
}
