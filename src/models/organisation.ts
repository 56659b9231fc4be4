import { Schema, model, type InferSchemaType } from 'mongoose';
import { LOCALES } from '../domain/locales.js';

/**
 * An operating NGO (owns cases) or a partner organisation (receives referrals). DOMAIN.md.
 * Names are kept per locale, so partner staff read their organisation's name in their language.
 */
const localisedName = new Schema(
  Object.fromEntries(LOCALES.map((lng) => [lng, { type: String, trim: true, maxlength: 200 }])),
  { _id: false },
);

const organisationSchema = new Schema(
  {
    /** Short stable code, e.g. `PH-SAMPAGUITA`; the prefix of its case numbers later. */
    code: { type: String, required: true, trim: true, maxlength: 40, match: /^[A-Z0-9-]+$/ },
    kind: { type: String, required: true, enum: ['ngo', 'partner'] },
    /** ISO 3166-1 alpha-2. */
    country: { type: String, required: true, match: /^[A-Z]{2}$/ },
    name: { type: localisedName, required: true },
    /** Service codes (lookups) the organisation offers. */
    services: { type: [String], default: [] },
    preferredLocale: { type: String, required: true, enum: LOCALES },
    /** Generated demo data, never real. */
    demo: { type: Boolean, default: false },
  },
  { timestamps: true, optimisticConcurrency: true },
);

organisationSchema.index({ code: 1 }, { unique: true });
organisationSchema.index({ kind: 1, country: 1 });

export type Organisation = InferSchemaType<typeof organisationSchema>;
export const OrganisationModel = model('Organisation', organisationSchema);
