import { Router } from 'express';
import { permit } from '../../middleware/permit.js';

export const homeRoutes = Router();

homeRoutes.get('/', permit('public'), (req, res) => {
  res.locals.page.section = 'home';
  res.render('home/index', { title: req.t('common:home.title') });
});
