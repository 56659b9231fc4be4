import { Router } from 'express';
import { z } from 'zod';
import { NotFound } from '../../domain/errors.js';
import { permit } from '../../middleware/permit.js';
import { startPage, workList, type CaseRole } from '../../services/home/start-page.js';
import { WORK_SLUGS } from '../../services/home/work-sources.js';
import type { WorkKind } from '../../services/home/work-items.js';

export const homeRoutes = Router();

/**
 * Everyone's front door. Signed in all the way (second factor done, no password change pending, so
 * nothing here gets round the gates the other pages keep), it is the start page of the user's roles:
 * "My work" for caseworkers and supervisors.
 */
homeRoutes.get('/', permit('public'), async (req, res) => {
  res.locals.page.section = 'home';
  if (!req.caller || !req.mfaDone || req.user?.mustChangePassword) {
    res.render('home/index', { title: req.t('common:home.title') });
    return;
  }
  res.render('home/index', { title: req.t('home:title'), start: await startPage(req.caller) });
});

const KIND_OF_SLUG = new Map(Object.entries(WORK_SLUGS).map(([kind, slug]) => [slug, kind as WorkKind]));

/** `/work?kind=tasks&as=supervisor`: a kind by its address, and the case role to see it as. */
const workQuery = z.strictObject({
  kind: z.string().max(40).optional().default('tasks'),
  as: z.enum(['caseworker', 'supervisor']).optional(),
  lng: z.string().max(20).optional(),
});

/**
 * All of one kind of "My work" (the start page shows the first rows). A kind or role that is not one
 * of the caller's is not found, like a malformed id (SECURITY.md I1).
 */
homeRoutes.get('/work', permit('case.read'), async (req, res) => {
  res.locals.page.section = 'home';
  const query = workQuery.safeParse(req.query);
  const kind = query.success ? KIND_OF_SLUG.get(query.data.kind) : undefined;
  const role: CaseRole | undefined = query.success ? (query.data.as ?? (['caseworker', 'supervisor'] as const).find((r) => req.caller!.roles.includes(r))) : undefined;
  if (!kind || !role) throw new NotFound();
  const list = await workList(req.caller!, kind, role);
  res.render('home/work', { title: req.t(`home:work.kinds.${kind}.${role}`), list });
});
