/**
 * What the notification tests share: a sending NGO with a caseworker, a partner organisation with two
 * staff reading different languages, a case whose child has a planted name, and mail since a mark.
 * Every name, address and text is fictional.
 */
import { testOutbox, type Mail } from '../../../src/lib/mailer.js';
import { CaseModel } from '../../../src/models/case.js';
import { ReferralModel } from '../../../src/models/referral.js';
import type { LeanReferral } from '../../../src/services/referrals/referrals.js';
import { buildCase } from '../../helpers/cases.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { MARKERS, buildReferral, minimalSnapshot, type ReferralOptions } from '../../helpers/referrals.js';

/** The child's planted name: in the case and in the snapshot, and never in a notification or an email. */
export const CHILD = Object.freeze({ givenName: 'Zanthelia', familyName: 'Quorrowby' });

export interface Parties {
  worker: TestUser;
  partnerTh: TestUser;
  partnerFr: TestUser;
  partnerOrg: string;
  caseId: string;
  caseNumber: string;
}

export async function buildParties(): Promise<Parties> {
  const ngo = (await buildOrganisation()).id;
  const partnerOrg = (await buildOrganisation({ kind: 'partner' })).id;
  const worker = await buildUser({ roles: ['caseworker'], organisationId: ngo, team: 'Team A', locale: 'km' });
  const partnerTh = await buildUser({ roles: ['partner'], organisationId: partnerOrg, locale: 'th' });
  const partnerFr = await buildUser({ roles: ['partner'], organisationId: partnerOrg, locale: 'fr' });
  const caseId = await buildCase(worker, { ...CHILD, location: MARKERS.location, school: MARKERS.school }, { team: 'Team A' });
  const c = await CaseModel.findById(caseId).select({ caseNumber: 1 }).lean();
  return { worker, partnerTh, partnerFr, partnerOrg, caseId, caseNumber: String(c!.caseNumber) };
}

/** A referral of the parties' case to the partner, its snapshot naming the child and holding the markers. */
export async function referralOf(p: Parties, options: ReferralOptions = {}): Promise<LeanReferral> {
  const base = minimalSnapshot();
  const snapshot = {
    ...base,
    identification: { ...base.identification!, ...CHILD },
    contact: { placement: 'shelter', location: MARKERS.location, school: MARKERS.school },
  };
  const id = await buildReferral(p.caseId, p.partnerOrg, p.worker.id, { snapshot, ...options });
  return (await ReferralModel.findById(id).lean()) as LeanReferral;
}

/** The place in the test outbox to read new mail from. */
export function mailMark(): number {
  return testOutbox().length;
}

export function mailsSince(mark: number): Mail[] {
  return testOutbox().slice(mark);
}

/** What no notification email may ever hold: the child's name, the case number, the planted markers. */
export function childData(p: Parties): string[] {
  return [CHILD.givenName, CHILD.familyName, p.caseNumber, ...Object.values(MARKERS), 'Fictional request'];
}
