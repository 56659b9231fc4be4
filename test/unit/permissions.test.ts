import { expect } from 'chai';
import { ACTIONS, ROLES, ROLE_ACTIONS, can, caseFilter, mayChangeRoles, referralFilter, userFilter, type Caller, type Role } from '../../src/domain/permissions.js';

const caller = (roles: Role[], team?: string): Caller => ({ userId: 'u1', organisationId: 'o1', roles, team });

describe('the access policy (domain/permissions.ts)', () => {
  it('denies by default: an action no role lists is refused to everyone, and no role has every action', () => {
    for (const role of ROLES) {
      expect(ROLE_ACTIONS[role].every((a) => (ACTIONS as readonly string[]).includes(a)), role).to.equal(true);
      expect(ROLE_ACTIONS[role].length, role).to.be.lessThan(ACTIONS.length);
    }
    expect(can([], 'case.read')).to.equal(false);
  });

  it('follows the roles table of DOMAIN.md', () => {
    expect(can(['caseworker'], 'case.create')).to.equal(true);
    expect(can(['caseworker'], 'case.assign')).to.equal(false);
    expect(can(['supervisor'], 'careplan.approve')).to.equal(true);
    expect(can(['manager'], 'report.read')).to.equal(true);
    expect(can(['manager'], 'case.read'), 'managers see de-identified lists only').to.equal(false);
    expect(can(['partner'], 'referral.respond')).to.equal(true);
    expect(can(['partner'], 'case.read')).to.equal(false);
    expect(can(['auditor'], 'audit.read')).to.equal(true);
    expect(can(['auditor'], 'case.update'), 'auditors do not edit cases').to.equal(false);
    expect(can(['admin'], 'admin.users')).to.equal(true);
    expect(can(['caseworker', 'auditor'], 'audit.read'), 'roles add up').to.equal(true);
  });

  it('turns each caller into the filter of the cases they may see', () => {
    expect(caseFilter(caller(['caseworker']))).to.deep.equal({ organisationId: 'o1', caseworkerIds: 'u1' });
    expect(caseFilter(caller(['supervisor'], 'Team A'))).to.deep.equal({
      $or: [
        { organisationId: 'o1', supervisorId: 'u1' },
        { organisationId: 'o1', team: 'Team A' },
      ],
    });
    expect(caseFilter(caller(['manager']))).to.deep.equal({ organisationId: 'o1' });
    for (const role of ['partner', 'admin', 'auditor'] as const) expect(caseFilter(caller([role])), role).to.deep.equal({ _id: { $in: [] } });
  });

  it('gives partners only open referrals addressed to their organisation (C3)', () => {
    expect(referralFilter(caller(['partner']))).to.deep.equal({ toOrganisationId: 'o1', status: { $in: ['sent', 'acknowledged', 'accepted', 'in_progress'] } });
    expect(referralFilter(caller(['caseworker']))).to.deep.equal({ fromOrganisationId: 'o1' });
    expect(referralFilter(caller(['admin']))).to.deep.equal({ _id: { $in: [] } });
  });

  it('lets admins manage their own organisation’s users only, and nobody change their own roles (C6)', () => {
    expect(userFilter(caller(['admin']))).to.deep.equal({ organisationId: 'o1' });
    expect(userFilter(caller(['supervisor']))).to.deep.equal({ _id: { $in: [] } });
    expect(mayChangeRoles('u1', 'u1')).to.equal(false);
    expect(mayChangeRoles('u1', 'u2')).to.equal(true);
  });
});
