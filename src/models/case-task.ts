import { Schema, Types, model, type InferSchemaType } from 'mongoose';

/** A task with a due date. Its title may name people, so it is sealed (D1). */
const caseTaskSchema = new Schema(
  {
    caseId: { type: Types.ObjectId, ref: 'Case', required: true },
    organisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
    secret: { type: String, required: true },
    dueDate: { type: Date, required: true },
    createdBy: { type: Types.ObjectId, ref: 'User', required: true },
    doneAt: { type: Date },
    doneBy: { type: Types.ObjectId, ref: 'User' },
    demo: { type: Boolean, default: false },
  },
  { timestamps: true },
);

caseTaskSchema.index({ caseId: 1, dueDate: 1 });
caseTaskSchema.index({ organisationId: 1, doneAt: 1, dueDate: 1 });

export type CaseTask = InferSchemaType<typeof caseTaskSchema> & { _id: Types.ObjectId };
export const CaseTaskModel = model('CaseTask', caseTaskSchema, 'case_tasks');
