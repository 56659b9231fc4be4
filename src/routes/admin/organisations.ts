import { Router, type Request } from 'express';
import { z } from 'zod';
import { LOCALES, LOCALE_INFO } from '../../domain/locales.js';
import { permit } from '../../middleware/permit.js';
import { createPartner, getOwnOrganisation, listOrganisations, updateOwnOrganisation, type OrganisationRow } from '../../services/organisations.js';
import { form, optionalText, parse, renderInvalid } from '../forms.js';

const nameFields = Object.fromEntries(LOCALES.map((l) => [`name_${l}`, optionalText(200)])) as Record<`name_${string}`, ReturnType<typeof optionalText>>;
const serviceCodes = z
  .string()
  .trim()
  .max(500)
  .regex(/^[a-z0-9_,\s-]*$/)
  .transform((v) => [...new Set(v.split(/[\s,]+/).filter(Boolean))]);
const organisationFields = {
  country: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/),
  preferredLocale: z.enum(LOCALES),
  services: serviceCodes.optional().default([]),
  ...nameFields,
};
const createForm = form({ ...organisationFields, code: z.string().trim().toUpperCase().regex(/^[A-Z0-9-]{2,40}$/) });
const updateForm = form({ ...organisationFields, version: z.coerce.number().int().min(0).max(1e9) });

function names(input: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of LOCALES) {
    const v = input[`name_${l}`];
    if (typeof v === 'string' && v) out[l] = v;
  }
  return out;
}

function formLocals(req: Request, org: Partial<OrganisationRow> & { values?: Record<string, unknown> }, isNew: boolean) {
  const source = (org.values ?? {}) as Record<string, unknown>;
  return {
    title: isNew ? req.t('admin:organisations.new') : (org.name?.[req.language] ?? org.name?.en ?? org.code ?? ''),
    isNew,
    organisation: org,
    nameInputs: LOCALES.map((l) => ({ locale: l, autonym: LOCALE_INFO[l].autonym, value: String(source[`name_${l}`] ?? org.name?.[l] ?? '') })),
    localeOptions: LOCALES.map((l) => ({ value: l, autonym: LOCALE_INFO[l].autonym, selected: l === (source.preferredLocale ?? org.preferredLocale) })),
    values: { country: source.country ?? org.country ?? '', services: source.services ?? org.services?.join(', ') ?? '', code: source.code ?? org.code ?? '', version: org.version ?? 0 },
  };
}

function stringsOf(body: unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries((body ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === 'string').map(([k, v]) => [k, (v as string).slice(0, 200)]));
}

export const adminOrganisationRoutes = Router();

adminOrganisationRoutes.get('/admin/organisations', permit('admin.organisations'), async (req, res) => {
  res.locals.page.section = 'admin';
  const organisations = (await listOrganisations(req.caller!)).map((o) => ({ ...o, displayName: o.name[req.language] ?? o.name.en ?? o.code }));
  res.render('admin/organisations/list', { title: req.t('admin:organisations.title'), organisations, done: typeof req.query.done === 'string' ? req.query.done : undefined });
});

adminOrganisationRoutes.get('/admin/organisations/new', permit('admin.organisations'), (req, res) => {
  res.render('admin/organisations/form', formLocals(req, { preferredLocale: req.user!.locale }, true));
});

adminOrganisationRoutes.post('/admin/organisations', permit('admin.organisations'), async (req, res) => {
  try {
    const input = parse(createForm, req.body);
    await createPartner(req.caller!, { code: input.code, country: input.country, preferredLocale: input.preferredLocale, services: input.services, name: names(input) });
    res.redirect(303, '/admin/organisations?done=created');
  } catch (err) {
    renderInvalid(err, req, res, 'admin/organisations/form', formLocals(req, { values: stringsOf(req.body) }, true));
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
    await updateOwnOrganisation(req.caller!, String(req.params.id), { country: input.country, preferredLocale: input.preferredLocale, services: input.services, name: names(input), version: input.version });
    res.redirect(303, '/admin/organisations?done=saved');
  } catch (err) {
    const org = await getOwnOrganisation(req.caller!, String(req.params.id));
    renderInvalid(err, req, res, 'admin/organisations/form', formLocals(req, { ...org, values: stringsOf(req.body) }, false));
  }
});
