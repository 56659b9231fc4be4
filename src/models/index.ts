/** Every model, so that index sync and engine checks see them all. */
export { AuditEntryModel } from './audit-entry.js';
export { AuditHeadModel } from './audit-head.js';
export { AuthTokenModel } from './auth-token.js';
export { LoginThrottleModel } from './login-throttle.js';
export { OrganisationModel } from './organisation.js';
export { RateLimitHitModel } from './rate-limit-hit.js';
export { SystemStateModel } from './system-state.js';
export { UserModel } from './user.js';
export { AttachmentModel } from './attachment.js';
export { CaseModel } from './case.js';
export { CaseChangeModel } from './case-change.js';
export { CaseNoteModel } from './case-note.js';
export { CaseTaskModel } from './case-task.js';
export { CounterModel } from './counter.js';
export { CaseFactModel } from './case-fact.js';
