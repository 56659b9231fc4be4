/**
 * The authorization matrix (SECURITY.md C1, C2, C6). The route inventory is read from the Express app
 * itself; every route must declare a permission and have a row here. Each row gives the expected
 * status for an anonymous visitor and for every role, and for routes on a record, for a record of the
 * caller's own organisation and of another organisation (404 with an `access_denied` entry).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT } from '../../src/lib/paths.js';
import type { Express } from 'express';
import { Types } from 'mongoose';
import request from 'supertest';
import { ROLES, can, type Action, type Role, type RoutePermission } from '../../src/domain/permissions.js';
import { AuditEntryModel } from '../../src/models/audit-entry.js';
import { addConsent, addFamilyMember } from '../../src/services/cases/family.js';
import { addTask } from '../../src/services/cases/notes.js';
import { uploadAttachment } from '../../src/services/cases/attachments.js';
import { recordAssessment } from '../../src/services/care/assessments.js';
import { addHearing } from '../../src/services/legal/hearings.js';
import { createLegalCase } from '../../src/services/legal/legal-cases.js';
import { CaseModel } from '../../src/models/case.js';
import { CaseTaskModel } from '../../src/models/case-task.js';
import { FollowUpModel } from '../../src/models/follow-up.js';
import { AttachmentModel } from '../../src/models/attachment.js';
import { OrganisationModel } from '../../src/models/organisation.js';
import { testApp } from '../helpers/app.js';
import { buildCase, callerOf } from '../helpers/cases.js';
import { buildReferral } from '../helpers/referrals.js';
import type { ReferralStatus } from '../../src/domain/referrals.js';
import { closeThroughApproval, makeActive } from '../helpers/closures.js';
import { approvedPlan, draftPlan, returnedPlan, returnedReview, submittedPlan, submittedReview } from './care/plan-fixtures.js';
import { useDatabase } from '../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../helpers/factories.js';
import { csrfFrom, signIn, tokenOf, type Agent } from '../helpers/session.js';
import { NotificationModel } from '../../src/models/notification.js';

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: { permission?: RoutePermission } }[] };
  handle: { stack?: Layer[] };
}

/** Every route of the app: method, path and the permission its handlers declare. */
export function inventory(app: Express): { key: string; permission: RoutePermission | undefined }[] {
  const out: { key: string; permission: RoutePermission | undefined }[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const permission = layer.route.stack.map((l) => l.handle.permission).find(Boolean);
        for (const method of Object.keys(layer.route.methods)) out.push({ key: `${method.toUpperCase()} ${layer.route.path}`, permission });
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}

type Subject = 'anonymous' | Role;
/** What a route answers: one status for everyone allowed, or per relationship for routes on a record. */
interface Row {
  permission: RoutePermission;
  /** Status for callers the permission admits (own organisation's record, for record routes). */
  allowed: number;
  /** Status for a record of another organisation, for callers the permission admits. */
  other?: number;
  /** Status for anonymous visitors; default: redirect to sign-in (303) for protected routes. */
  anonymous?: number;
  /** A form body that is valid enough to reach the check (the CSRF token is added). */
  body?: Record<string, string> | ((subject: Subject) => Record<string, string>);
  /**
   * The record the route acts on: a new user, organisation or case for each request. Case routes are
   * also tried on a case of the caller's organisation that is neither assigned to them nor in their
   * team (`unassigned`), which answers 404 like another organisation's.
   */
  target?: 'user' | 'invited-user' | 'organisation' | 'team' | CaseTarget | ReferralTarget | 'notification';
}

/**
 * A referral. `referral` (a draft) and `referral-sent` are the sending side's: `:id` is the referral of
 * a case tried as case routes are (own, unassigned, other). `partner-referral-<state>` is the receiving
 * side's: a referral in that state addressed to the caller's organisation (own) or to another (other);
 * the final states answer 404 even when addressed to the caller (C3).
 */
type ReferralTarget = SenderReferralTarget | PartnerReferralTarget;
type SenderReferralTarget = 'referral' | 'referral-sent';
type PartnerReferralTarget = 'partner-referral' | 'partner-referral-accepted' | 'partner-referral-revoked' | 'partner-referral-declined' | 'partner-referral-completed';
const isReferralTarget = (t: Row['target']): t is SenderReferralTarget => typeof t === 'string' && (t === 'referral' || t === 'referral-sent');
const isPartnerTarget = (t: Row['target']): t is PartnerReferralTarget => typeof t === 'string' && t.startsWith('partner-referral');

/** A case, or a case and one of its parts (`:memberId`, `:consentId`, `:taskId`, `:attachmentId`). */
type CaseTarget = 'case' | 'case-member' | 'case-consent' | 'case-task' | 'case-attachment' | 'case-legal' | 'case-hearing' | 'case-assessment' | 'case-follow-up' | CarePlanTarget;
/** A care plan of the case (`:planId`, with `:goalId` and `:interventionId`) in a state, or a review of its plan in force (`:reviewId`). */
type CarePlanTarget = 'case-plan' | 'case-plan-submitted' | 'case-plan-returned' | 'case-plan-approved' | 'case-review' | 'case-review-returned';
const isCaseTarget = (t: Row['target']): t is CaseTarget => typeof t === 'string' && t.startsWith('case');

const MATRIX: Record<string, Row> = {
  'GET /healthz': { permission: 'public', allowed: 200, anonymous: 200 },
  'GET /readyz': { permission: 'public', allowed: 200, anonymous: 200 },
  'GET /': { permission: 'public', allowed: 200, anonymous: 200 },
  // My work: one kind of work in full (tasks by default), for the caller's own case role.
  'GET /work': { permission: 'case.read', allowed: 200 },
  'GET /login': { permission: 'public', allowed: 303, anonymous: 200 },
  // A different unknown address per subject, so the per-account lockout does not join in.
  'POST /login': { permission: 'public', allowed: 401, anonymous: 401, body: (s) => ({ email: `nobody.${s}@test.haven.example`, password: 'not the password at all' }) },
  'POST /logout': { permission: 'signed-in', allowed: 303 },
  'GET /mfa': { permission: 'signed-in', allowed: 303 },
  'POST /mfa': { permission: 'signed-in', allowed: 303, body: { code: '000000' } },
  'GET /mfa/setup': { permission: 'signed-in', allowed: 303 },
  'POST /mfa/setup': { permission: 'signed-in', allowed: 303, body: { code: '000000' } },
  'GET /reset': { permission: 'public', allowed: 200, anonymous: 200 },
  'POST /reset': { permission: 'public', allowed: 200, anonymous: 200, body: { email: 'nobody@test.haven.example' } },
  'GET /reset/password': { permission: 'public', allowed: 404, anonymous: 404 },
  'POST /reset/password': { permission: 'public', allowed: 404, anonymous: 404, body: { token: 'x'.repeat(43), password: 'a long enough password 1', confirm: 'a long enough password 1' } },
  'GET /invite': { permission: 'public', allowed: 404, anonymous: 404 },
  'POST /invite': { permission: 'public', allowed: 404, anonymous: 404, body: { token: 'x'.repeat(43), password: 'a long enough password 1', confirm: 'a long enough password 1' } },
  'GET /account': { permission: 'account', allowed: 200 },
  'POST /account/preferences': { permission: 'account', allowed: 303, body: { locale: 'en', calendar: 'default' } },
  'POST /account/language': { permission: 'signed-in', allowed: 303, body: { locale: 'en' } },
  'GET /account/password': { permission: 'account', allowed: 200 },
  'POST /account/password': { permission: 'account', allowed: 422, body: {} },
  'POST /account/recovery-codes': { permission: 'account', allowed: 200 },
  'GET /admin/users': { permission: 'admin.users', allowed: 200 },
  'GET /admin/users/new': { permission: 'admin.users', allowed: 200 },
  'POST /admin/users': { permission: 'admin.users', allowed: 422, body: {} },
  'GET /admin/users/:id': { permission: 'admin.users', allowed: 200, other: 404, target: 'user' },
  'POST /admin/users/:id': { permission: 'admin.users', allowed: 422, other: 404, target: 'user', body: {} },
  'POST /admin/users/:id/disable': { permission: 'admin.users', allowed: 303, other: 404, target: 'user' },
  'POST /admin/users/:id/enable': { permission: 'admin.users', allowed: 303, other: 404, target: 'user' },
  'POST /admin/users/:id/revoke-sessions': { permission: 'admin.users', allowed: 303, other: 404, target: 'user' },
  'POST /admin/users/:id/reset-mfa': { permission: 'admin.users', allowed: 303, other: 404, target: 'user' },
  'POST /admin/users/:id/resend-invitation': { permission: 'admin.users', allowed: 303, other: 404, target: 'invited-user' },
  'GET /admin/organisations': { permission: 'admin.organisations', allowed: 200 },
  'GET /admin/organisations/new': { permission: 'admin.organisations', allowed: 200 },
  'POST /admin/organisations': { permission: 'admin.organisations', allowed: 422, body: {} },
  'GET /admin/organisations/:id': { permission: 'admin.organisations', allowed: 200, other: 404, target: 'organisation' },
  'POST /admin/organisations/:id': { permission: 'admin.organisations', allowed: 422, other: 404, target: 'organisation', body: {} },
  'GET /admin/teams': { permission: 'admin.organisations', allowed: 200 },
  'POST /admin/teams': { permission: 'admin.organisations', allowed: 422, body: {} },
  'GET /admin/teams/:id': { permission: 'admin.organisations', allowed: 200, other: 404, target: 'team' },
  'POST /admin/teams/:id': { permission: 'admin.organisations', allowed: 422, other: 404, target: 'team', body: {} },
  'POST /admin/teams/:id/retire': { permission: 'admin.organisations', allowed: 303, other: 404, target: 'team' },
  'POST /admin/teams/:id/restore': { permission: 'admin.organisations', allowed: 303, other: 404, target: 'team' },
  'GET /audit': { permission: 'audit.read', allowed: 200 },
  'GET /audit/report': { permission: 'audit.read', allowed: 200 },
  'GET /cases': { permission: 'case.list', allowed: 200 },
  'GET /cases/new': { permission: 'case.create', allowed: 200 },
  'POST /cases': { permission: 'case.create', allowed: 422, body: {} },
  'GET /cases/:id': { permission: 'case.read', allowed: 200, other: 404, target: 'case' },
  'GET /cases/:id/edit': { permission: 'case.update', allowed: 200, other: 404, target: 'case' },
  'POST /cases/:id': { permission: 'case.update', allowed: 422, other: 404, target: 'case', body: {} },
  'GET /cases/:id/assign': { permission: 'case.assign', allowed: 200, other: 404, target: 'case' },
  'POST /cases/:id/assign': { permission: 'case.assign', allowed: 422, other: 404, target: 'case', body: {} },
  // Closure: a proposal (caseworker or supervisor), a decision or a reopening (another supervisor of the team).
  'GET /cases/:id/closure': { permission: 'case.read', allowed: 200, other: 404, target: 'case' },
  'POST /cases/:id/closure': { permission: 'case.update', allowed: 422, other: 404, target: 'case', body: {} },
  'POST /cases/:id/closure/approve': { permission: 'case.close', allowed: 422, other: 404, target: 'case', body: {} },
  'POST /cases/:id/closure/return': { permission: 'case.close', allowed: 422, other: 404, target: 'case', body: {} },
  'POST /cases/:id/closure/reopen': { permission: 'case.close', allowed: 422, other: 404, target: 'case', body: {} },
  // `case-follow-up` is a closed case with a follow-up visit scheduled by its reintegration (`:followUpId`).
  'GET /cases/:id/follow-ups/:followUpId': { permission: 'case.read', allowed: 200, other: 404, target: 'case-follow-up' },
  'POST /cases/:id/follow-ups/:followUpId': { permission: 'case.update', allowed: 422, other: 404, target: 'case-follow-up', body: {} },
  'GET /cases/:id/history': { permission: 'case.history', allowed: 200, other: 404, target: 'case' },
  'GET /cases/:id/family/new': { permission: 'case.update', allowed: 200, other: 404, target: 'case' },
  'POST /cases/:id/family': { permission: 'case.update', allowed: 422, other: 404, target: 'case', body: {} },
  'GET /cases/:id/family/:memberId': { permission: 'case.update', allowed: 200, other: 404, target: 'case-member' },
  'POST /cases/:id/family/:memberId': { permission: 'case.update', allowed: 422, other: 404, target: 'case-member', body: {} },
  'GET /cases/:id/consents/new': { permission: 'case.update', allowed: 200, other: 404, target: 'case' },
  'POST /cases/:id/consents': { permission: 'case.update', allowed: 422, other: 404, target: 'case', body: {} },
  'GET /cases/:id/consents/:consentId/withdraw': { permission: 'case.update', allowed: 200, other: 404, target: 'case-consent' },
  'POST /cases/:id/consents/:consentId/withdraw': { permission: 'case.update', allowed: 303, other: 404, target: 'case-consent', body: { date: '2026-01-06', reason: 'Fictional reason' } },
  'GET /cases/:id/notes/new': { permission: 'case.update', allowed: 200, other: 404, target: 'case' },
  'POST /cases/:id/notes': { permission: 'case.update', allowed: 422, other: 404, target: 'case', body: {} },
  'POST /cases/:id/tasks': { permission: 'case.update', allowed: 422, other: 404, target: 'case', body: {} },
  'GET /cases/:id/tasks/:taskId/done': { permission: 'case.update', allowed: 200, other: 404, target: 'case-task' },
  'POST /cases/:id/tasks/:taskId/done': { permission: 'case.update', allowed: 303, other: 404, target: 'case-task' },
  // The task of the row is open, so there is nothing to undo: 422 (reopening a done task is in forms.test.ts).
  'POST /cases/:id/tasks/:taskId/reopen': { permission: 'case.update', allowed: 422, other: 404, target: 'case-task' },
  'GET /cases/:id/tasks/:taskId/assign': { permission: 'case.update', allowed: 200, other: 404, target: 'case-task' },
  // No one chosen: 422 (a choice is in tasks.test.ts).
  'POST /cases/:id/tasks/:taskId/assign': { permission: 'case.update', allowed: 422, other: 404, target: 'case-task' },
  'POST /cases/:id/attachments': { permission: 'case.update', allowed: 422, other: 404, target: 'case', body: { kind: 'photo' } },
  'GET /cases/:id/attachments/:attachmentId': { permission: 'case.read', allowed: 200, other: 404, target: 'case-attachment' },
  // Assessments: `case-assessment` is an assessment of the case (`:assessmentId`).
  'GET /cases/:id/assessments/new': { permission: 'case.update', allowed: 200, other: 404, target: 'case' },
  'POST /cases/:id/assessments': { permission: 'case.update', allowed: 422, other: 404, target: 'case', body: {} },
  'GET /cases/:id/assessments/:assessmentId': { permission: 'case.read', allowed: 200, other: 404, target: 'case-assessment' },
  // Care plans: `case-plan` is a draft with a goal and an intervention; the other targets are versions in that state.
  'GET /cases/:id/care-plans/new': { permission: 'case.update', allowed: 200, other: 404, target: 'case' },
  'POST /cases/:id/care-plans': { permission: 'case.update', allowed: 303, other: 404, target: 'case' },
  'POST /cases/:id/care-plans/from-assessment': { permission: 'case.update', allowed: 422, other: 404, target: 'case', body: {} },
  'GET /cases/:id/care-plans/:planId': { permission: 'case.read', allowed: 200, other: 404, target: 'case-plan' },
  'POST /cases/:id/care-plans/:planId/submit': { permission: 'case.update', allowed: 303, other: 404, target: 'case-plan' },
  'POST /cases/:id/care-plans/:planId/approve': { permission: 'careplan.approve', allowed: 303, other: 404, target: 'case-plan-submitted' },
  'POST /cases/:id/care-plans/:planId/return': { permission: 'careplan.approve', allowed: 422, other: 404, target: 'case-plan-submitted', body: {} },
  'POST /cases/:id/care-plans/:planId/revise': { permission: 'case.update', allowed: 303, other: 404, target: 'case-plan-returned' },
  'GET /cases/:id/care-plans/:planId/goals/new': { permission: 'case.update', allowed: 200, other: 404, target: 'case-plan' },
  'POST /cases/:id/care-plans/:planId/goals': { permission: 'case.update', allowed: 422, other: 404, target: 'case-plan', body: {} },
  'GET /cases/:id/care-plans/:planId/goals/:goalId': { permission: 'case.update', allowed: 200, other: 404, target: 'case-plan' },
  'POST /cases/:id/care-plans/:planId/goals/:goalId': { permission: 'case.update', allowed: 422, other: 404, target: 'case-plan', body: {} },
  'POST /cases/:id/care-plans/:planId/goals/:goalId/remove': { permission: 'case.update', allowed: 303, other: 404, target: 'case-plan' },
  'GET /cases/:id/care-plans/:planId/goals/:goalId/progress': { permission: 'case.update', allowed: 200, other: 404, target: 'case-plan-approved' },
  'POST /cases/:id/care-plans/:planId/goals/:goalId/progress': { permission: 'case.update', allowed: 422, other: 404, target: 'case-plan-approved', body: {} },
  'GET /cases/:id/care-plans/:planId/goals/:goalId/interventions/new': { permission: 'case.update', allowed: 200, other: 404, target: 'case-plan' },
  'POST /cases/:id/care-plans/:planId/goals/:goalId/interventions': { permission: 'case.update', allowed: 422, other: 404, target: 'case-plan', body: {} },
  'GET /cases/:id/care-plans/:planId/goals/:goalId/interventions/:interventionId': { permission: 'case.update', allowed: 200, other: 404, target: 'case-plan' },
  'POST /cases/:id/care-plans/:planId/goals/:goalId/interventions/:interventionId': { permission: 'case.update', allowed: 422, other: 404, target: 'case-plan', body: {} },
  'POST /cases/:id/care-plans/:planId/goals/:goalId/interventions/:interventionId/remove': { permission: 'case.update', allowed: 303, other: 404, target: 'case-plan' },
  'POST /cases/:id/care-plans/:planId/goals/:goalId/interventions/:interventionId/status': { permission: 'case.update', allowed: 422, other: 404, target: 'case-plan-approved', body: {} },
  // Reviews of the plan in force: `case-review` waits for sign-off, `case-review-returned` for the caseworker.
  'GET /cases/:id/reviews/new': { permission: 'case.update', allowed: 200, other: 404, target: 'case-plan-approved' },
  'POST /cases/:id/reviews': { permission: 'case.update', allowed: 422, other: 404, target: 'case-plan-approved', body: {} },
  'GET /cases/:id/reviews/:reviewId': { permission: 'case.read', allowed: 200, other: 404, target: 'case-review' },
  'GET /cases/:id/reviews/:reviewId/edit': { permission: 'case.update', allowed: 200, other: 404, target: 'case-review-returned' },
  'POST /cases/:id/reviews/:reviewId': { permission: 'case.update', allowed: 422, other: 404, target: 'case-review-returned', body: {} },
  'POST /cases/:id/reviews/:reviewId/approve': { permission: 'careplan.approve', allowed: 303, other: 404, target: 'case-review' },
  'POST /cases/:id/reviews/:reviewId/return': { permission: 'careplan.approve', allowed: 422, other: 404, target: 'case-review', body: {} },
  // Legal cases: `case-legal` is a legal case of the case (`:legalId`), `case-hearing` also one of its hearings.
  'GET /cases/:id/legal/new': { permission: 'case.update', allowed: 200, other: 404, target: 'case' },
  'POST /cases/:id/legal': { permission: 'case.update', allowed: 422, other: 404, target: 'case', body: {} },
  'GET /cases/:id/legal/:legalId': { permission: 'case.read', allowed: 200, other: 404, target: 'case-legal' },
  'GET /cases/:id/legal/:legalId/edit': { permission: 'case.update', allowed: 200, other: 404, target: 'case-legal' },
  'POST /cases/:id/legal/:legalId': { permission: 'case.update', allowed: 422, other: 404, target: 'case-legal', body: {} },
  'GET /cases/:id/legal/:legalId/status': { permission: 'case.update', allowed: 200, other: 404, target: 'case-legal' },
  'POST /cases/:id/legal/:legalId/status': { permission: 'case.update', allowed: 422, other: 404, target: 'case-legal', body: {} },
  'GET /cases/:id/legal/:legalId/hearings/new': { permission: 'case.update', allowed: 200, other: 404, target: 'case-legal' },
  'POST /cases/:id/legal/:legalId/hearings': { permission: 'case.update', allowed: 422, other: 404, target: 'case-legal', body: {} },
  'GET /cases/:id/legal/:legalId/hearings/:hearingId/outcome': { permission: 'case.update', allowed: 200, other: 404, target: 'case-hearing' },
  'POST /cases/:id/legal/:legalId/hearings/:hearingId/outcome': { permission: 'case.update', allowed: 422, other: 404, target: 'case-hearing', body: {} },
  'GET /cases/:id/legal/:legalId/support/new': { permission: 'case.update', allowed: 200, other: 404, target: 'case-legal' },
  'POST /cases/:id/legal/:legalId/support': { permission: 'case.update', allowed: 422, other: 404, target: 'case-legal', body: {} },
  // Referrals, the sending side.
  'GET /cases/:id/referrals/new': { permission: 'referral.send', allowed: 200, other: 404, target: 'case' },
  'POST /cases/:id/referrals': { permission: 'referral.send', allowed: 422, other: 404, target: 'case', body: {} },
  'GET /referrals/:id': { permission: 'case.read', allowed: 200, other: 404, target: 'referral-sent' },
  'GET /referrals/:id/edit': { permission: 'referral.send', allowed: 200, other: 404, target: 'referral' },
  'POST /referrals/:id': { permission: 'referral.send', allowed: 422, other: 404, target: 'referral', body: {} },
  'GET /referrals/:id/preview': { permission: 'referral.send', allowed: 200, other: 404, target: 'referral' },
  // No consent is recorded for the target's partner: sending is refused at the consent gate.
  'POST /referrals/:id/send': { permission: 'referral.send', allowed: 422, other: 404, target: 'referral', body: {} },
  'POST /referrals/:id/snapshot': { permission: 'referral.send', allowed: 422, other: 404, target: 'referral-sent', body: {} },
  'POST /referrals/:id/revoke': { permission: 'referral.send', allowed: 422, other: 404, target: 'referral-sent', body: {} },
  'POST /referrals/:id/delivery': { permission: 'referral.send', allowed: 422, other: 404, target: 'referral-sent', body: {} },
  'POST /referrals/:id/answer': { permission: 'referral.send', allowed: 422, other: 404, target: 'referral-sent', body: {} },
  // Referrals: messages and translations, from both sides.
  'POST /referrals/:id/messages': { permission: 'referral.send', allowed: 422, other: 404, target: 'referral-sent', body: {} },
  'POST /referrals/:id/translations': { permission: 'referral.send', allowed: 422, other: 404, target: 'referral-sent', body: {} },
  // Referrals: the PDF form, from both sides.
  'GET /referrals/:id/form.pdf': { permission: 'referral.send', allowed: 200, other: 404, target: 'referral-sent' },
  'GET /partner/referrals/:id/form.pdf': { permission: 'referral.respond', allowed: 200, other: 404, target: 'partner-referral' },
  // The partner portal.
  'GET /partner/referrals': { permission: 'referral.respond', allowed: 200 },
  'GET /partner/referrals/:id': { permission: 'referral.respond', allowed: 200, other: 404, target: 'partner-referral' },
  'POST /partner/referrals/:id/move': { permission: 'referral.respond', allowed: 422, other: 404, target: 'partner-referral', body: {} },
  'POST /partner/referrals/:id/messages': { permission: 'referral.respond', allowed: 422, other: 404, target: 'partner-referral', body: {} },
  'POST /partner/referrals/:id/translations': { permission: 'referral.respond', allowed: 422, other: 404, target: 'partner-referral', body: {} },
  // The target shares no file: `:fileId` names none of the referral's, which answers 404 (audited against the referral) like any other.
  'GET /partner/referrals/:id/files/:fileId': { permission: 'referral.respond', allowed: 404, other: 404, target: 'partner-referral' },
  // Outcome reports: the dashboard and the period summary, their downloads, the summary's figures; one child's case summary.
  'GET /reports': { permission: 'report.read', allowed: 200 },
  'GET /reports/export.csv': { permission: 'report.export', allowed: 200 },
  'GET /reports/export.pdf': { permission: 'report.export', allowed: 200 },
  'GET /reports/period': { permission: 'report.read', allowed: 200 },
  'GET /reports/period.csv': { permission: 'report.export', allowed: 200 },
  'GET /reports/period.pdf': { permission: 'report.export', allowed: 200 },
  // Nothing chosen: back to the page with the error, the choice unchanged.
  'POST /reports/period/figures': { permission: 'report.configure', allowed: 303, body: {} },
  'GET /cases/:id/summary.pdf': { permission: 'case.read', allowed: 200, other: 404, target: 'case' },
  // Notifications.
  'GET /notifications': { permission: 'signed-in', allowed: 200 },
  'POST /notifications/read-all': { permission: 'signed-in', allowed: 303 },
  // `notification`: one of the caller's own (own) or of another user (other).
  'POST /notifications/:id/read': { permission: 'signed-in', allowed: 303, other: 404, target: 'notification' },
};

function admits(permission: RoutePermission, subject: Subject): boolean {
  if (permission === 'public') return true;
  if (subject === 'anonymous') return false;
  if (permission === 'signed-in' || permission === 'account') return true;
  return can([subject], permission as Action);
}

describe('authorization matrix (SECURITY.md C1, C2, C6)', () => {
  useDatabase('matrix');

  it('every route of the app declares a permission and has a row in the matrix, and every row is a route', async () => {
    const routes = inventory(await testApp());
    expect(routes.length).to.be.greaterThan(20);
    const undeclared = routes.filter((r) => !r.permission).map((r) => r.key);
    expect(undeclared, 'routes without a declared permission').to.deep.equal([]);
    const keys = routes.map((r) => r.key);
    expect(keys.filter((k) => !MATRIX[k]), 'routes missing from the matrix').to.deep.equal([]);
    expect(Object.keys(MATRIX).filter((k) => !keys.includes(k)), 'matrix rows without a route').to.deep.equal([]);
    for (const r of routes) expect(r.permission, r.key).to.equal(MATRIX[r.key]!.permission);
  });

  it("README's table of routes is the app's routes with their permissions, in the app's order", async () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const listed = [...readme.matchAll(/^\| `(GET|POST|PUT|PATCH|DELETE) ([^`]+)` \| `([^`]+)` \|$/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
    const routes = inventory(await testApp()).map((r) => `${r.key} ${r.permission}`);
    expect(listed).to.deep.equal(routes);
  });

  it('the inventory check fails for a route that names no permission', async () => {
    const { default: express } = await import('express');
    const app = express();
    app.get('/forgotten', (_req, res) => res.end());
    expect(inventory(app)).to.deep.equal([{ key: 'GET /forgotten', permission: undefined }]);
  });

  describe('each row, for every subject', () => {
    let app: Express;
    const agents = new Map<Subject, Agent>();
    const users = new Map<Subject, TestUser>();
    let ownOrg: string;
    let otherOrg: string;
    let otherUser: TestUser;
    let otherWorker: TestUser;

    beforeEach(async function () {
      this.timeout(60_000);
      app = await testApp();
      ownOrg = (await buildOrganisation()).id;
      otherOrg = (await buildOrganisation()).id;
      otherUser = await buildUser({ roles: ['caseworker'], organisationId: otherOrg });
      otherWorker = await buildUser({ roles: ['caseworker'], organisationId: ownOrg, team: 'Team B' });
      agents.clear();
      const anonymous = request.agent(app);
      csrfFrom((await anonymous.get('/login')).text);
      agents.set('anonymous', anonymous);
      for (const role of ROLES) {
        const user = await buildUser({ roles: [role], organisationId: ownOrg, team: 'Team A' });
        users.set(role, user);
        agents.set(role, await signIn(app, user));
      }
    });

    type Relationship = 'own' | 'unassigned' | 'other';

    /**
     * A fresh case for one request, with the part the route acts on: `own` is assigned to the
     * caseworker and in the supervisor's team; `unassigned` is another team's in the same organisation.
     */
    async function caseTarget(kind: CaseTarget, relationship: Relationship): Promise<Record<string, string>> {
      const owner = relationship === 'own' ? users.get('caseworker')! : relationship === 'unassigned' ? otherWorker : otherUser;
      const team = relationship === 'own' ? 'Team A' : 'Team B';
      const caller = callerOf(owner, team);
      const id = await buildCase(owner, {}, { team });
      const params: Record<string, string> = { id };
      if (kind === 'case-member') {
        await addFamilyMember(caller, id, { relationship: 'aunt', exploitationRole: 'none', livesWithChild: false, guardian: false, givenName: 'Testaunt', familyName: 'Fictional', localName: '', age: '40', contact: '', protectiveFactors: '' });
        params.memberId = String((await CaseModel.findById(id).lean())!.family[0]!._id);
      }
      if (kind === 'case-consent') {
        await addConsent(caller, id, { purpose: 'services', organisationId: '', givenBy: 'guardian', date: '2026-01-05', formVersion: 'test-1' });
        params.consentId = String((await CaseModel.findById(id).lean())!.consents[0]!._id);
      }
      if (kind === 'case-task') {
        await addTask(caller, id, { title: 'Fictional follow-up', dueDate: '2026-12-01' });
        params.taskId = String((await CaseTaskModel.findOne({ caseId: id }).lean())!._id);
      }
      if (kind === 'case-attachment') {
        const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');
        await uploadAttachment(caller, id, { kind: 'other', name: 'fictional.pdf', data: pdf });
        params.attachmentId = String((await AttachmentModel.findOne({ caseId: id }).lean())!._id);
      }
      if (kind === 'case-assessment') {
        params.assessmentId = await recordAssessment(caller, id, { type: 'needs', date: '2026-03-10', language: 'en', scores: { safety: 3 }, notes: {}, overall: '' });
      }
      if (kind === 'case-legal' || kind === 'case-hearing') {
        params.legalId = await createLegalCase(caller, id, { status: 'trial', complaintDate: '2026-01-05', authority: 'court', authorityName: '', reference: '', charges: ['child_abuse'], offenders: [] });
        if (kind === 'case-hearing') params.hearingId = await addHearing(caller, id, params.legalId, { date: '2026-02-01', kind: 'trial', note: '', language: 'en' });
      }
      if (kind.startsWith('case-plan') || kind.startsWith('case-review')) {
        // A supervisor of the case's team (and organisation) decides, never its submitter.
        const decider = { userId: String(new Types.ObjectId()), organisationId: owner.organisationId, roles: ['supervisor' as const], team };
        const made =
          kind === 'case-plan' ? await draftPlan(caller, id)
          : kind === 'case-plan-submitted' ? await submittedPlan(caller, id)
          : kind === 'case-plan-returned' ? await returnedPlan(caller, decider, id)
          : kind === 'case-plan-approved' ? await approvedPlan(caller, decider, id)
          : kind === 'case-review' ? await submittedReview(caller, decider, id)
          : await returnedReview(caller, decider, id);
        Object.assign(params, made);
      }
      if (kind === 'case-follow-up') {
        // Closed for a reintegration: the owner proposes, a supervisor of the case's team approves.
        const approver = await buildUser({ roles: ['supervisor'], organisationId: owner.organisationId, team });
        await makeActive(id);
        await closeThroughApproval(owner, approver, team, id, 'reintegrated_family', '2026-06-01');
        params.followUpId = String((await FollowUpModel.findOne({ caseId: id }).lean())!._id);
      }
      return params;
    }

    async function target(kind: Row['target'], relationship: Relationship, subject: Subject): Promise<Record<string, string>> {
      if (kind === 'notification') {
        const at = new Date();
        const userId = relationship === 'own' ? users.get(subject)!.id : otherUser.id;
        const [n] = await NotificationModel.create([{ userId, organisationId: otherOrg, kind: 'message', referralId: new Types.ObjectId(), reference: 'RF-TEST-MATRIX', side: 'sender', at, expiresAt: new Date(at.getTime() + 86_400_000) }]);
        return { id: String(n!._id) };
      }
      if (isCaseTarget(kind)) return caseTarget(kind, relationship);
      if (isReferralTarget(kind)) {
        const id = (await caseTarget('case', relationship)).id!;
        const owner = relationship === 'own' ? users.get('caseworker')! : relationship === 'unassigned' ? otherWorker : otherUser;
        return { id: await buildReferral(id, String(new Types.ObjectId()), owner.id, { status: kind === 'referral' ? 'draft' : 'sent' }) };
      }
      if (isPartnerTarget(kind)) {
        // Sent by another NGO's caseworker, addressed to the caller's organisation or to another one.
        const caseId = await buildCase(otherUser, {}, { team: 'Team B' });
        const status = (kind.replace(/^partner-referral-?/, '') || 'sent') as ReferralStatus;
        return { id: await buildReferral(caseId, relationship === 'own' ? ownOrg : String(new Types.ObjectId()), otherUser.id, { status }) };
      }
      return { id: await userOrOrganisation(kind, relationship === 'own' ? 'own' : 'other') };
    }

    async function userOrOrganisation(kind: Row['target'], relationship: 'own' | 'other'): Promise<string> {
      const organisationId = relationship === 'own' ? ownOrg : otherOrg;
      if (kind === 'organisation') return organisationId;
      if (kind === 'team') {
        // A new team in the organisation's list: the route names it by its id.
        const _id = new Types.ObjectId();
        await OrganisationModel.updateOne({ _id: organisationId }, { $push: { teams: { _id, code: `t-${_id}`, name: `Team ${_id}`, retired: false } } });
        return String(_id);
      }
      if (kind === 'invited-user') return (await buildUser({ roles: ['caseworker'], organisationId, status: 'invited' })).id;
      return relationship === 'own' ? (await buildUser({ roles: ['caseworker'], organisationId })).id : otherUser.id;
    }

    async function call(subject: Subject, method: string, path: string, row: Row): Promise<request.Response> {
      const agent = agents.get(subject)!;
      // A GET needs no token: fetching one (a whole start page) for each would double the run's requests.
      if (method === 'GET') return agent.get(path);
      const token = subject === 'anonymous' ? csrfFrom((await agent.get('/login')).text) : await tokenOf(agent, '/');
      const body = typeof row.body === 'function' ? row.body(subject) : (row.body ?? {});
      return agent.post(path).type('form').send({ ...body, _csrf: token });
    }

    it('answers 404 with an access_denied entry to partner staff of the addressed organisation once the referral was revoked, declined or completed (C3)', async function () {
      this.timeout(300_000);
      const failures: string[] = [];
      const partner = users.get('partner')!;
      const keys = Object.keys(MATRIX).filter((k) => k.split(' ')[1]!.startsWith('/partner/referrals/:id'));
      expect(keys.length, 'partner routes on one referral').to.be.greaterThan(4);
      for (const key of keys) {
        const row = MATRIX[key]!;
        const [method, pattern] = key.split(' ') as [string, string];
        for (const kind of ['partner-referral-revoked', 'partner-referral-declined', 'partner-referral-completed'] as const) {
          const { id } = await target(kind, 'own', 'partner');
          const path = pattern.replace(':id', id!).replace(':fileId', String(new Types.ObjectId()));
          const res = await call('partner', method, path, { ...row, body: row.body ?? {} });
          if (res.status !== 404) failures.push(`${key} (${kind}): ${res.status}, expected 404`);
          const entry = await AuditEntryModel.findOne({ action: 'access_denied', recordId: id, userId: partner.id }).lean();
          if (!entry) failures.push(`${key} (${kind}): no access_denied entry for ${id}`);
        }
      }
      expect(failures).to.deep.equal([]);
    });

    it('answers each subject as the matrix says, and audits denials on records', async function () {
      this.timeout(900_000);
      const failures: string[] = [];
      // Sign-out last: it ends the sessions the other rows use.
      const keys = Object.keys(MATRIX).sort((a, b) => Number(a === 'POST /logout') - Number(b === 'POST /logout'));
      for (const key of keys) {
        const row = MATRIX[key]!;
        const [method, pattern] = key.split(' ') as [string, string];
        for (const subject of ['anonymous', ...ROLES] as Subject[]) {
          const relationships: Relationship[] = !row.target ? ['own'] : isCaseTarget(row.target) || isReferralTarget(row.target) ? ['own', 'unassigned', 'other'] : ['own', 'other'];
          for (const relationship of relationships) {
            // A subject the permission refuses never reaches the record: made-up ids do, and save building one.
            const params = !row.target ? {} : admits(row.permission, subject) ? await target(row.target, relationship, subject) : Object.fromEntries([...pattern.matchAll(/:(\w+)/g)].map((m) => [m[1]!, String(new Types.ObjectId())]));
            const id = params.id ?? '';
            const path = pattern.replace(/:(\w+)/g, (_m, name: string) => params[name] ?? `:${name}`);
            const res = await call(subject, method, path, row);
            const expected = !admits(row.permission, subject)
              ? subject === 'anonymous'
                ? (row.anonymous ?? 303)
                : 403
              : subject === 'anonymous'
                ? (row.anonymous ?? row.allowed)
                : relationship === 'own'
                  ? row.allowed
                  : row.other!;
            if (res.status !== expected) failures.push(`${key} as ${subject} (${relationship}): ${res.status}, expected ${expected}`);
            if (expected === 404 && (relationship !== 'own' || isPartnerTarget(row.target)) && subject !== 'anonymous') {
              const entry = await AuditEntryModel.findOne({ action: 'access_denied', recordId: id, userId: users.get(subject)!.id }).lean();
              if (!entry) failures.push(`${key} as ${subject}: no access_denied entry for ${id}`);
            }
            if (expected === 403) {
              const entry = await AuditEntryModel.findOne({ action: 'access_denied', recordType: 'route', recordId: path.slice(0, 64), userId: users.get(subject)!.id }).lean();
              if (!entry) failures.push(`${key} as ${subject}: refusal not audited`);
            }
          }
        }
      }
      expect(failures).to.deep.equal([]);
    });
  });
});
