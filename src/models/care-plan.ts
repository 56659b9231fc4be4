import { Schema, Types, model, type InferSchemaType } from 'mongoose';
import { CARE_DOMAINS } from '../domain/assessments.js';
import { GOAL_STATUSES, INTERVENTION_STATUSES, PLAN_STATUSES } from '../domain/care-plans.js';
import { LOOKUPS } from '../domain/lookups.js';

/**
 * One version of a case's care plan (DOMAIN.md "Care plan"). Goals and their interventions and progress
 * notes are small arrays inside the version, changed under its `__v` so that two people editing at once
 * never lose a change (SECURITY.md V3). Everything typed about the child (goal text, progress notes, the
 * supervisor's return comment) is sealed JSON (D1); codes, dates and ids stay in the clear for lists,
 * My work and the reporting facts.
 */
const progressSchema = new Schema({
  date: { type: Date, required: true },
  /** `{ text }`, sealed. */
  secret: { type: String, required: true },
  /** BCP 47 tag of the language the note is written in. */
  language: { type: String, required: true, maxlength: 12 },
  authorId: { type: Types.ObjectId, ref: 'User', required: true },
  at: { type: Date, required: true },
});

const interventionSchema = new Schema({
  service: { type: String, enum: LOOKUPS.serviceType, required: true },
  /** Who does it: a caseworker of the case, or a partner organisation (exactly one of the two). */
  responsibleUserId: { type: Types.ObjectId, ref: 'User' },
  responsibleOrganisationId: { type: Types.ObjectId, ref: 'Organisation' },
  dueDate: { type: Date, required: true },
  status: { type: String, enum: INTERVENTION_STATUSES, required: true, default: 'planned' },
});

const goalSchema = new Schema({
  domain: { type: String, enum: CARE_DOMAINS, required: true },
  /** `{ text }`, sealed; none while the goal still has its domain's default text. */
  secret: { type: String },
  /** Drafted from an assessment and not yet edited: the text is `care-plans:defaultGoal.<domain>`, in the reader's language. */
  defaultText: { type: Boolean },
  language: { type: String, required: true, maxlength: 12 },
  targetDate: { type: Date, required: true },
  status: { type: String, enum: GOAL_STATUSES, required: true, default: 'not_started' },
  interventions: { type: [interventionSchema], default: [] },
  progress: { type: [progressSchema], default: [] },
});

const carePlanSchema = new Schema(
  {
    caseId: { type: Types.ObjectId, ref: 'Case', required: true },
    organisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
    /** 1, 2, ... per case. */
    version: { type: Number, required: true, min: 1 },
    status: { type: String, enum: PLAN_STATUSES, required: true, default: 'draft' },
    goals: { type: [goalSchema], default: [] },
    createdBy: { type: Types.ObjectId, ref: 'User', required: true },
    /** Where the version started from: the plan in force, an assessment, or nothing. */
    copiedFromVersion: { type: Number },
    assessmentId: { type: Types.ObjectId },
    submittedBy: { type: Types.ObjectId, ref: 'User' },
    submittedAt: { type: Date },
    /** The supervisor who approved or returned it, and when. */
    decidedBy: { type: Types.ObjectId, ref: 'User' },
    decidedAt: { type: Date },
    approvedAt: { type: Date },
    supersededAt: { type: Date },
    /** The last return comment, `{ text }` sealed, with its language; kept once revised, for the record. */
    returnComment: { type: String },
    returnLanguage: { type: String, maxlength: 12 },
    /** Plan in force: the day of the last signed-off review (the schedule counts from it or the approval). */
    lastReviewOn: { type: Date },
    demo: { type: Boolean, default: false },
  },
  { timestamps: true, optimisticConcurrency: true },
);

// The versions of a case, newest first; one number per version.
carePlanSchema.index({ caseId: 1, version: -1 }, { unique: true });
// My work: the plans in force (interventions, reviews) and the submitted ones of a list of cases.
carePlanSchema.index({ caseId: 1, status: 1 });
carePlanSchema.index({ organisationId: 1, status: 1, submittedAt: 1 });

export type CarePlan = InferSchemaType<typeof carePlanSchema> & { _id: Types.ObjectId; __v?: number };
export const CarePlanModel = model('CarePlan', carePlanSchema, 'care_plans');
