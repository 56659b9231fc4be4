import { Schema, Types, model, type InferSchemaType } from 'mongoose';

/**
 * The change history of a case: who changed which fields and when, and the earlier
 * values, sealed (D1). Field names are the form's field names (`givenName`, `riskLevel`) or a section (`family`,
 * `consents`, `assignment`, `status`), never values.
 * Written in the same transaction as the change to the case (services/cases/records.ts callers), so
 * a case never changes without its history entry, nor the other way round.
 */
const caseChangeSchema = new Schema(
  {
    caseId: { type: Types.ObjectId, ref: 'Case', required: true },
    organisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
    at: { type: Date, required: true },
    userId: { type: Types.ObjectId, ref: 'User', required: true },
    /** The case version this change produced. */
    version: { type: Number, required: true },
    kind: { type: String, required: true, maxlength: 40 },
    fields: { type: [String], default: [] },
    /** Sealed JSON of the earlier values of `fields`. */
    previous: { type: String },
    /** Sealed JSON of the new values, for changes whose new values the case alone does not tell (a family member's). */
    next: { type: String },
    demo: { type: Boolean, default: false },
  },
  { versionKey: false },
);

caseChangeSchema.index({ caseId: 1, at: -1 });

export type CaseChange = InferSchemaType<typeof caseChangeSchema> & { _id: Types.ObjectId };
export const CaseChangeModel = model('CaseChange', caseChangeSchema, 'case_changes');
