import { Router } from 'express';

export const authRoutes = Router();

// The sign-in form. Signing in itself (POST /login, MFA, sessions) arrives with the access issue.
authRoutes.get('/login', (req, res) => {
  res.locals.page.section = 'login';
  res.render('auth/login', { title: req.t('auth:login.title') });
});
