/** The route table: one line per feature, read as a sitemap. */
import { Router } from 'express';
import { authRoutes } from './auth/index.js';
import { homeRoutes } from './home/index.js';

export function pageRoutes(): Router {
  const router = Router();
  router.use(homeRoutes);
  router.use(authRoutes);
  return router;
}

export { healthRoutes } from './health/index.js';
