import { Schema, Types, model, type InferSchemaType } from 'mongoose';
import { FOLLOW_UP_STATUSES } from '../domain/closure.js';

/**
 * A follow-up visit after a closure for reintegration (DOMAIN.md "Outcomes": children still safe at 6
 * and 12 months), scheduled when the closure is approved and recorded by the case's caseworker or a
 * supervisor of the team: three yes/no answers, which the reports count, and a sealed note (D1). A
 * reopening cancels the visits not yet recorded; recorded ones stay.
 */
const followUpSchema = new Schema(
  {
    caseId: { type: Types.ObjectId, ref: 'Case', required: true },
    organisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
    /** The approved proposal that scheduled it. */
    proposalId: { type: Types.ObjectId, ref: 'ClosureProposal' },
    /** The date of the closure it follows (a calendar day, 00:00 UTC). */
    closedOn: { type: Date, required: true },
    months: { type: Number, required: true, min: 1, max: 60 },
    dueDate: { type: Date, required: true },
    status: { type: String, enum: FOLLOW_UP_STATUSES, required: true, default: 'scheduled' },
    /** Once recorded: the day of the visit, the answers, the note (`{ text }`, sealed) and its language. */
    visitDate: { type: Date },
    safe: { type: Boolean },
    livingAsPlanned: { type: Boolean },
    inSchoolOrWork: { type: Boolean },
    secret: { type: String },
    language: { type: String, maxlength: 12 },
    recordedBy: { type: Types.ObjectId, ref: 'User' },
    recordedAt: { type: Date },
    cancelledAt: { type: Date },
    demo: { type: Boolean, default: false },
  },
  { timestamps: true },
);

// A case's visits in date order (case page, facts, reopening); My work reads the scheduled ones of many cases.
followUpSchema.index({ caseId: 1, dueDate: 1 });
followUpSchema.index({ caseId: 1, status: 1, dueDate: 1 });

export type FollowUp = InferSchemaType<typeof followUpSchema> & { _id: Types.ObjectId };
export const FollowUpModel = model('FollowUp', followUpSchema, 'follow_ups');
