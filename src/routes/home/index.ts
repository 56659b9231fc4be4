import { Router } from 'express';
import { permit } from '../../middleware/permit.js';
import { startPage } from '../../services/home/start-page.js';

export const homeRoutes = Router();

/**
 * Everyone's front door. Signed in all the way (second factor done, no password change pending, so
 * nothing here gets round the gates the other pages keep), it is the start page of the user's roles.
 */
homeRoutes.get('/', permit('public'), async (req, res) => {
  res.locals.page.section = 'home';
  if (!req.caller || !req.mfaDone || req.user?.mustChangePassword) {
    res.render('home/index', { title: req.t('common:home.title') });
    return;
  }
  res.render('home/index', { title: req.t('home:title'), start: await startPage(req.caller) });
});
