import { Schema, Types, model, type InferSchemaType } from 'mongoose';
import { LOCALES } from '../domain/locales.js';
import { LOOKUPS } from '../domain/lookups.js';
import { DECLINE_REASONS, DELIVERY_METHODS, REFERRAL_REASONS, REFERRAL_SECTIONS, REFERRAL_STATUSES, URGENCIES } from '../domain/referrals.js';

/**
 * A referral of a child to a partner organisation (DOMAIN.md "Referral"; SECURITY.md C3, C4).
 *
 * The partner's pages are built from this document alone, never from the case: at sending, the
 * sections the caseworker chose are copied into `snapshot` (sealed JSON, services/referrals/snapshot.ts),
 * and the attachments chosen are copied into the referral's own files (models/referral-file.ts). Codes and dates stay in the clear for the inbox, My work, the
 * reminders and the reporting facts; everything a person typed is sealed (D1).
 */
const stepSchema = new Schema(
  {
    from: { type: String, enum: REFERRAL_STATUSES },
    to: { type: String, enum: REFERRAL_STATUSES, required: true },
    at: { type: Date, required: true },
    by: { type: Types.ObjectId, ref: 'User', required: true },
    /** The organisation of whoever moved it (the sender records an offline partner's answers itself). */
    byOrganisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
    /** For a decline, the reason code. */
    reason: { type: String, enum: DECLINE_REASONS },
    /** A note typed with the move (why it was revoked, what was agreed), with its language: sealed. */
    secret: { type: String },
    language: { type: String, maxlength: 12 },
  },
  { _id: false },
);

/** A translation of one free-text field of the snapshot or of the referral's note, by someone who reads both. */
const translationSchema = new Schema({
  /** Which text: `note`, `notes.<i>`, `goals.<i>`, `family.summary`, `assessment.summary`. */
  field: { type: String, required: true, maxlength: 40 },
  /** The language of the translation (BCP 47). */
  language: { type: String, required: true, maxlength: 12 },
  /** `{ text }`, sealed. */
  secret: { type: String, required: true },
  by: { type: Types.ObjectId, ref: 'User', required: true },
  byOrganisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
  at: { type: Date, required: true },
  /** The snapshot version translated: a newer snapshot shows older translations as such. */
  snapshotVersion: { type: Number, required: true },
});

const referralSchema = new Schema(
  {
    /** The referral's own number (`RF-2026-00042`, per sending organisation), the one both sides quote. */
    reference: { type: String, required: true, maxlength: 40 },
    caseId: { type: Types.ObjectId, ref: 'Case', required: true },
    fromOrganisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
    toOrganisationId: { type: Types.ObjectId, ref: 'Organisation', required: true },
    /** The partner's language: the preview and the PDF form for an offline partner are in it. */
    locale: { type: String, enum: LOCALES, required: true },
    /** The partner has no Haven account: the caseworker sends the PDF form and records the answers. */
    offline: { type: Boolean, default: false },
    service: { type: String, enum: LOOKUPS.serviceType, required: true },
    urgency: { type: String, enum: URGENCIES, required: true },
    reasons: { type: [String], enum: REFERRAL_REASONS, default: [] },
    dueDate: { type: Date, required: true },
    /** The sections chosen to share (minimum necessary) and, within them, the records chosen. */
    sections: { type: [String], enum: REFERRAL_SECTIONS, default: [] },
    noteIds: { type: [Types.ObjectId], default: [] },
    attachmentIds: { type: [Types.ObjectId], default: [] },
    /** What the caseworker asks of the partner, `{ text }`, sealed, with its language. */
    secret: { type: String },
    language: { type: String, maxlength: 12 },
    /** The consent the referral relies on (C4), or the override that stood in for it. */
    consent: {
      consentId: { type: Types.ObjectId },
      override: { type: Boolean, default: false },
      /** The written reason for sending without consent: sealed. */
      overrideSecret: { type: String },
      by: { type: Types.ObjectId, ref: 'User' },
      at: { type: Date },
    },
    status: { type: String, enum: REFERRAL_STATUSES, required: true, default: 'draft' },
    statusAt: { type: Date, required: true },
    steps: { type: [stepSchema], default: [] },
    declineReason: { type: String, enum: DECLINE_REASONS },
    /** What the partner sees: the shared sections as they were at sending (or at the last update). */
    snapshot: {
      /** Sealed JSON (services/referrals/snapshot.ts). */
      secret: { type: String },
      version: { type: Number, default: 0 },
      takenAt: { type: Date },
      takenBy: { type: Types.ObjectId, ref: 'User' },
    },
    translations: { type: [translationSchema], default: [] },
    /** How the form reached an offline partner. */
    delivery: {
      method: { type: String, enum: DELIVERY_METHODS },
      sentAt: { type: Date },
      recordedBy: { type: Types.ObjectId, ref: 'User' },
    },
    sentAt: { type: Date },
    acknowledgedAt: { type: Date },
    acceptedAt: { type: Date },
    declinedAt: { type: Date },
    startedAt: { type: Date },
    completedAt: { type: Date },
    revokedAt: { type: Date },
    /** The newest message and its side, for My work and the inbox. */
    lastMessageAt: { type: Date },
    lastMessageSide: { type: String, enum: ['sender', 'partner'] },
    /** When the reminder that it was not acknowledged by its due date went out (once). */
    reminderSentAt: { type: Date },
    createdBy: { type: Types.ObjectId, ref: 'User', required: true },
    demo: { type: Boolean, default: false },
  },
  { timestamps: true, optimisticConcurrency: true },
);

referralSchema.index({ fromOrganisationId: 1, reference: 1 }, { unique: true });
/** The partner's inbox (newest first) and its counts by state and due date. */
referralSchema.index({ toOrganisationId: 1, status: 1, _id: -1 });
referralSchema.index({ toOrganisationId: 1, status: 1, dueDate: 1 });
/** The referrals of one case, on the case page. */
referralSchema.index({ caseId: 1, _id: -1 });
/** My work: the referrals a caseworker sent that wait for an answer, and those with new partner messages. */
referralSchema.index({ fromOrganisationId: 1, createdBy: 1, status: 1, dueDate: 1 });
referralSchema.index({ fromOrganisationId: 1, createdBy: 1, lastMessageSide: 1, lastMessageAt: -1 });
/** The reminder sweep: sent, not acknowledged, past due, not yet reminded. */
referralSchema.index({ status: 1, dueDate: 1 });

export type Referral = InferSchemaType<typeof referralSchema> & { _id: Types.ObjectId; __v?: number };
export const ReferralModel = model('Referral', referralSchema, 'referrals');
