/**
 * Each user's notifications of referral events: the list (newest first, paged), and marking one read
 * (which then opens its referral) or all of them. Only one's own: another user's answers 404.
 * Any signed-in user has notifications (partner staff above all), but only once the second factor is done.
 */
import { Router } from 'express';
import { z } from 'zod';
import { permit } from '../../middleware/permit.js';
import { listNotifications, markAllRead, markRead } from '../../services/notifications/list.js';
import { form, parse } from '../forms.js';

const listQuery = z.strictObject({
  page: z.coerce.number().int().min(1).max(1000).optional().default(1),
  lng: z.string().max(20).optional(),
});
const emptyForm = form({});

export const notificationRoutes = Router();

// 'signed-in' lets a user through before the second factor; their notifications wait for it.
notificationRoutes.use('/notifications', (req, res, next) => {
  if (req.user && !req.mfaDone) return res.redirect(303, req.user.mfaEnrolled ? '/mfa' : '/mfa/setup');
  res.locals.page.section = 'notifications';
  next();
});

notificationRoutes.get('/notifications', permit('signed-in'), async (req, res) => {
  const q = parse(listQuery, req.query);
  const { rows, more } = await listNotifications(req.caller!, q.page);
  res.render('notifications/index', {
    title: req.t('notifications:title'),
    rows,
    anyUnread: rows.some((r) => r.unread),
    pager: q.page > 1 || more ? { previous: q.page > 1 ? `/notifications?page=${q.page - 1}` : undefined, next: more ? `/notifications?page=${q.page + 1}` : undefined } : undefined,
  });
});

notificationRoutes.post('/notifications/read-all', permit('signed-in'), async (req, res) => {
  parse(emptyForm, req.body);
  await markAllRead(req.caller!);
  res.redirect(303, '/notifications');
});

notificationRoutes.post('/notifications/:id/read', permit('signed-in'), async (req, res) => {
  parse(emptyForm, req.body);
  res.redirect(303, await markRead(req.caller!, String(req.params.id)));
});
