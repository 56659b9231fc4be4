/**
 * What the sending-side referral tests share: an NGO with a caseworker and a supervisor of one team,
 * a case of theirs, a partner organisation offering shelter and counselling (in Filipino, with or
 * without a partner account), and the form bodies of a draft. Every name and text is fictional.
 */
import { Types } from 'mongoose';
import type { Caller } from '../../../src/domain/permissions.js';
import { ReferralModel, type Referral } from '../../../src/models/referral.js';
import { addConsent } from '../../../src/services/cases/family.js';
import { CaseModel } from '../../../src/models/case.js';
import { buildCase, callerOf } from '../../helpers/cases.js';
import { dayFromNow } from '../../helpers/clock.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';

export interface Sender {
  orgId: string;
  worker: TestUser;
  supervisor: TestUser;
  caseId: string;
  workerCaller: Caller;
  supervisorCaller: Caller;
  partnerId: string;
}

/** A day relative to today on the test clock (UTC), as `YYYY-MM-DD`. */
export const day = dayFromNow;

/** A partner organisation; `online` gives it an active user with the partner role. */
export async function buildPartner(options: { online?: boolean; services?: string[]; country?: string; locale?: string } = {}): Promise<string> {
  const org = await buildOrganisation({ kind: 'partner', country: options.country ?? 'PH', services: options.services ?? ['shelter', 'counselling'], preferredLocale: options.locale ?? 'fil', name: { en: 'Fictional Partner Shelter', fil: 'Kathang-isip na Kanlungan' } });
  if (options.online) await buildUser({ roles: ['partner'], organisationId: org.id });
  return org.id;
}

export async function buildSender(options: { online?: boolean } = {}): Promise<Sender> {
  const org = await buildOrganisation({ country: 'PH' });
  const worker = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'north' });
  const supervisor = await buildUser({ roles: ['supervisor'], organisationId: org.id, team: 'north' });
  const caseId = await buildCase(worker, {}, { team: 'north' });
  const partnerId = await buildPartner({ online: options.online ?? true });
  return { orgId: org.id, worker, supervisor, caseId, workerCaller: callerOf(worker, 'north'), supervisorCaller: callerOf(supervisor, 'north'), partnerId };
}

/** The form body of a draft to the partner, sharing identification unless told otherwise. */
export function draftBody(partnerId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    toOrganisationId: partnerId,
    service: 'shelter',
    urgency: 'within_72_hours',
    reasons: ['safe_placement', 'counselling'],
    dueDate: day(10),
    note: 'Fictional request: a safe bed for a fictional child.',
    language: 'en',
    sections: ['identification'],
    ...overrides,
  };
}

/** A consent to refer the case's child to the organisation, recorded through the case service. */
export async function giveConsent(s: Sender, organisationId = s.partnerId, date = day(-1)): Promise<string> {
  await addConsent(s.workerCaller, s.caseId, { purpose: 'referral', organisationId, givenBy: 'guardian', date, formVersion: 'fictional-1' });
  const c = (await CaseModel.findById(s.caseId).lean())!;
  return String(c.consents[c.consents.length - 1]!._id);
}

/** The referral as stored, raw (sealed values and all). */
export async function rawReferral(id: string): Promise<Record<string, unknown> | null> {
  return ReferralModel.collection.findOne({ _id: new Types.ObjectId(id) });
}

export async function referralOf(id: string): Promise<Referral> {
  return (await ReferralModel.findById(id).lean()) as Referral;
}

/** The id at the end of a redirect to `/referrals/<id>...`. */
export function referralIdOf(location: string | undefined): string {
  const m = /\/referrals\/([0-9a-f]{24})/.exec(location ?? '');
  if (!m) throw new Error(`no referral in ${location}`);
  return m[1]!;
}
