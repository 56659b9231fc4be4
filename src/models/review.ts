import { Schema, Types, model, type InferSchemaType } from 'mongoose';
import { CARE_DOMAINS } from '../domain/assessments.js';
import { GOAL_STATUSES, REVIEW_DECISIONS, REVIEW_STATUSES } from '../domain/care-plans.js';

/**
 * A review of the plan in force (DOMAIN.md "Care plan": periodic reviews): progress per goal, a
 * decision, and a supervisor's sign-off. Notes and the return comment are sealed (D1).
 */
const goalReviewSchema = new Schema(
  {
    /** The goal of the reviewed version. */
    goalId: { type: Types.ObjectId, required: true },
    domain: { type: String, enum: CARE_DOMAINS, required: true },
    status: { type: String, enum: GOAL_STATUSES, required: true },
    /** `{ text }`, sealed; an empty note is stored as none. */
    secret: { type: String },
  },
  { _id: false },
);

const reviewSchema = new Schema(
  {
    caseId: { type: Types.ObjectId, ref: 'Case', required: true },
    organisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
    planId: { type: Types.ObjectId, ref: 'CarePlan', required: true },
    planVersion: { type: Number, required: true },
    /** The day the review was held. */
    date: { type: Date, required: true },
    status: { type: String, enum: REVIEW_STATUSES, required: true, default: 'submitted' },
    decision: { type: String, enum: REVIEW_DECISIONS, required: true },
    goals: { type: [goalReviewSchema], default: [] },
    /** `{ text }` overall, sealed, with the language of all the review's notes. */
    secret: { type: String },
    language: { type: String, required: true, maxlength: 12 },
    submittedBy: { type: Types.ObjectId, ref: 'User', required: true },
    submittedAt: { type: Date, required: true },
    decidedBy: { type: Types.ObjectId, ref: 'User' },
    decidedAt: { type: Date },
    returnComment: { type: String },
    returnLanguage: { type: String, maxlength: 12 },
    demo: { type: Boolean, default: false },
  },
  { timestamps: true, optimisticConcurrency: true },
);

reviewSchema.index({ caseId: 1, date: -1 });
// My work and the case page: the pending review of each case of a list.
reviewSchema.index({ caseId: 1, status: 1 });
reviewSchema.index({ organisationId: 1, status: 1, submittedAt: 1 });

export type Review = InferSchemaType<typeof reviewSchema> & { _id: Types.ObjectId; __v?: number };
export const ReviewModel = model('Review', reviewSchema, 'care_plan_reviews');
