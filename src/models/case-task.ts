import { Schema, Types, model, type InferSchemaType } from 'mongoose';

/**
 * A task with a due date. Its title may name people, so it is sealed (D1). `assigneeId` is whose task it
 * is: one of the case's caseworkers or its supervisor; a task without one is the case's first
 * caseworker's (domain/tasks.ts `effectiveAssignee`).
 */
const caseTaskSchema = new Schema(
  {
    caseId: { type: Types.ObjectId, ref: 'Case', required: true },
    organisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
    secret: { type: String, required: true },
    dueDate: { type: Date, required: true },
    createdBy: { type: Types.ObjectId, ref: 'User', required: true },
    assigneeId: { type: Types.ObjectId, ref: 'User' },
    doneAt: { type: Date },
    doneBy: { type: Types.ObjectId, ref: 'User' },
    demo: { type: Boolean, default: false },
  },
  { timestamps: true },
);

caseTaskSchema.index({ caseId: 1, dueDate: 1 });
caseTaskSchema.index({ organisationId: 1, doneAt: 1, dueDate: 1 });
// "My work" and the reminders: a person's open tasks by due date.
caseTaskSchema.index({ assigneeId: 1, doneAt: 1, dueDate: 1 });

export type CaseTask = InferSchemaType<typeof caseTaskSchema> & { _id: Types.ObjectId };
export const CaseTaskModel = model('CaseTask', caseTaskSchema, 'case_tasks');
