import { Router, type Request } from 'express';
import { z } from 'zod';
import { LOCALES } from '../../domain/locales.js';
import { ROLES } from '../../domain/permissions.js';
import { permit } from '../../middleware/permit.js';
import { getUser, inviteUser, listUsers, resendInvitation, resetMfa, revokeSessions, setDisabled, updateUser, userForm, type UserFormOptions, type UserRow } from '../../services/admin/users.js';
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
  /** A team's code from the organisation's list (the service refuses any other). */
  team: optionalText(60),
  locale: z.enum(LOCALES),
};
const inviteForm = form({ ...userFields, email: z.email().max(254) });
const updateForm = form({ ...userFields, version: z.coerce.number().int().min(0).max(1e9) });

/** What the list says was done, by the `done` of the redirect, about the user named by `user`. */
const NOTICES = {
  invited: 'admin:notices.invited',
  saved: 'admin:notices.saved',
  roles: 'admin:notices.rolesChanged',
  disable: 'admin:notices.disabled',
  enable: 'admin:notices.enabled',
  'revoke-sessions': 'admin:notices.signedOut',
  'reset-mfa': 'admin:notices.mfaReset',
  'resend-invitation': 'admin:notices.invitationResent',
} as const;
const listQuery = z.strictObject({
  done: z.enum(Object.keys(NOTICES) as [keyof typeof NOTICES, ...(keyof typeof NOTICES)[]]).optional(),
  user: z.string().regex(/^[0-9a-f]{24}$/i).optional(),
  lng: z.string().max(20).optional(),
});

function options(req: Request, choices: UserFormOptions, selected: { roles?: string[]; locale?: string; team?: string }) {
  return {
    roleOptions: choices.roles.map((r) => ({ value: r, label: req.t(`admin:roles.${r}`), checked: selected.roles?.includes(r) ?? false })),
    teamOptions: choices.teams.map((t) => ({ value: t.code, name: t.name, retired: t.retired, selected: t.code === selected.team })),
    localeOptions: LOCALES.map((l) => ({ value: l, selected: l === selected.locale })),
    // At an NGO the partner role is not offered: it belongs to partner organisations' staff.
    partnerHint: !choices.roles.includes('partner'),
  };
}

function editLocals(req: Request, user: UserRow, choices: UserFormOptions) {
  return { title: user.name, user, values: user, self: user.id === req.user!.id, ...options(req, choices, user) };
}

export const adminUserRoutes = Router();

adminUserRoutes.get('/admin/users', permit('admin.users'), async (req, res) => {
  res.locals.page.section = 'admin';
  const q = parse(listQuery, req.query);
  const users = await listUsers(req.caller!);
  const about = users.find((u) => u.id === q.user);
  // A notice names the user it was about; without one (a link kept from long ago), it only says it is done.
  const notice = q.done ? (about ? { key: NOTICES[q.done], name: about.name, email: about.email } : { key: 'admin:done' }) : undefined;
  res.render('admin/users/list', { title: req.t('admin:users.title'), users, notice });
});

adminUserRoutes.get('/admin/users/new', permit('admin.users'), async (req, res) => {
  const { options: choices } = await userForm(req.caller!);
  res.render('admin/users/form', { title: req.t('admin:users.invite'), isNew: true, values: { locale: req.user!.locale }, ...options(req, choices, { locale: req.user!.locale }) });
});

adminUserRoutes.post('/admin/users', permit('admin.users'), async (req, res) => {
  const body = (req.body ?? {}) as Record<string, unknown>;
  try {
    const input = parse(inviteForm, body);
    const invited = await inviteUser(req.caller!, input, translatorFor(req));
    res.redirect(303, `/admin/users?done=invited&user=${invited.id}`);
  } catch (err) {
    // What was typed, shown again; anything that is not a plain string (an operator object, a list) is dropped.
    const typed = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');
    const picked = (v: unknown) => (Array.isArray(v) ? v : [v]).filter((r): r is string => typeof r === 'string');
    const values = { email: typed(body.email, 254), name: typed(body.name, 200), team: typed(body.team, 60), locale: typed(body.locale, 20) };
    const { options: choices } = await userForm(req.caller!);
    renderInvalid(err, req, res, 'admin/users/form', { title: req.t('admin:users.invite'), isNew: true, values, ...options(req, choices, { ...values, roles: picked(body.roles) }) });
  }
});

adminUserRoutes.get('/admin/users/:id', permit('admin.users'), async (req, res) => {
  const { user, options: choices } = await userForm(req.caller!, String(req.params.id));
  res.render('admin/users/form', editLocals(req, user!, choices));
});

adminUserRoutes.post('/admin/users/:id', permit('admin.users'), async (req, res) => {
  // The record's scope is checked before the input, so another organisation's user is 404 whatever was sent.
  const user = await getUser(req.caller!, String(req.params.id));
  try {
    const saved = await updateUser(req.caller!, user.id, parse(updateForm, req.body));
    res.redirect(303, `/admin/users?done=${saved.rolesChanged ? 'roles' : 'saved'}&user=${user.id}`);
  } catch (err) {
    const again = await userForm(req.caller!, user.id);
    renderInvalid(err, req, res, 'admin/users/form', editLocals(req, again.user!, again.options));
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
    const user = await getUser(req.caller!, String(req.params.id));
    parse(actionForm, req.body);
    await act(req);
    res.redirect(303, `/admin/users?done=${name}&user=${user.id}`);
  });
}
