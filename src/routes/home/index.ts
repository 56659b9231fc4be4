import { Router } from 'express';

export const homeRoutes = Router();

homeRoutes.get('/', (req, res) => {
  res.locals.page.section = 'home';
  res.render('home/index', { title: req.t('common:home.title') });
});
