import { Schema, Types, model, type InferSchemaType } from 'mongoose';
import { ASSESSMENT_TYPES, CARE_DOMAINS } from '../domain/assessments.js';

/**
 * An assessment of a case (DOMAIN.md "Assessment"): its type, the day it was made and a 1-5 score per
 * care domain (a domain left out was not assessed). Scores and codes stay in the clear because charts
 * and reports need them and they identify nobody; the notes (one per domain and an overall note) are
 * sealed JSON (SECURITY.md D1), with the language they were written in beside them, as case notes do.
 * Assessments grow without bound over years of care, so they live in a collection of their own.
 */
const scoresSchema = new Schema(
  Object.fromEntries(CARE_DOMAINS.map((d) => [d, { type: Number, min: 1, max: 5, validate: Number.isInteger }])),
  { _id: false },
);

const assessmentSchema = new Schema(
  {
    caseId: { type: Types.ObjectId, ref: 'Case', required: true },
    organisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
    type: { type: String, enum: ASSESSMENT_TYPES, required: true },
    /** The calendar day it was made, at 00:00 UTC. */
    date: { type: Date, required: true },
    scores: { type: scoresSchema, default: {} },
    /** BCP 47 tag of the language the notes are written in. */
    language: { type: String, required: true, maxlength: 12 },
    /** `{ overall, domains: { <domain>: text } }`, sealed. */
    secret: { type: String, required: true },
    recordedBy: { type: Types.ObjectId, ref: 'User' },
    /** When it was entered (the app's clock), the tie-break between two assessments of one day. */
    createdAt: { type: Date, required: true },
    /** Set on the assessments `assessments:adopt-family` made from an old family situation rating. */
    adoptedFrom: { type: String, enum: ['family_rating'] },
    demo: { type: Boolean, default: false },
  },
  { timestamps: { createdAt: false, updatedAt: true } },
);

// The case page's list and chart, the facts and the plan's seed all read a case's assessments by date.
assessmentSchema.index({ caseId: 1, date: -1, createdAt: -1 });

export type Assessment = InferSchemaType<typeof assessmentSchema> & { _id: Types.ObjectId };
export const AssessmentModel = model('Assessment', assessmentSchema, 'assessments');
