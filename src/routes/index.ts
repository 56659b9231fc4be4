/** The route table: one line per feature, read as a sitemap. Every router is mounted at the root. */
import { Router, type RequestHandler } from 'express';
import { accountRoutes } from './account/index.js';
import './admin/labels.js';
import { adminOrganisationRoutes } from './admin/organisations.js';
import { adminTeamRoutes } from './admin/teams.js';
import { adminUserRoutes } from './admin/users.js';
import { auditRoutes } from './audit/index.js';
import { authRoutes } from './auth/index.js';
import { caseAttachmentRoutes } from './cases/attachments.js';
import { caseClosureRoutes } from './cases/closure.js';
import { caseEditRoutes } from './cases/edit.js';
import { caseFamilyRoutes } from './cases/family.js';
import { caseRoutes } from './cases/index.js';
import { carePlanRoutes } from './care/plans.js';
import { reviewRoutes } from './care/reviews.js';
import { caseNoteRoutes } from './cases/notes.js';
import { assessmentRoutes } from './care/assessments.js';
import { homeRoutes } from './home/index.js';
import { legalRoutes } from './legal/index.js';
import { notificationRoutes } from './notifications/index.js';
import { partnerRoutes } from './partner/index.js';
import { referralRoutes } from './referrals/index.js';
import { referralMessageRoutes } from './referrals/messages.js';
import { referralPdfRoutes } from './referrals/pdf.js';
import { reportRoutes } from './reports/index.js';

export function pageRoutes(options: { limit: RequestHandler }): Router {
  const router = Router();
  router.use(homeRoutes);
  router.use(authRoutes(options.limit));
  router.use(accountRoutes);
  router.use(adminUserRoutes);
  router.use(adminOrganisationRoutes);
  router.use(adminTeamRoutes);
  router.use(auditRoutes);
  router.use(caseRoutes);
  router.use(caseEditRoutes);
  router.use(caseFamilyRoutes);
  router.use(caseNoteRoutes);
  router.use(caseAttachmentRoutes);
  router.use(carePlanRoutes);
  router.use(reviewRoutes);
  router.use(caseClosureRoutes);
  router.use(assessmentRoutes);
  router.use(legalRoutes);
  router.use(referralRoutes);
  router.use(referralMessageRoutes);
  router.use(referralPdfRoutes);
  router.use(partnerRoutes);
  router.use(notificationRoutes);
  router.use(reportRoutes);
  return router;
}

export { healthRoutes } from './health/index.js';
