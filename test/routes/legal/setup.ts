/**
 * What the legal case tests share: an organisation with a caseworker and a supervisor of one team,
 * someone of another team, and the valid form bodies of each legal case form.
 */
import { buildCase, callerOf } from '../../helpers/cases.js';
import { now } from '../../helpers/clock.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { createLegalCase, type LegalInput } from '../../../src/services/legal/legal-cases.js';
import type { Caller } from '../../../src/domain/permissions.js';

export interface Team {
  orgId: string;
  worker: TestUser;
  supervisor: TestUser;
  /** A caseworker and a supervisor of the same organisation, another team. */
  otherWorker: TestUser;
  otherSupervisor: TestUser;
  manager: TestUser;
  caseId: string;
  workerCaller: Caller;
}

export async function buildTeam(): Promise<Team> {
  const org = await buildOrganisation({ country: 'PH' });
  const worker = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'north' });
  const supervisor = await buildUser({ roles: ['supervisor'], organisationId: org.id, team: 'north' });
  const otherWorker = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'south' });
  const otherSupervisor = await buildUser({ roles: ['supervisor'], organisationId: org.id, team: 'south' });
  const manager = await buildUser({ roles: ['manager'], organisationId: org.id });
  const caseId = await buildCase(worker, {}, { team: 'north' });
  return { orgId: org.id, worker, supervisor, otherWorker, otherSupervisor, manager, caseId, workerCaller: callerOf(worker, 'north') };
}

/** A day relative to today on the test clock (UTC), as `YYYY-MM-DD`. */
export function day(offsetDays: number, from = new Date(now())): string {
  return new Date(from.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

export function legalInput(overrides: Partial<LegalInput> = {}): LegalInput {
  return {
    complaintDate: day(-200),
    authority: 'prosecutor',
    authorityName: 'Fictional City Prosecutor Office',
    reference: 'NPS-FICT-0001',
    charges: ['online_sexual_exploitation'],
    offenders: [{ name: 'Offender Alpha Test', relationship: 'online_contact' }],
    ...overrides,
  };
}

export async function buildLegalCase(t: Team, overrides: Partial<LegalInput & { status: string }> = {}): Promise<string> {
  return createLegalCase(t.workerCaller, t.caseId, { status: 'investigation', ...legalInput(overrides), ...overrides });
}

/** The add and edit forms' body for an input, as a browser sends it. */
export function legalBody(input: LegalInput): Record<string, string | string[]> {
  return {
    complaintDate: input.complaintDate,
    authority: input.authority,
    authorityName: input.authorityName,
    reference: input.reference,
    charges: input.charges,
    offenderName: [...input.offenders.map((o) => o.name), '', ''],
    offenderRelationship: [...input.offenders.map((o) => o.relationship), '', ''],
  };
}
