import { Schema, model } from 'mongoose';

/**
 * The end of the audit chain: the last entry's sequence number and hash, so that appending reads one
 * document by id instead of sorting the whole log. Derived from the log; `audit:verify` does not trust it.
 */
const auditHeadSchema = new Schema(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
    hash: { type: String, required: true },
  },
  { versionKey: false },
);

export const AuditHeadModel = model('AuditHead', auditHeadSchema, 'audit_head');
