import { Schema, Types, model, type InferSchemaType } from 'mongoose';
import { AUTHORITIES, CHARGES, CLOSE_REASONS, LEGAL_STATUSES, OFFENDER_RELATIONSHIPS, SUPPORT_KINDS, VERDICTS } from '../domain/legal.js';

/**
 * A criminal case in which the child is a complainant or witness (DOMAIN.md "Legal case"). Codes and
 * dates stay in the clear for the case page, My work and the reports; what someone typed (the
 * authority's office, the case reference, offenders' names, notes) is sealed (SECURITY.md D1). Offenders
 * and witness support are small arrays written under the document's version (V3); hearings grow with a
 * long trial (postponements are common) and live in `legal_hearings`.
 */
const offenderSchema = new Schema({
  relationship: { type: String, enum: OFFENDER_RELATIONSHIPS, required: true },
  /** The offender's name as known (may be empty: an online offender known by an account only). */
  secret: { type: String, required: true },
});

const supportSchema = new Schema({
  kind: { type: String, enum: SUPPORT_KINDS, required: true },
  date: { type: Date, required: true },
  /** A note about the support given, with its language: sealed. */
  secret: { type: String },
  language: { type: String, maxlength: 12 },
  recordedBy: { type: Types.ObjectId, ref: 'User', required: true },
});

/** One change of stage, codes only, for the legal case's page. */
const stageSchema = new Schema(
  {
    from: { type: String, enum: LEGAL_STATUSES },
    to: { type: String, enum: LEGAL_STATUSES, required: true },
    date: { type: Date, required: true },
    by: { type: Types.ObjectId, ref: 'User', required: true },
  },
  { _id: false },
);

const legalCaseSchema = new Schema(
  {
    caseId: { type: Types.ObjectId, ref: 'Case', required: true },
    organisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
    complaintDate: { type: Date, required: true },
    authority: { type: String, enum: AUTHORITIES, required: true },
    charges: { type: [String], enum: CHARGES, default: [] },
    status: { type: String, enum: LEGAL_STATUSES, required: true },
    verdict: { type: String, enum: VERDICTS },
    verdictDate: { type: Date },
    closeReason: { type: String, enum: CLOSE_REASONS },
    closedFrom: { type: String, enum: LEGAL_STATUSES },
    closedAt: { type: Date },
    /** The authority's office and the case reference (either can identify the child). */
    secret: { type: String, required: true },
    offenders: { type: [offenderSchema], default: [] },
    support: { type: [supportSchema], default: [] },
    stages: { type: [stageSchema], default: [] },
    createdBy: { type: Types.ObjectId, ref: 'User', required: true },
    demo: { type: Boolean, default: false },
  },
  { timestamps: true, optimisticConcurrency: true },
);

/** The legal cases of one case (the case page's section, the reporting facts). */
legalCaseSchema.index({ caseId: 1, _id: 1 });
legalCaseSchema.index({ organisationId: 1, status: 1 });

export type LegalCase = InferSchemaType<typeof legalCaseSchema> & { _id: Types.ObjectId; __v?: number };
export const LegalCaseModel = model('LegalCase', legalCaseSchema, 'legal_cases');
