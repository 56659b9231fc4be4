import { Schema, Types, model, type InferSchemaType } from 'mongoose';

/**
 * The reporting facts summed ahead of time: for one organisation, one slice of its cases (a team, a
 * country of origin, a type of exploitation, or all of them: `*`) and one kind of event in one month,
 * the counts every figure of the reports needs (services/facts/cells.ts says which), for the month and
 * for each of its days. A dashboard then adds up some dozens of these instead of reading every case's
 * facts, whatever the number of cases. Counts only, keyed by codes, day numbers and record ids: never a
 * name or a text. The services that rewrite a case's facts apply the difference here in the same
 * transaction.
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
    /** What happened in the cell's month: a case taken in or closed, a first plan, a referral sent, a visit or a review or a task due. */
    kind: { type: String, required: true },
    /** `YYYY-MM`. */
    month: { type: String, required: true },
    /** The month's count (or sum) per figure key. */
    m: { type: Schema.Types.Mixed, default: {} },
    /** The same per day of the month (`01` to `31`): what a report of part of a month adds up. */
    d: { type: Schema.Types.Mixed, default: {} },
  },
  { minimize: false, versionKey: false },
);

// Every cell a report adds up is in a few ranges of this index: one slice, one kind, a range of months.
reportCellSchema.index({ organisationId: 1, team: 1, nationality: 1, exploitationType: 1, kind: 1, month: 1 }, { unique: true });

export type ReportCell = InferSchemaType<typeof reportCellSchema> & { _id: Types.ObjectId };
export const ReportCellModel = model('ReportCell', reportCellSchema, 'report_cells');
