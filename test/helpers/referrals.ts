/**
 * Referrals for tests, written straight into `referrals` in a chosen state, with a snapshot whose
 * every shared value is fictional. `MARKERS` are values a test plants in the case's unshared parts and
 * then looks for in partner responses: none may ever appear there.
 */
import { Types } from 'mongoose';
import type { ReferralStatus } from '../../src/domain/referrals.js';
import { clock } from '../../src/lib/clock.js';
import { ReferralModel } from '../../src/models/referral.js';
import { sealSnapshot, type ReferralSnapshot } from '../../src/services/referrals/referrals.js';
import { seal } from '../../src/services/cases/records.js';
import { CaseModel } from '../../src/models/case.js';

export const MARKERS = Object.freeze({
  location: 'MARKER-LOCATION-NOT-SHARED',
  note: 'MARKER-NOTE-NOT-SHARED',
  family: 'MARKER-FAMILY-NOT-SHARED',
  school: 'MARKER-SCHOOL-NOT-SHARED',
});

let n = 0;

/** A snapshot sharing identification only, as a minimal referral does. */
export function minimalSnapshot(): ReferralSnapshot {
  return {
    identification: { givenName: 'Testchild', familyName: 'Fictional', givenNameLocal: '', familyNameLocal: '', nickname: '', sex: 'female', dateOfBirth: '2014-05-06', estimatedAge: '', nationality: 'PH', languages: ['ceb'], disability: 'none' },
  };
}

export interface ReferralOptions {
  status?: ReferralStatus;
  offline?: boolean;
  service?: string;
  dueDate?: Date;
  locale?: string;
  snapshot?: ReferralSnapshot;
}

/**
 * A referral of the case to the organisation, created by `createdBy`, in the given state (default
 * `sent`), with a step for each state it went through on the way.
 */
export async function buildReferral(caseId: string, toOrganisationId: string, createdBy: string, options: ReferralOptions = {}): Promise<string> {
  n += 1;
  const c = await CaseModel.findById(caseId).select({ organisationId: 1 }).lean();
  if (!c) throw new Error('no such case');
  const status = options.status ?? 'sent';
  const now = clock.now();
  const by = new Types.ObjectId(createdBy);
  const sent = status !== 'draft';
  const [doc] = await ReferralModel.create([{
    reference: `RF-TEST-${String(n).padStart(5, '0')}-${new Types.ObjectId().toHexString().slice(-6)}`,
    caseId: c._id,
    fromOrganisationId: c.organisationId,
    toOrganisationId: new Types.ObjectId(toOrganisationId),
    locale: options.locale ?? 'en',
    offline: options.offline ?? false,
    service: options.service ?? 'shelter',
    urgency: 'within_72_hours',
    reasons: ['safe_placement'],
    dueDate: options.dueDate ?? new Date(now.getTime() + 7 * 86_400_000),
    sections: ['identification'],
    secret: seal({ text: 'Fictional request: a safe place for a fictional child.' }),
    language: 'en',
    status,
    statusAt: now,
    steps: status === 'draft' ? [] : [{ from: 'draft', to: status, at: now, by, byOrganisationId: c.organisationId }],
    snapshot: sent ? { secret: sealSnapshot(options.snapshot ?? minimalSnapshot()), version: 1, takenAt: now, takenBy: by } : { version: 0 },
    sentAt: sent ? now : undefined,
    createdBy: by,
  }] as Parameters<typeof ReferralModel.create>[0][]);
  return String(doc!._id);
}
