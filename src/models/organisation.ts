import { Schema, model, type InferSchemaType } from 'mongoose';
import { DEFAULT_REVIEW_INTERVAL_DAYS, MAX_REVIEW_INTERVAL_DAYS, MIN_REVIEW_INTERVAL_DAYS } from '../domain/care-plans.js';
import { LOCALES } from '../domain/locales.js';
import { LOOKUPS } from '../domain/lookups.js';
import { REPORT_FIGURES } from '../domain/reports.js';
import { TEAM_NAME_MAX } from '../domain/teams.js';
import { isTimeZone } from '../domain/time-zones.js';

/**
 * An operating NGO (owns cases) or a partner organisation (receives referrals). DOMAIN.md.
 * Names are kept per locale, so partner staff read their organisation's name in their language.
 */
const localisedName = new Schema(
  Object.fromEntries(LOCALES.map((lng) => [lng, { type: String, trim: true, maxlength: 200 }])),
  { _id: false },
);

/**
 * A team of the organisation (domain/teams.ts). Users and cases hold its `code`, which never changes;
 * a retired team is offered no more but keeps its members and cases, so nobody loses sight of a case.
 */
const teamSchema = new Schema({
  code: { type: String, required: true, maxlength: 60 },
  name: { type: String, required: true, trim: true, maxlength: TEAM_NAME_MAX },
  retired: { type: Boolean, default: false },
});

const organisationSchema = new Schema(
  {
    /** Short stable code, e.g. `PH-SAMPAGUITA`; the prefix of its case numbers later. */
    code: { type: String, required: true, trim: true, maxlength: 40, match: /^[A-Z0-9-]+$/ },
    kind: { type: String, required: true, enum: ['ngo', 'partner'] },
    /** ISO 3166-1 alpha-2. */
    country: { type: String, required: true, match: /^[A-Z]{2}$/ },
    name: { type: localisedName, required: true },
    /** Service codes (LOOKUPS.serviceType) the organisation offers. */
    services: { type: [String], enum: LOOKUPS.serviceType, default: [] },
    /**
     * The IANA zone the audit log and the case history show times in. Set from the country's
     * (time-zones.ts) when an organisation is registered; one without it shows UTC, and says so.
     */
    timeZone: { type: String, validate: { validator: (v: unknown) => v === null || v === undefined || isTimeZone(v), message: 'unknown time zone' } },
    teams: { type: [teamSchema], default: [] },
    /** Raised by every change of `teams`, so two admins changing the list at once cannot both win. */
    teamsVersion: { type: Number, default: 0 },
    preferredLocale: { type: String, required: true, enum: LOCALES },
    /** Care plans: days from the plan's approval, then from the last signed-off review, to the next review. */
    reviewIntervalDays: { type: Number, min: MIN_REVIEW_INTERVAL_DAYS, max: MAX_REVIEW_INTERVAL_DAYS, default: DEFAULT_REVIEW_INTERVAL_DAYS },
    /** The figures its period summary for donors and governments shows, in order (domain/reports.ts); empty: the default list. */
    reportFigures: { type: [String], enum: REPORT_FIGURES, default: [] },
    /** Generated demo data, never real. */
    demo: { type: Boolean, default: false },
  },
  { timestamps: true, optimisticConcurrency: true },
);

organisationSchema.index({ code: 1 }, { unique: true });
organisationSchema.index({ kind: 1, country: 1 });

export type Organisation = InferSchemaType<typeof organisationSchema>;
export const OrganisationModel = model('Organisation', organisationSchema);
