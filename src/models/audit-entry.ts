import { Schema, Types, model, type InferSchemaType } from 'mongoose';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, AUDIT_REASONS } from '../domain/audit.js';
import { ROLES } from '../domain/permissions.js';

/**
 * One line of the audit log (SECURITY.md L1, L2): who, in which role and organisation, from where, did
 * what to which record, and how it ended. Never a field value. `seq` orders the chain and is unique, so
 * two writers cannot both append after the same entry; `hash` covers the entry and the previous hash.
 */
const auditEntrySchema = new Schema(
  {
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
    userId: { type: Types.ObjectId, ref: 'User' },
    roles: { type: [String], enum: ROLES, default: undefined },
    organisationId: { type: Types.ObjectId, ref: 'Organisation' },
    ip: { type: String, maxlength: 64 },
    action: { type: String, enum: AUDIT_ACTIONS, required: true },
    recordType: { type: String, maxlength: 40 },
    recordId: { type: String, maxlength: 64 },
    outcome: { type: String, enum: AUDIT_OUTCOMES, required: true },
    reason: { type: String, enum: AUDIT_REASONS },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  { versionKey: false },
);

auditEntrySchema.index({ seq: 1 }, { unique: true });
auditEntrySchema.index({ userId: 1, at: 1 });
auditEntrySchema.index({ recordId: 1, at: 1 });
auditEntrySchema.index({ action: 1, at: 1 });
auditEntrySchema.index({ at: 1 });

// Append only: the model refuses every kind of change or removal.
const refuse = function () {
  throw new Error('the audit log is append-only');
};
for (const op of ['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne', 'findOneAndReplace', 'deleteOne', 'deleteMany', 'findOneAndDelete'] as const) {
  auditEntrySchema.pre(op, refuse);
}

export type AuditEntry = InferSchemaType<typeof auditEntrySchema> & { _id: Types.ObjectId };
export const AuditEntryModel = model('AuditEntry', auditEntrySchema, 'audit_entries');
