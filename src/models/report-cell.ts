import { Schema, Types, model, type InferSchemaType } from 'mongoose';

/**
 * The reporting facts summed ahead of time: for one organisation, one slice of its cases (a team, a
 * country of origin, a type of exploitation, or all of them: `*`) and one kind of event on one day or
 * in one month, the counts every figure of the reports needs (services/facts/cells.ts says which).
 * A dashboard then adds up a few hundred of these instead of reading every case's facts, whatever the
 * number of cases. Counts only, keyed by codes, day numbers and record ids: never a name or a text.
 * The services that rewrite a case's facts apply the difference here in the same transaction.
 */
const reportCellSchema = new Schema(
  {
    organisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
    /** A team's code, '' for cases without a team, '*' for all. */
    team: { type: String, required: true },
    /** The children's nationality, '' when not recorded, '*' for all. */
    nationality: { type: String, required: true },
    /** One type of exploitation (the cases that include it), or '*' for all cases. */
    exploitationType: { type: String, required: true },
    /** What happened on the cell's day: a case taken in or closed, a first plan, a referral sent, a visit or a review or a task due. */
    kind: { type: String, required: true },
    /** `month` cells hold a whole month (`day` is `YYYY-MM`); `day` cells one day (`YYYY-MM-DD`). */
    grain: { type: String, required: true },
    day: { type: String, required: true },
    /** Count (or sum) per figure key. */
    c: { type: Schema.Types.Mixed, default: {} },
  },
  { minimize: false, versionKey: false },
);

// Every cell a report adds up is in a few ranges of this index: one slice, one kind, one grain, a range of days.
reportCellSchema.index({ organisationId: 1, team: 1, nationality: 1, exploitationType: 1, kind: 1, grain: 1, day: 1 }, { unique: true });

export type ReportCell = InferSchemaType<typeof reportCellSchema> & { _id: Types.ObjectId };
export const ReportCellModel = model('ReportCell', reportCellSchema, 'report_cells');
