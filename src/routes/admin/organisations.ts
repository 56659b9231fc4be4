import { Router, type Request } from 'express';
import { z } from 'zod';
import { MAX_REVIEW_INTERVAL_DAYS, MIN_REVIEW_INTERVAL_DAYS } from '../../domain/care-plans.js';
import { LOCALES, LOCALE_INFO } from '../../domain/locales.js';
import { LOOKUPS } from '../../domain/lookups.js';
import { isTimeZone, timeZones } from '../../domain/time-zones.js';
import { toLatinDigits } from '../../lib/i18n/format.js';
import { permit } from '../../middleware/permit.js';
import { createPartner, getOwnOrganisation, listOrganisations, updateOwnOrganisation, type OrganisationRow } from '../../services/admin/organisations.js';
import { form, optionalText, parse, renderInvalid } from '../forms.js';

const nameFields = Object.fromEntries(LOCALES.map((l) => [`name_${l}`, optionalText(200)])) as Record<`name_${string}`, ReturnType<typeof optionalText>>;
/** Checkboxes: none, one (a string) or several (an array) service codes from the lookup; any other code is refused. */
const serviceCodes = z
  .union([z.enum(LOOKUPS.serviceType), z.array(z.enum(LOOKUPS.serviceType)).max(LOOKUPS.serviceType.length)])
  .optional()
  .transform((v) => [...new Set(v === undefined ? [] : Array.isArray(v) ? v : [v])]);
const organisationFields = {
  country: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/),
  preferredLocale: z.enum(LOCALES),
  services: serviceCodes,
  /** Empty: the country's zone. */
  timeZone: z.union([z.literal(''), z.string().max(64).refine(isTimeZone)]).optional().default(''),
  ...nameFields,
};
const createForm = form({ ...organisationFields, code: z.string().trim().toUpperCase().regex(/^[A-Z0-9-]{2,40}$/) });
/** Days between care-plan reviews (domain/care-plans.ts); empty or absent keeps the current value. Any script's digits. */
const reviewIntervalDays = z
  .string()
  .max(8)
  .transform((v) => toLatinDigits(v).trim())
  .pipe(z.union([z.literal('').transform(() => undefined), z.string().regex(/^\d{1,4}$/).transform(Number)]))
  .optional();
const updateForm = form({ ...organisationFields, version: z.coerce.number().int().min(0).max(1e9), reviewIntervalDays });

const NOTICES = { created: 'admin:notices.organisationCreated', saved: 'admin:notices.organisationSaved' } as const;
const listQuery = z.strictObject({
  done: z.enum(['created', 'saved']).optional(),
  organisation: z.string().regex(/^[0-9a-f]{24}$/i).optional(),
  lng: z.string().max(20).optional(),
});

function names(input: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of LOCALES) {
    const v = input[`name_${l}`];
    if (typeof v === 'string' && v) out[l] = v;
  }
  return out;
}

function displayName(req: Request, org: Pick<OrganisationRow, 'name' | 'code'>): string {
  return org.name[req.language] ?? org.name.en ?? org.code;
}

function formLocals(req: Request, org: Partial<OrganisationRow> & { values?: Record<string, unknown>; picked?: string[] }, isNew: boolean) {
  const source = (org.values ?? {}) as Record<string, unknown>;
  const services = org.picked ?? org.services ?? [];
  const zone = String(source.timeZone ?? org.proposedTimeZone ?? '');
  return {
    title: isNew ? req.t('admin:organisations.new') : displayName(req, { name: org.name ?? {}, code: org.code ?? '' }),
    isNew,
    organisation: org,
    nameInputs: LOCALES.map((l) => ({ locale: l, autonym: LOCALE_INFO[l].autonym, value: String(source[`name_${l}`] ?? org.name?.[l] ?? '') })),
    localeOptions: LOCALES.map((l) => ({ value: l, autonym: LOCALE_INFO[l].autonym, selected: l === (source.preferredLocale ?? org.preferredLocale) })),
    serviceOptions: LOOKUPS.serviceType.map((code) => ({ value: code, checked: services.includes(code) })),
    // Empty (a new organisation): its country's zone once saved. The zones are suggestions of a text field, not options.
    timeZone: zone,
    timeZoneOptions: timeZones(),
    values: { country: source.country ?? org.country ?? '', code: source.code ?? org.code ?? '', version: org.version ?? 0, reviewIntervalDays: source.reviewIntervalDays ?? org.reviewIntervalDays ?? '' },
    reviewInterval: { min: MIN_REVIEW_INTERVAL_DAYS, max: MAX_REVIEW_INTERVAL_DAYS },
  };
}

function stringsOf(body: unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries((body ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === 'string').map(([k, v]) => [k, (v as string).slice(0, 200)]));
}

/** The boxes that were ticked, shown ticked again. */
function pickedOf(body: unknown): string[] {
  const v = ((body ?? {}) as Record<string, unknown>).services;
  return (Array.isArray(v) ? v : [v]).filter((s): s is string => typeof s === 'string');
}

export const adminOrganisationRoutes = Router();

adminOrganisationRoutes.get('/admin/organisations', permit('admin.organisations'), async (req, res) => {
  res.locals.page.section = 'admin';
  const q = parse(listQuery, req.query);
  const organisations = (await listOrganisations(req.caller!)).map((o) => ({ ...o, displayName: displayName(req, o) }));
  const about = organisations.find((o) => o.id === q.organisation);
  const notice = q.done ? (about ? { key: NOTICES[q.done], name: about.displayName } : { key: 'admin:done' }) : undefined;
  res.render('admin/organisations/list', { title: req.t('admin:organisations.title'), organisations, notice });
});

adminOrganisationRoutes.get('/admin/organisations/new', permit('admin.organisations'), (req, res) => {
  res.render('admin/organisations/form', formLocals(req, { preferredLocale: req.user!.locale }, true));
});

adminOrganisationRoutes.post('/admin/organisations', permit('admin.organisations'), async (req, res) => {
  try {
    const input = parse(createForm, req.body);
    const created = await createPartner(req.caller!, { code: input.code, country: input.country, preferredLocale: input.preferredLocale, services: input.services, timeZone: input.timeZone, name: names(input) });
    res.redirect(303, `/admin/organisations?done=created&organisation=${created.id}`);
  } catch (err) {
    renderInvalid(err, req, res, 'admin/organisations/form', formLocals(req, { values: stringsOf(req.body), picked: pickedOf(req.body) }, true));
  }
});

adminOrganisationRoutes.get('/admin/organisations/:id', permit('admin.organisations'), async (req, res) => {
  res.render('admin/organisations/form', formLocals(req, await getOwnOrganisation(req.caller!, String(req.params.id)), false));
});

adminOrganisationRoutes.post('/admin/organisations/:id', permit('admin.organisations'), async (req, res) => {
  // Scope before input: another organisation's record is 404 whatever was sent.
  await getOwnOrganisation(req.caller!, String(req.params.id));
  try {
    const input = parse(updateForm, req.body);
    const saved = await updateOwnOrganisation(req.caller!, String(req.params.id), { country: input.country, preferredLocale: input.preferredLocale, services: input.services, timeZone: input.timeZone, name: names(input), version: input.version, reviewIntervalDays: input.reviewIntervalDays });
    res.redirect(303, `/admin/organisations?done=saved&organisation=${saved.id}`);
  } catch (err) {
    const org = await getOwnOrganisation(req.caller!, String(req.params.id));
    renderInvalid(err, req, res, 'admin/organisations/form', formLocals(req, { ...org, values: stringsOf(req.body), picked: pickedOf(req.body) }, false));
  }
});
