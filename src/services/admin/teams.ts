/**
 * The teams of an organisation (domain/teams.ts): its admin adds, renames, retires and restores them,
 * and places users in its active teams. A user and the cases they register hold the team's code, so a
 * rename changes no user or case. Each change rewrites the list under `teamsVersion`: two admins adding
 * "Team A" and "team a" at the same moment cannot both succeed.
 */
import { Types } from 'mongoose';
import { Invalid, NotFound } from '../../domain/errors.js';
import type { Caller } from '../../domain/permissions.js';
import { cleanTeamName, isTeamName, teamCodeFor, teamNameKey } from '../../domain/teams.js';
import { CaseModel } from '../../models/case.js';
import { OrganisationModel } from '../../models/organisation.js';
import { UserModel } from '../../models/user.js';
import { outOfScope, requireAction } from '../access.js';
import { audit } from '../audit/audit.js';
import { trusted } from '../auth/trusted.js';

export interface TeamRow {
  id: string;
  code: string;
  name: string;
  retired: boolean;
}

interface StoredTeam {
  _id: Types.ObjectId;
  code: string;
  name: string;
  retired?: boolean | null;
}

function rowOf(team: StoredTeam): TeamRow {
  return { id: String(team._id), code: team.code, name: team.name, retired: Boolean(team.retired) };
}

/** An organisation's teams in the order they were added, retired ones included. */
export async function teamsOf(organisationId: string | Types.ObjectId): Promise<TeamRow[]> {
  const org = await OrganisationModel.findById(organisationId).select({ teams: 1 }).lean();
  return ((org?.teams ?? []) as StoredTeam[]).map(rowOf);
}

export async function listTeams(caller: Caller): Promise<TeamRow[]> {
  await requireAction(caller, 'admin.organisations');
  return teamsOf(caller.organisationId);
}

/**
 * The team a user is placed in from a form: none (empty), one of the active teams, or the team the user
 * is in already (kept when it was retired since, or predates the list). Anything else is refused: no
 * team comes into being by being typed.
 */
export function chosenTeam(teams: readonly TeamRow[], value: string | undefined, current?: string): string | undefined {
  if (!value) return undefined;
  if (value === current || teams.some((t) => t.code === value && !t.retired)) return value;
  throw new Invalid({ team: 'admin:users.errors.team' });
}

/** For the operator's `user:create` and the demo: an active team named by its code or its name. */
export function teamByCodeOrName(teams: readonly TeamRow[], value: string): string {
  const key = teamNameKey(value);
  const team = teams.find((t) => !t.retired && (t.code === value || teamNameKey(t.name) === key));
  if (!team) throw new Invalid({ team: 'admin:users.errors.team' });
  return team.code;
}

function checkName(name: string, teams: readonly StoredTeam[], except?: string): string {
  if (!isTeamName(name)) throw new Invalid({ name: 'admin:teams.errors.name' });
  const key = teamNameKey(name);
  if (teams.some((t) => String(t._id) !== except && teamNameKey(t.name) === key)) throw new Invalid({ name: 'admin:teams.errors.taken' });
  return cleanTeamName(name);
}

/**
 * Reads the list, lets `change` make the new one (or refuse), and writes it only if nobody changed the
 * list in between; otherwise reads it again, a few times. One document, so no transaction is needed.
 */
async function changeTeams<T>(caller: Caller, change: (teams: StoredTeam[]) => { teams: StoredTeam[]; result: T }): Promise<T> {
  await requireAction(caller, 'admin.organisations');
  const _id = new Types.ObjectId(caller.organisationId);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const org = await OrganisationModel.findById(_id).select({ teams: 1, teamsVersion: 1 }).lean();
    if (!org) throw new NotFound();
    const { teams, result } = change(((org.teams ?? []) as StoredTeam[]).map((t) => ({ _id: t._id, code: t.code, name: t.name, retired: Boolean(t.retired) })));
    const version = org.teamsVersion === null || org.teamsVersion === undefined ? { teamsVersion: trusted({ $exists: false }) } : { teamsVersion: org.teamsVersion };
    const res = await OrganisationModel.updateOne({ _id, ...version }, { $set: { teams }, $inc: { teamsVersion: 1 } });
    if (res.matchedCount === 1) {
      await audit(caller, { action: 'organisation_update', outcome: 'success', recordType: 'organisation', recordId: caller.organisationId });
      return result;
    }
  }
  throw new Invalid({ _form: 'common:errors.conflict.body' });
}

export async function addTeam(caller: Caller, name: string): Promise<TeamRow> {
  return changeTeams(caller, (teams) => {
    const clean = checkName(name, teams);
    const team: StoredTeam = { _id: new Types.ObjectId(), code: teamCodeFor(clean, new Set(teams.map((t) => t.code))), name: clean, retired: false };
    return { teams: [...teams, team], result: rowOf(team) };
  });
}

async function inList(caller: Caller, teamId: string): Promise<Types.ObjectId> {
  await requireAction(caller, 'admin.organisations');
  const found = /^[0-9a-f]{24}$/i.test(teamId) && (await OrganisationModel.exists({ _id: new Types.ObjectId(caller.organisationId), 'teams._id': new Types.ObjectId(teamId) }));
  return found ? new Types.ObjectId(teamId) : outOfScope(caller, 'organisation', teamId);
}

/** One team of the caller's organisation, for its rename form. */
export async function getTeam(caller: Caller, teamId: string): Promise<TeamRow> {
  const id = String(await inList(caller, teamId));
  return (await teamsOf(caller.organisationId)).find((t) => t.id === id) ?? outOfScope(caller, 'organisation', teamId);
}

/** A new name for a team; its code, and so its users and cases, stay as they are. */
export async function renameTeam(caller: Caller, teamId: string, name: string): Promise<{ before: string; after: string }> {
  const id = String(await inList(caller, teamId));
  return changeTeams(caller, (teams) => {
    const team = teams.find((t) => String(t._id) === id);
    if (!team) throw new NotFound();
    const clean = checkName(name, teams, id);
    const before = team.name;
    team.name = clean;
    return { teams, result: { before, after: clean } };
  });
}

/** Retiring takes a team off the choices for users; its members and cases keep it, and supervisors keep their cases. */
export async function setTeamRetired(caller: Caller, teamId: string, retired: boolean): Promise<TeamRow> {
  const id = String(await inList(caller, teamId));
  return changeTeams(caller, (teams) => {
    const team = teams.find((t) => String(t._id) === id);
    if (!team) throw new NotFound();
    team.retired = retired;
    return { teams, result: rowOf(team) };
  });
}

/**
 * Moves an organisation's users and cases from typed team names (before teams were a list) to the
 * list's codes: names that differ only in case or spacing become one team. Idempotent and ordered: the
 * list is written first, then users, then cases, so a run stopped halfway is finished by the next.
 */
export async function adoptTypedTeams(organisationId: string | Types.ObjectId): Promise<number> {
  const org = new Types.ObjectId(String(organisationId));
  const typedValues = [...new Set([...(await UserModel.distinct('team', { organisationId: org })), ...(await CaseModel.distinct('team', { organisationId: org }))])].filter(
    (v): v is string => typeof v === 'string' && v !== '',
  );
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const current = await OrganisationModel.findById(org).select({ teams: 1, teamsVersion: 1 }).lean();
    if (!current) return 0;
    const teams = ((current.teams ?? []) as StoredTeam[]).map((t) => ({ _id: t._id, code: t.code, name: t.name, retired: Boolean(t.retired) }));
    const codes = new Set(teams.map((t) => t.code));
    const codeOf = new Map<string, string>();
    for (const value of typedValues.filter((v) => !codes.has(v))) {
      const key = teamNameKey(value);
      let team = teams.find((t) => teamNameKey(t.name) === key);
      if (!team && isTeamName(value)) {
        team = { _id: new Types.ObjectId(), code: teamCodeFor(value, new Set(teams.map((t) => t.code))), name: cleanTeamName(value), retired: false };
        teams.push(team);
      }
      if (team) codeOf.set(value, team.code);
    }
    if (codeOf.size === 0) return 0;
    const version = current.teamsVersion === null || current.teamsVersion === undefined ? { teamsVersion: trusted({ $exists: false }) } : { teamsVersion: current.teamsVersion };
    const res = await OrganisationModel.updateOne({ _id: org, ...version }, { $set: { teams }, $inc: { teamsVersion: 1 } });
    if (res.matchedCount !== 1) continue;
    for (const [value, code] of codeOf) {
      await UserModel.updateMany({ organisationId: org, team: value }, { $set: { team: code } });
      await CaseModel.updateMany({ organisationId: org, team: value }, { $set: { team: code } });
    }
    return codeOf.size;
  }
  throw new Error('the team list kept changing while typed teams were adopted');
}
