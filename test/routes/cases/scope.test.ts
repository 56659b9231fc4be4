/**
 * The access policy's filter (caseFilter, used by lists, search and to open one case) against the rule
 * as DOMAIN.md states it, written out here independently of the filter: they must give the same answer
 * for every caller and every case.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { caseFilter, type Caller, type Role } from '../../../src/domain/permissions.js';
import { CaseModel } from '../../../src/models/case.js';
import { trusted } from '../../../src/services/auth/trusted.js';
import { buildCase } from '../../helpers/cases.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser } from '../../helpers/factories.js';

interface Scope {
  organisationId: unknown;
  caseworkerIds?: readonly unknown[] | null;
  supervisorId?: unknown;
  team?: string | null;
}

/** Caseworkers see their assigned cases, supervisors their team's and those they supervise, managers all. */
function mayOpen(caller: Caller, c: Scope): boolean {
  if (String(c.organisationId) !== caller.organisationId) return false;
  return caller.roles.some((role) => {
    if (role === 'caseworker') return (c.caseworkerIds ?? []).some((id) => String(id) === caller.userId);
    if (role === 'supervisor') return String(c.supervisorId ?? '') === caller.userId || (Boolean(caller.team) && c.team === caller.team);
    return role === 'manager';
  });
}

describe('the case access policy (caseFilter) against the rule of DOMAIN.md', () => {
  useDatabase('casescope');

  it('agree for every role, team and assignment, in the own and another organisation', async () => {
    const own = await buildOrganisation();
    const other = await buildOrganisation();
    const workerA = await buildUser({ roles: ['caseworker'], organisationId: own.id, team: 'A' });
    const workerB = await buildUser({ roles: ['caseworker'], organisationId: own.id, team: 'B' });
    const supervisorA = await buildUser({ roles: ['supervisor'], organisationId: own.id, team: 'A' });
    const elsewhere = await buildUser({ roles: ['caseworker'], organisationId: other.id, team: 'A' });
    const cases = [
      await buildCase(workerA, {}, { team: 'A' }),
      await buildCase(workerB, {}, { team: 'B' }),
      await buildCase(supervisorA, {}, { team: 'B', assignment: { caseworkerIds: [workerB.id] } }),
      await buildCase(elsewhere, {}, { team: 'A' }),
    ];
    const callers: Caller[] = [];
    const people = [workerA.id, workerB.id, supervisorA.id, elsewhere.id, String(new Types.ObjectId())];
    const roleSets: Role[][] = [['caseworker'], ['supervisor'], ['manager'], ['partner'], ['admin'], ['auditor'], ['caseworker', 'supervisor']];
    for (const organisationId of [own.id, other.id]) {
      for (const userId of people) {
        for (const roles of roleSets) {
          for (const team of ['A', 'B', undefined]) callers.push({ userId, organisationId, roles, team });
        }
      }
    }
    const disagreements: string[] = [];
    let seen = 0;
    for (const id of cases) {
      const doc = (await CaseModel.findById(id).lean())!;
      for (const caller of callers) {
        const byFilter = Boolean(await CaseModel.exists(trusted({ $and: [caseFilter(caller), { _id: doc._id }] })));
        const byCheck = mayOpen(caller, doc);
        if (byFilter) seen += 1;
        if (byFilter !== byCheck) disagreements.push(`${caller.roles.join('+')} team ${caller.team} of ${caller.organisationId === own.id ? 'own' : 'other'} org: filter ${byFilter}, rule ${byCheck}`);
      }
    }
    expect(disagreements).to.deep.equal([]);
    expect(seen, 'some callers do see some cases').to.be.greaterThan(20);
    expect(seen, 'and many do not').to.be.lessThan(cases.length * callers.length / 2);
  });
});
