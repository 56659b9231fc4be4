import { Schema, Types, model, type InferSchemaType } from 'mongoose';
import { LOOKUPS } from '../domain/lookups.js';

/** A case note or follow-up visit (DOMAIN.md). The text is sealed with its language tag (D1, I18N.md). */
const caseNoteSchema = new Schema(
  {
    caseId: { type: Types.ObjectId, ref: 'Case', required: true },
    organisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
    type: { type: String, enum: LOOKUPS.noteType, required: true },
    date: { type: Date, required: true },
    /** BCP 47 tag of the language the text is written in. */
    language: { type: String, required: true, maxlength: 12 },
    secret: { type: String, required: true },
    authorId: { type: Types.ObjectId, ref: 'User', required: true },
    demo: { type: Boolean, default: false },
  },
  { timestamps: true },
);

caseNoteSchema.index({ caseId: 1, date: -1 });

export type CaseNote = InferSchemaType<typeof caseNoteSchema> & { _id: Types.ObjectId };
export const CaseNoteModel = model('CaseNote', caseNoteSchema, 'case_notes');
