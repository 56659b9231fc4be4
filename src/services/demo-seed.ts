import { OrganisationModel } from '../models/organisation.js';
import { SystemStateModel } from '../models/system-state.js';
import { DEMO_ORGANISATIONS } from './demo-data.js';

export interface SeedReport {
  created: { code: string; kind: string; country: string; name: string }[];
  existing: string[];
}

const SEEDED = 'demo-seed';

/**
 * Creates the demo organisations that are missing. Safe to run again: each one is keyed by its code,
 * and an existing one is left as it is.
 */
export async function seedDemo(): Promise<SeedReport> {
  const report: SeedReport = { created: [], existing: [] };
  for (const org of DEMO_ORGANISATIONS) {
    const existing = await OrganisationModel.exists({ code: org.code });
    if (existing) {
      report.existing.push(org.code);
      continue;
    }
    await OrganisationModel.create({ ...org, demo: true });
    report.created.push({ code: org.code, kind: org.kind, country: org.country, name: org.name.en });
  }
  await SystemStateModel.updateOne(
    { _id: SEEDED },
    { $set: { at: new Date(), detail: `${report.created.length} organisations created` } },
    { upsert: true },
  );
  return report;
}

/**
 * Seeds an empty database once, for `npm start` in development. A database that was seeded before, or
 * that holds any organisation, is left alone.
 */
export async function seedDemoIfEmpty(): Promise<SeedReport | undefined> {
  if (await SystemStateModel.exists({ _id: SEEDED })) return undefined;
  if ((await OrganisationModel.countDocuments({})) > 0) return undefined;
  return seedDemo();
}
