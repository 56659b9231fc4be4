import { Schema, Types, model, type InferSchemaType } from 'mongoose';
import { PROPOSAL_STATUSES } from '../domain/closure.js';
import { LOOKUPS } from '../domain/lookups.js';

/**
 * A proposal to close a case (DOMAIN.md "States"): a caseworker proposes a reason, a date and a note; a
 * supervisor of the team approves it (the case closes) or returns it with a comment. Each proposal is
 * a document of its own, kept once decided, so the case shows what was returned and why. The note and
 * the comment may name people: both are sealed with their language tag (SECURITY.md D1).
 */
const closureProposalSchema = new Schema(
  {
    caseId: { type: Types.ObjectId, ref: 'Case', required: true },
    organisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
    status: { type: String, enum: PROPOSAL_STATUSES, required: true, default: 'proposed' },
    /** The case's status when proposed: the reason must be one that state may close with. */
    from: { type: String, enum: ['open', 'active'], required: true },
    reason: { type: String, enum: LOOKUPS.closureReason, required: true },
    /** The date of closure proposed (a calendar day, 00:00 UTC). */
    date: { type: Date, required: true },
    /** The note: `{ text }`, sealed, and the language it is written in. */
    secret: { type: String, required: true },
    language: { type: String, required: true, maxlength: 12 },
    proposedBy: { type: Types.ObjectId, ref: 'User', required: true },
    proposedAt: { type: Date, required: true },
    decidedBy: { type: Types.ObjectId, ref: 'User' },
    decidedAt: { type: Date },
    /** A returned proposal's comment: `{ text }`, sealed, and its language. */
    comment: { type: String },
    commentLanguage: { type: String, maxlength: 12 },
    demo: { type: Boolean, default: false },
  },
  { timestamps: true },
);

// The case page and the closure page read a case's latest proposals; My work reads the waiting ones.
closureProposalSchema.index({ caseId: 1, proposedAt: -1 });
closureProposalSchema.index({ caseId: 1, status: 1, proposedAt: 1 });

export type ClosureProposal = InferSchemaType<typeof closureProposalSchema> & { _id: Types.ObjectId };
export const ClosureProposalModel = model('ClosureProposal', closureProposalSchema, 'closure_proposals');
