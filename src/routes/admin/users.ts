import { Router, type Request } from 'express';
import { z } from 'zod';
import { LOCALES } from '../../domain/locales.js';
import { ROLES } from '../../domain/permissions.js';
import { permit } from '../../middleware/permit.js';
import { getUser, inviteUser, listUsers, resendInvitation, resetMfa, revokeSessions, setDisabled, updateUser, type UserRow } from '../../services/users.js';
import { translatorFor } from '../auth/translator.js';
import { form, optionalText, parse, renderInvalid, text } from '../forms.js';

/** A form sends one role as a string and several as an array; both become a list of known roles. */
const roles = z
  .union([z.enum(ROLES), z.array(z.enum(ROLES)).max(ROLES.length)])
  .optional()
  .transform((v) => [...new Set(v === undefined ? [] : Array.isArray(v) ? v : [v])]);

const userFields = {
  name: text(200),
  roles,
  team: optionalText(60),
  locale: z.enum(LOCALES),
};
const inviteForm = form({ ...userFields, email: z.email().max(254) });
const updateForm = form({ ...userFields, version: z.coerce.number().int().min(0).max(1e9) });

function options(req: Request, selected: { roles?: string[]; locale?: string }) {
  return {
    roleOptions: ROLES.map((r) => ({ value: r, label: req.t(`admin:roles.${r}`), checked: selected.roles?.includes(r) ?? false })),
    localeOptions: LOCALES.map((l) => ({ value: l, selected: l === selected.locale })),
  };
}

function editLocals(req: Request, user: UserRow) {
  return { title: user.name, user, values: user, self: user.id === req.user!.id, ...options(req, user) };
}

export const adminUserRoutes = Router();

adminUserRoutes.get('/admin/users', permit('admin.users'), async (req, res) => {
  res.locals.page.section = 'admin';
  const users = await listUsers(req.caller!);
  res.render('admin/users/list', { title: req.t('admin:users.title'), users, done: typeof req.query.done === 'string' ? req.query.done : undefined });
});

adminUserRoutes.get('/admin/users/new', permit('admin.users'), (req, res) => {
  res.render('admin/users/form', { title: req.t('admin:users.invite'), isNew: true, values: { locale: req.user!.locale }, ...options(req, { locale: req.user!.locale }) });
});

adminUserRoutes.post('/admin/users', permit('admin.users'), async (req, res) => {
  const body = (req.body ?? {}) as Record<string, unknown>;
  try {
    const input = parse(inviteForm, body);
    await inviteUser(req.caller!, input, translatorFor(req));
    res.redirect(303, '/admin/users?done=invited');
  } catch (err) {
    // What was typed, shown again; anything that is not a plain string (an operator object, a list) is dropped.
    const typed = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');
    const values = { email: typed(body.email, 254), name: typed(body.name, 200), team: typed(body.team, 60), locale: typed(body.locale, 20) };
    renderInvalid(err, req, res, 'admin/users/form', { title: req.t('admin:users.invite'), isNew: true, values, ...options(req, { locale: values.locale }) });
  }
});

adminUserRoutes.get('/admin/users/:id', permit('admin.users'), async (req, res) => {
  res.render('admin/users/form', editLocals(req, await getUser(req.caller!, String(req.params.id))));
});

adminUserRoutes.post('/admin/users/:id', permit('admin.users'), async (req, res) => {
  // The record's scope is checked before the input, so another organisation's user is 404 whatever was sent.
  const user = await getUser(req.caller!, String(req.params.id));
  try {
    await updateUser(req.caller!, user.id, parse(updateForm, req.body));
    res.redirect(303, '/admin/users?done=saved');
  } catch (err) {
    renderInvalid(err, req, res, 'admin/users/form', editLocals(req, await getUser(req.caller!, user.id)));
  }
});

/** The buttons on a user's page: each one a POST with its CSRF token and nothing else. */
const actionForm = form({});
const ACTIONS = {
  disable: (req: Request) => setDisabled(req.caller!, String(req.params.id), true),
  enable: (req: Request) => setDisabled(req.caller!, String(req.params.id), false),
  'revoke-sessions': (req: Request) => revokeSessions(req.caller!, String(req.params.id)),
  'reset-mfa': (req: Request) => resetMfa(req.caller!, String(req.params.id)),
  'resend-invitation': (req: Request) => resendInvitation(req.caller!, String(req.params.id), translatorFor(req)),
} as const;

for (const [name, act] of Object.entries(ACTIONS)) {
  adminUserRoutes.post(`/admin/users/:id/${name}`, permit('admin.users'), async (req, res) => {
    await getUser(req.caller!, String(req.params.id));
    parse(actionForm, req.body);
    await act(req);
    res.redirect(303, `/admin/users?done=${name}`);
  });
}
