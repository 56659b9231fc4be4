/**
 * The organisations a referral may go to: partner organisations, and other NGOs, that offer the
 * service asked for (DOMAIN.md "Organisation"), never the sending organisation itself. The list filters
 * by service and country with a plain GET form, so it works without JavaScript.
 *
 * An organisation with no active user holding the partner role cannot read a referral in Haven: its
 * referral is `offline`, delivered as a PDF form, and the caseworker records its answers.
 */
import { Types } from 'mongoose';
import { Invalid } from '../../domain/errors.js';
import type { Caller } from '../../domain/permissions.js';
import { OrganisationModel } from '../../models/organisation.js';
import { UserModel } from '../../models/user.js';
import { trusted } from '../auth/trusted.js';
import { countryName, organisationName, type Named } from '../partner/view.js';

export interface PartnerOption {
  id: string;
  name: string;
  kind: 'ngo' | 'partner';
  country: Named;
  services: string[];
}

export interface PartnerOrganisation {
  _id: Types.ObjectId;
  preferredLocale: string;
  country: string;
  services: string[];
}


/** How many organisations the form lists at most (a deployment holds tens, not thousands). */
const LIST_LIMIT = 200;

/** The organisations offering a service (any, when none is chosen), in a country (any, when none is chosen). */
export async function partnerOptions(caller: Caller, filter: { service?: string; country?: string }, locale: string): Promise<{ options: PartnerOption[]; countries: Named[] }> {
  const own = new Types.ObjectId(caller.organisationId);
  const all = await OrganisationModel.find(trusted({ _id: { $ne: own } }))
    .select({ name: 1, code: 1, kind: 1, country: 1, services: 1 })
    .limit(LIST_LIMIT)
    .lean();
  const collator = new Intl.Collator(locale);
  const countries = [...new Set(all.map((o) => o.country))].map((code) => countryName(code, locale));
  countries.sort((a, b) => collator.compare(a.name ?? a.code, b.name ?? b.code));
  const options = all
    .filter((o) => (!filter.service || (o.services ?? []).includes(filter.service as never)) && (!filter.country || o.country === filter.country))
    .map((o) => ({ id: String(o._id), name: organisationName(o, locale), kind: o.kind as 'ngo' | 'partner', country: countryName(o.country, locale), services: [...(o.services ?? [])] }));
  options.sort((a, b) => collator.compare(a.name, b.name));
  return { options, countries };
}

/**
 * The organisation a referral is addressed to, checked: another organisation than the caller's, that
 * offers the service. Anything else is refused on the field (422), so a forged id reaches nothing.
 */
export async function partnerFor(caller: Caller, organisationId: string, service: string): Promise<PartnerOrganisation> {
  if (!/^[0-9a-f]{24}$/i.test(organisationId) || organisationId === caller.organisationId) throw new Invalid({ toOrganisationId: 'referrals:errors.partner' });
  const org = await OrganisationModel.findOne(trusted({ _id: new Types.ObjectId(organisationId) })).select({ preferredLocale: 1, country: 1, services: 1 }).lean();
  if (!org) throw new Invalid({ toOrganisationId: 'referrals:errors.partner' });
  if (!(org.services ?? []).includes(service as never)) throw new Invalid({ toOrganisationId: 'referrals:errors.partnerService' });
  return { _id: org._id, preferredLocale: org.preferredLocale, country: org.country, services: [...(org.services ?? [])] };
}

/** Whether the organisation has nobody who can read a referral in Haven (an active user with the partner role). */
export async function isOffline(organisationId: Types.ObjectId): Promise<boolean> {
  return !(await UserModel.exists(trusted({ organisationId, status: 'active', roles: 'partner' })));
}

/** The name and country of the organisation a referral is addressed to, for the sender's pages. */
export async function partnerSummary(organisationId: Types.ObjectId, locale: string): Promise<{ name: string; country?: Named | undefined }> {
  const org = await OrganisationModel.findOne(trusted({ _id: organisationId })).select({ name: 1, code: 1, country: 1 }).lean();
  if (!org) return { name: '' };
  return { name: organisationName(org, locale), country: countryName(org.country, locale) };
}
