import { Schema, Types, model, type InferSchemaType } from 'mongoose';
import { HEARING_KINDS, HEARING_OUTCOMES } from '../domain/legal.js';

/**
 * A hearing of a legal case (models/legal-case.ts). A trial can take years of hearings, most of them
 * postponed, so each is a document of its own. A hearing without an outcome is still to be attended
 * (or, once its day has passed, to be recorded): My work reads those by organisation and date.
 */
const legalHearingSchema = new Schema(
  {
    legalCaseId: { type: Types.ObjectId, ref: 'LegalCase', required: true },
    caseId: { type: Types.ObjectId, ref: 'Case', required: true },
    organisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
    date: { type: Date, required: true },
    kind: { type: String, enum: HEARING_KINDS, required: true },
    outcome: { type: String, enum: HEARING_OUTCOMES },
    /** The note about the hearing, sealed (D1), and the language it is written in. */
    secret: { type: String },
    language: { type: String, maxlength: 12 },
    createdBy: { type: Types.ObjectId, ref: 'User', required: true },
    outcomeBy: { type: Types.ObjectId, ref: 'User' },
    outcomeAt: { type: Date },
    demo: { type: Boolean, default: false },
  },
  { timestamps: true },
);

/** The hearings of one legal case, by date; and the next hearing of each legal case of a case. */
legalHearingSchema.index({ legalCaseId: 1, date: 1 });
legalHearingSchema.index({ caseId: 1, outcome: 1, date: 1 });
/** My work: hearings without an outcome of the caller's cases, soonest first. */
legalHearingSchema.index({ organisationId: 1, outcome: 1, date: 1 });

export type LegalHearing = InferSchemaType<typeof legalHearingSchema> & { _id: Types.ObjectId };
export const LegalHearingModel = model('LegalHearing', legalHearingSchema, 'legal_hearings');
