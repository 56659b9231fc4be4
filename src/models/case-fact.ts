import { Schema, Types, model, type InferSchemaType } from 'mongoose';

/**
 * One document per case holding what the reports count (DOMAIN.md "Outcomes managers report"):
 * codes, dates and counts only, never a name or any text someone typed. The services that change a
 * case rewrite it in the same transaction (services/facts/facts.ts); `facts:rebuild` recomputes all.
 */
const goalCountSchema = new Schema({ domain: { type: String, required: true }, set: { type: Number, required: true }, achieved: { type: Number, required: true } }, { _id: false });
const wellbeingSchema = new Schema(
  { domain: { type: String, required: true }, first: { type: Number, required: true }, firstAt: { type: Date, required: true }, latest: { type: Number, required: true }, latestAt: { type: Date, required: true } },
  { _id: false },
);
const legalSchema = new Schema({ status: { type: String, required: true }, verdict: { type: String } }, { _id: false });
const followUpSchema = new Schema(
  { months: { type: Number, required: true }, dueDate: { type: Date, required: true }, done: { type: Boolean, required: true }, safe: { type: Boolean }, livingAsPlanned: { type: Boolean }, inSchoolOrWork: { type: Boolean } },
  { _id: false },
);
/** One sent referral: codes, dates and day counts (services/referrals/facts.ts defines `outcome`). */
const referralFactSchema = new Schema(
  {
    service: { type: String, required: true },
    toOrganisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
    toCountry: { type: String },
    status: { type: String, required: true },
    sentAt: { type: Date },
    daysToAcknowledge: { type: Number },
    daysToAccept: { type: Number },
    daysToComplete: { type: Number },
    outcome: { type: String, required: true },
  },
  { _id: false },
);

const caseFactSchema = new Schema(
  {
    caseId: { type: Types.ObjectId, ref: 'Case', required: true },
    organisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
    status: { type: String, required: true },
    riskLevel: { type: String, required: true },
    exploitationTypes: { type: [String], default: [] },
    team: { type: String },
    country: { type: String },
    /** The child's nationality, as the case records it: the country of origin the reports filter by. */
    nationality: { type: String },
    /** `YYYY-MM` of the intake date. */
    intakeMonth: { type: String, required: true },
    intakeDate: { type: Date, required: true },
    caseworkerIds: { type: [Types.ObjectId], default: [] },
    firstPlanApprovedAt: { type: Date },
    daysToFirstPlan: { type: Number },
    /** Goals of the plan in force (the latest approved version), per domain. */
    goals: { type: [goalCountSchema], default: [] },
    /** First and latest wellbeing score per domain, over every assessment of the case. */
    wellbeing: { type: [wellbeingSchema], default: [] },
    legalCases: { type: [legalSchema], default: [] },
    /** The next review date of the plan in force. */
    reviewDue: { type: Date },
    /** Due dates of the tasks not yet done. */
    openTaskDueDates: { type: [Date], default: [] },
    closureReason: { type: String },
    closedAt: { type: Date },
    followUps: { type: [followUpSchema], default: [] },
    referrals: { type: [referralFactSchema], default: [] },
    demo: { type: Boolean, default: false },
  },
  { timestamps: true },
);

caseFactSchema.index({ caseId: 1 }, { unique: true });
caseFactSchema.index({ organisationId: 1, intakeMonth: 1 });
caseFactSchema.index({ organisationId: 1, status: 1 });
// The reports' one \`$match\` (services/reports/pipeline.ts): an organisation's, or one team's, cases taken in before a date.
caseFactSchema.index({ organisationId: 1, intakeDate: 1 });
caseFactSchema.index({ organisationId: 1, team: 1, intakeDate: 1 });

export type CaseFact = InferSchemaType<typeof caseFactSchema> & { _id: Types.ObjectId };
export const CaseFactModel = model('CaseFact', caseFactSchema, 'case_facts');
