import { Router, type Request } from 'express';
import { z } from 'zod';
import { permit } from '../../middleware/permit.js';
import { addTeam, getTeam, listTeams, renameTeam, setTeamRetired } from '../../services/admin/teams.js';
import { TEAM_NAME_MAX } from '../../domain/teams.js';
import { form, parse, renderInvalid, text } from '../forms.js';

/** The organisation's teams (services/admin/teams.ts): add, rename, retire, restore. */
const nameForm = form({ name: text(TEAM_NAME_MAX) });
const actionForm = form({});

const NOTICES = { added: 'admin:notices.teamAdded', renamed: 'admin:notices.teamRenamed', retired: 'admin:notices.teamRetired', restored: 'admin:notices.teamRestored' } as const;
const listQuery = z.strictObject({
  done: z.enum(['added', 'renamed', 'retired', 'restored']).optional(),
  team: z.string().regex(/^[0-9a-f]{24}$/i).optional(),
  lng: z.string().max(20).optional(),
});

function typedName(req: Request): string {
  const v = ((req.body ?? {}) as Record<string, unknown>).name;
  return typeof v === 'string' ? v.slice(0, TEAM_NAME_MAX * 2) : '';
}

export const adminTeamRoutes = Router();

adminTeamRoutes.get('/admin/teams', permit('admin.organisations'), async (req, res) => {
  res.locals.page.section = 'admin';
  const q = parse(listQuery, req.query);
  const teams = await listTeams(req.caller!);
  const about = teams.find((t) => t.id === q.team);
  const notice = q.done ? (about ? { key: NOTICES[q.done], name: about.name } : { key: 'admin:done' }) : undefined;
  res.render('admin/teams/index', { title: req.t('admin:teams.title'), teams, notice, values: { name: '' } });
});

adminTeamRoutes.post('/admin/teams', permit('admin.organisations'), async (req, res) => {
  try {
    const added = await addTeam(req.caller!, parse(nameForm, req.body).name);
    res.redirect(303, `/admin/teams?done=added&team=${added.id}`);
  } catch (err) {
    const teams = await listTeams(req.caller!);
    renderInvalid(err, req, res, 'admin/teams/index', { title: req.t('admin:teams.title'), teams, values: { name: typedName(req) } });
  }
});

adminTeamRoutes.get('/admin/teams/:id', permit('admin.organisations'), async (req, res) => {
  const team = await getTeam(req.caller!, String(req.params.id));
  res.render('admin/teams/rename', { title: req.t('admin:teams.renameTitle', { name: team.name }), team, values: { name: team.name } });
});

adminTeamRoutes.post('/admin/teams/:id', permit('admin.organisations'), async (req, res) => {
  // Scope before input: another organisation's team is 404 whatever was sent.
  const team = await getTeam(req.caller!, String(req.params.id));
  try {
    await renameTeam(req.caller!, team.id, parse(nameForm, req.body).name);
    res.redirect(303, `/admin/teams?done=renamed&team=${team.id}`);
  } catch (err) {
    renderInvalid(err, req, res, 'admin/teams/rename', { title: req.t('admin:teams.renameTitle', { name: team.name }), team, values: { name: typedName(req) } });
  }
});

for (const [name, retired] of [['retire', true], ['restore', false]] as const) {
  adminTeamRoutes.post(`/admin/teams/:id/${name}`, permit('admin.organisations'), async (req, res) => {
    const team = await getTeam(req.caller!, String(req.params.id));
    parse(actionForm, req.body);
    await setTeamRetired(req.caller!, team.id, retired);
    res.redirect(303, `/admin/teams?done=${retired ? 'retired' : 'restored'}&team=${team.id}`);
  });
}
