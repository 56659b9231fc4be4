/**
 * What the audit log records (SECURITY.md L1): the action names and outcomes. Entries never hold
 * field values, only ids, codes and outcomes.
 */
export const AUDIT_ACTIONS = [
  'sign_in',
  'sign_out',
  'account_locked',
  'mfa_enrol',
  'mfa_verify',
  'mfa_recovery_used',
  'mfa_reset',
  'password_change',
  'password_reset_request',
  'password_reset',
  'invitation_sent',
  'invitation_accepted',
  'user_create',
  'user_update',
  'user_roles_change',
  'user_disable',
  'user_enable',
  'sessions_revoke',
  'organisation_create',
  'organisation_update',
  'access_denied',
  'audit_view',
  'audit_report',
  // Case work (later issues).
  'case_list',
  'case_search',
  'case_view',
  'case_create',
  'case_update',
  'case_assign',
  'case_status',
  'case_history_view',
  'case_delete',
  'attachment_upload',
  'attachment_download',
  'keys_rotate',
  'search_reindex',
  'export',
  'referral_step',
  // Assessments, care plans, reviews, legal cases, closure and follow-up visits.
  'assessment_view',
  'assessment_create',
  'careplan_view',
  'careplan_change',
  'careplan_submit',
  'careplan_approve',
  'careplan_return',
  'review_create',
  'review_approve',
  'review_return',
  'legal_view',
  'legal_change',
  'closure_propose',
  'closure_approve',
  'closure_return',
  'followup_record',
  'task_assign',
  'facts_rebuild',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Short machine codes that say why, never what was typed. */
export const AUDIT_REASONS = [
  'wrong_credentials',
  'locked',
  'ip_limited',
  'code_invalid',
  'code_reused',
  'no_permission',
  'out_of_scope',
  'own_roles',
  'field_not_allowed',
  'stale_version',
  'transition_refused',
  'upload_refused',
  'role_not_for_organisation',
  'own_submission',
] as const;
export type AuditReason = (typeof AUDIT_REASONS)[number];
