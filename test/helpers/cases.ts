/**
 * Cases for tests, registered through the real service (so they are sealed and tokenised exactly as in
 * use). Every name is fictional and marked.
 */
import type { Caller, Role } from '../../src/domain/permissions.js';
import type { CaseDetails } from '../../src/services/cases/records.js';
import { registerCase, type Assignment } from '../../src/services/cases/cases.js';
import type { TestUser } from './factories.js';

let n = 0;

export function callerOf(user: Pick<TestUser, 'id' | 'organisationId' | 'roles'>, team?: string): Caller {
  return { userId: user.id, organisationId: user.organisationId, roles: user.roles as Role[], team, ip: '127.0.0.1' };
}

export function caseDetails(overrides: Partial<CaseDetails> = {}): CaseDetails {
  n += 1;
  return {
    riskLevel: 'high',
    exploitationTypes: ['livestream_abuse'],
    intakeDate: '2026-03-02',
    identifiedBy: 'police_operation',
    source: 'social_welfare',
    givenName: `Testchild${n}`,
    familyName: 'Fictional',
    givenNameLocal: '',
    familyNameLocal: '',
    nickname: '',
    dateOfBirth: '2014-05-06',
    estimatedAge: '',
    location: 'PH-07-072217',
    school: '',
    sex: 'female',
    nationality: 'PH',
    languages: ['ceb'],
    disability: 'none',
    placement: 'shelter',
    ...overrides,
  };
}

/** Registers a case as the user (a caseworker is assigned to it; a supervisor supervises it). */
export async function buildCase(user: TestUser, overrides: Partial<CaseDetails> = {}, options: { team?: string; assignment?: Partial<Assignment> } = {}): Promise<string> {
  return registerCase(callerOf(user, options.team), caseDetails(overrides), options.assignment);
}

/** The form fields of the details form, as a browser sends them. */
export function detailsBody(details: CaseDetails): Record<string, string | string[]> {
  return { ...details };
}
