import { Schema, Types, model, type InferSchemaType } from 'mongoose';
import { CASE_STATUSES } from '../domain/cases.js';
import { LOOKUPS } from '../domain/lookups.js';

/**
 * A child's case (DOMAIN.md "Records"). Everything that identifies a person lives in `secret` fields:
 * AES-256-GCM sealed JSON written by services/cases/records.ts (SECURITY.md D1). Codes, dates of intake
 * and assignments stay in the clear, because lists, filters and reports need them and they identify
 * nobody. Name search goes through `searchTokens`, keyed hashes of name parts (D3).
 *
 * Family members and consents are small arrays, replaced whole under the case's version (V3), so that
 * a save from an old form is always caught by one version check. Notes, tasks, history and files grow
 * without bound and live in collections of their own.
 */
const childSchema = new Schema(
  {
    sex: { type: String, enum: LOOKUPS.sex },
    nationality: { type: String, match: /^[A-Z]{2}$/ },
    languages: { type: [String], default: [] },
    disability: { type: String, enum: LOOKUPS.disability },
    placement: { type: String, enum: LOOKUPS.placement },
    /** Names, nickname, date of birth or estimated age, location, school. */
    secret: { type: String, required: true },
  },
  { _id: false },
);

const familyMemberSchema = new Schema({
  relationship: { type: String, enum: LOOKUPS.relationship, required: true },
  exploitationRole: { type: String, enum: LOOKUPS.exploitationRole, required: true },
  livesWithChild: { type: Boolean, default: false },
  guardian: { type: Boolean, default: false },
  /** Names, age, contact, protective factors. */
  secret: { type: String, required: true },
});

const consentSchema = new Schema({
  purpose: { type: String, enum: LOOKUPS.consentPurpose, required: true },
  /** For a referral: the organisation the consent names. */
  organisationId: { type: Types.ObjectId, ref: 'Organisation' },
  givenBy: { type: String, enum: LOOKUPS.consentGivenBy, required: true },
  date: { type: Date, required: true },
  formVersion: { type: String, required: true, maxlength: 40 },
  recordedBy: { type: Types.ObjectId, ref: 'User', required: true },
  /** The day the consent was withdrawn (P1). */
  withdrawnAt: { type: Date },
  withdrawnBy: { type: Types.ObjectId, ref: 'User' },
  /** Why it was withdrawn, as the child or guardian said it: sealed (D1). */
  withdrawalReason: { type: String },
});

const caseSchema = new Schema(
  {
    organisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
    caseNumber: { type: String, required: true, maxlength: 40 },
    status: { type: String, enum: CASE_STATUSES, required: true, default: 'open' },
    riskLevel: { type: String, enum: LOOKUPS.riskLevel, required: true },
    /** The risk level's place in LOOKUPS.riskLevel, so the list can sort by risk. */
    riskRank: { type: Number, required: true },
    exploitationTypes: { type: [String], enum: LOOKUPS.exploitationType, default: [] },
    intake: {
      date: { type: Date, required: true },
      identifiedBy: { type: String, enum: LOOKUPS.identifiedBy, required: true },
      source: { type: String, enum: LOOKUPS.intakeSource, required: true },
    },
    caseworkerIds: { type: [Types.ObjectId], ref: 'User', default: [] },
    supervisorId: { type: Types.ObjectId, ref: 'User' },
    team: { type: String, maxlength: 60 },
    child: { type: childSchema, required: true },
    family: { type: [familyMemberSchema], default: [] },
    /**
     * Legacy: the family situation rating cases held before assessments (models/assessment.ts). Nothing
     * writes it; `assessments:adopt-family` turns it into an assessment and removes it from each case.
     */
    familyAssessment: {
      rating: { type: String, enum: LOOKUPS.familyAssessment },
      /** The assessment's text and the language it was written in. */
      secret: { type: String },
      at: { type: Date },
      by: { type: Types.ObjectId, ref: 'User' },
    },
    consents: { type: [consentSchema], default: [] },
    closure: {
      reason: { type: String, enum: LOOKUPS.closureReason },
      date: { type: Date },
      by: { type: Types.ObjectId, ref: 'User' },
      /** The state the case was closed from, where reopening returns it (DOMAIN.md "States"). */
      from: { type: String, enum: ['open', 'active'] },
    },
    searchTokens: { type: [String], default: [] },
    /** Bytes of attachments stored, against the per-case quota. */
    attachmentBytes: { type: Number, default: 0 },
    demo: { type: Boolean, default: false },
  },
  { timestamps: true, optimisticConcurrency: true },
);

// One index per filter of the case list, each ending in _id so range pages read in index order.
caseSchema.index({ organisationId: 1, caseNumber: 1 }, { unique: true });
caseSchema.index({ organisationId: 1, _id: -1 });
caseSchema.index({ organisationId: 1, status: 1, _id: -1 });
caseSchema.index({ organisationId: 1, riskLevel: 1, _id: -1 });
caseSchema.index({ organisationId: 1, exploitationTypes: 1, _id: -1 });
caseSchema.index({ organisationId: 1, caseworkerIds: 1, _id: -1 });
caseSchema.index({ organisationId: 1, supervisorId: 1, _id: -1 });
caseSchema.index({ organisationId: 1, team: 1, _id: -1 });
caseSchema.index({ organisationId: 1, 'intake.date': -1, _id: -1 });
caseSchema.index({ organisationId: 1, riskRank: -1, _id: -1 });
caseSchema.index({ organisationId: 1, searchTokens: 1 });

export type Case = InferSchemaType<typeof caseSchema> & { _id: Types.ObjectId };
export const CaseModel = model('Case', caseSchema);
