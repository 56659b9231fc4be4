/** The route table: one line per feature, read as a sitemap. Every router is mounted at the root. */
import { Router, type RequestHandler } from 'express';
import { accountRoutes } from './account/index.js';
import { adminOrganisationRoutes } from './admin/organisations.js';
import { adminUserRoutes } from './admin/users.js';
import { auditRoutes } from './audit/index.js';
import { authRoutes } from './auth/index.js';
import { homeRoutes } from './home/index.js';

export function pageRoutes(options: { limit: RequestHandler }): Router {
  const router = Router();
  router.use(homeRoutes);
  router.use(authRoutes(options.limit));
  router.use(accountRoutes);
  router.use(adminUserRoutes);
  router.use(adminOrganisationRoutes);
  router.use(auditRoutes);
  return router;
}

export { healthRoutes } from './health/index.js';
