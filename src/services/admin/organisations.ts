/**
 * Organisations (DOMAIN.md). Every admin reads the directory of organisations (referrals need it) and
 * may register a new partner organisation; each admin edits only their own organisation. The first
 * admin of a new organisation is created with `npm run cli -- user:create`.
 */
import { Types } from 'mongoose';
import { intervalDays } from '../../domain/care-plans.js';
import { Invalid } from '../../domain/errors.js';
import { isCode } from '../../domain/lookups.js';
import type { Caller } from '../../domain/permissions.js';
import { defaultTimeZone, isTimeZone } from '../../domain/time-zones.js';
import { OrganisationModel } from '../../models/organisation.js';
import { outOfScope, parseId, requireAction } from '../access.js';
import { audit } from '../audit/audit.js';
import { refreshReviewDueFacts } from '../care/plans.js';
import { isDuplicateKey } from '../create-if-missing.js';

export interface OrganisationRow {
  id: string;
  code: string;
  kind: 'ngo' | 'partner';
  country: string;
  name: Record<string, string>;
  services: string[];
  preferredLocale: string;
  /** The zone set for it, or empty when none is set yet (its times are then shown in UTC). */
  timeZone: string;
  /** The zone its form proposes: the one set, else its country's. */
  proposedTimeZone: string;
  own: boolean;
  version: number;
  /** Days to a case's next care-plan review (domain/care-plans.ts). */
  reviewIntervalDays: number;
}

export interface OrganisationInput {
  code: string;
  country: string;
  name: Record<string, string>;
  services: string[];
  preferredLocale: string;
  /** Empty: the country's zone (time-zones.ts). */
  timeZone?: string | undefined;
}

type LeanOrganisation = NonNullable<Awaited<ReturnType<typeof findOne>>>;

function findOne(filter: Record<string, unknown>) {
  return OrganisationModel.findOne(filter).lean();
}

function row(org: LeanOrganisation, caller: Caller): OrganisationRow {
  return {
    id: String(org._id),
    code: org.code,
    kind: org.kind as 'ngo' | 'partner',
    country: org.country,
    name: Object.fromEntries(Object.entries(org.name ?? {}).filter(([, v]) => typeof v === 'string')) as Record<string, string>,
    services: [...(org.services ?? [])],
    preferredLocale: org.preferredLocale,
    timeZone: isTimeZone(org.timeZone) ? org.timeZone : '',
    proposedTimeZone: isTimeZone(org.timeZone) ? org.timeZone : defaultTimeZone(org.country),
    own: String(org._id) === caller.organisationId,
    version: org.__v ?? 0,
    reviewIntervalDays: intervalDays(org.reviewIntervalDays),
  };
}

export async function listOrganisations(caller: Caller): Promise<OrganisationRow[]> {
  await requireAction(caller, 'admin.organisations');
  const orgs = await OrganisationModel.find({}).sort({ kind: 1, country: 1, code: 1 }).limit(2000).lean();
  return orgs.map((o) => row(o, caller));
}

/** Only the caller's own organisation can be opened for editing; any other id is out of scope. */
export async function getOwnOrganisation(caller: Caller, id: string): Promise<OrganisationRow> {
  await requireAction(caller, 'admin.organisations');
  const _id = parseId(id);
  const org = id === caller.organisationId ? await findOne({ _id }) : null;
  return org ? row(org, caller) : outOfScope(caller, 'organisation', id);
}

/** Services from the lookup only, and a zone Intl knows (the country's when none is given). */
function checked<T extends Omit<OrganisationInput, 'code'>>(input: T): T & { timeZone: string } {
  const fields: Record<string, string> = {};
  if (!input.services.every((code) => isCode('serviceType', code))) fields.services = 'admin:organisations.errors.services';
  const timeZone = input.timeZone || defaultTimeZone(input.country);
  if (!isTimeZone(timeZone)) fields.timeZone = 'admin:organisations.errors.timeZone';
  if (Object.keys(fields).length > 0) throw new Invalid(fields);
  return { ...input, services: [...new Set(input.services)], timeZone };
}

/** The zone an organisation's times are shown in, or undefined (UTC) when it has none set. */
export async function organisationTimeZone(organisationId: string | Types.ObjectId): Promise<string | undefined> {
  const org = await OrganisationModel.findById(organisationId).select({ timeZone: 1 }).lean();
  return isTimeZone(org?.timeZone) ? org.timeZone : undefined;
}

export async function createPartner(caller: Caller, raw: OrganisationInput): Promise<OrganisationRow> {
  await requireAction(caller, 'admin.organisations');
  const input = checked(raw);
  if (await OrganisationModel.exists({ code: input.code })) throw new Invalid({ code: 'admin:organisations.errors.codeTaken' });
  const org = await OrganisationModel.create({ ...input, kind: 'partner' } as Parameters<typeof OrganisationModel.create>[0]).catch((err: unknown) => {
    // The same code created at once by two admins: the unique index decides, with the same answer.
    throw isDuplicateKey(err) ? new Invalid({ code: 'admin:organisations.errors.codeTaken' }) : err;
  });
  await audit(caller, { action: 'organisation_create', outcome: 'success', recordType: 'organisation', recordId: String(org._id) });
  return row(org.toObject(), caller);
}

export async function updateOwnOrganisation(caller: Caller, id: string, raw: Omit<OrganisationInput, 'code'> & { version: number; reviewIntervalDays?: number | undefined }): Promise<OrganisationRow> {
  const current = await getOwnOrganisation(caller, id);
  const input = checked(raw);
  // Not sent (a form without the setting): the current value stays.
  const reviewIntervalDays = raw.reviewIntervalDays ?? current.reviewIntervalDays;
  if (intervalDays(reviewIntervalDays) !== reviewIntervalDays) throw new Invalid({ reviewIntervalDays: 'admin:organisations.errors.reviewInterval' });
  const res = await OrganisationModel.updateOne(
    { _id: new Types.ObjectId(current.id), __v: input.version },
    { $set: { country: input.country, name: input.name, services: input.services, preferredLocale: input.preferredLocale, timeZone: input.timeZone, reviewIntervalDays }, $inc: { __v: 1 } },
  );
  if (res.modifiedCount !== 1) throw new Invalid({ version: 'common:errors.conflict.body' });
  await audit(caller, { action: 'organisation_update', outcome: 'success', recordType: 'organisation', recordId: current.id });
  if (reviewIntervalDays !== current.reviewIntervalDays) await refreshReviewDueFacts(current.id);
  return { ...current, ...input, name: input.name, version: current.version + 1, reviewIntervalDays };
}

/** The partner organisations a consent to referral can name, with their names in the reader's language. */
export async function listConsentOrganisations(caller: Caller, locale: string): Promise<{ id: string; name: string }[]> {
  await requireAction(caller, 'case.update');
  const orgs = await OrganisationModel.find({ kind: 'partner' }).select({ name: 1, code: 1 }).limit(1000).lean();
  const names = orgs.map((o) => {
    const name = o.name as Record<string, string | undefined> | undefined;
    return { id: String(o._id), name: name?.[locale] || name?.en || o.code };
  });
  return names.sort((a, b) => a.name.localeCompare(b.name, locale));
}
