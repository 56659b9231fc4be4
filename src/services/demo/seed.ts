import { Invalid } from '../../domain/errors.js';
import { defaultTimeZone } from '../../domain/time-zones.js';
import { OrganisationModel } from '../../models/organisation.js';
import { SystemStateModel } from '../../models/system-state.js';
import { UserModel } from '../../models/user.js';
import { changeOrCreate, isDuplicateKey } from '../create-if-missing.js';
import { DEMO_ORGANISATIONS } from './data.js';
import { DEMO_PASSWORD, DEMO_USERS } from './users.js';
import { adoptTypedTeams } from '../admin/teams.js';
import { provisionUser } from '../admin/user-provisioning.js';

export interface SeedReport {
  created: { code: string; kind: string; country: string; name: string }[];
  existing: string[];
  users: { email: string; role: string; organisation: string }[];
}

const SEEDED = 'demo-seed';
const EMAIL_TAKEN = 'admin:users.errors.emailTaken';

/**
 * `npm start` and `seed:demo` may seed at the same time: what the other created first (a duplicate key,
 * or the account check's answer) counts as existing, not as an error.
 */
function falseIfDuplicate(err: unknown): false {
  if (isDuplicateKey(err)) return false;
  throw err;
}

/**
 * Creates the demo organisations and accounts that are missing. Safe to run again: each organisation
 * is keyed by its code and each account by its email; an existing one is left as it is.
 */
export async function seedDemo(): Promise<SeedReport> {
  const report: SeedReport = { created: [], existing: [], users: [] };
  for (const org of DEMO_ORGANISATIONS) {
    const created =
      !(await OrganisationModel.exists({ code: org.code })) &&
      (await OrganisationModel.create({ ...org, timeZone: defaultTimeZone(org.country), demo: true }).then(() => true, falseIfDuplicate));
    if (created) report.created.push({ code: org.code, kind: org.kind, country: org.country, name: org.name.en });
    else report.existing.push(org.code);
  }
  await upgradeDemoOrganisations();
  for (const user of DEMO_USERS) {
    if (await UserModel.exists({ email: user.email })) continue;
    try {
      await provisionUser({ ...user, roles: [user.role], password: DEMO_PASSWORD, demo: true });
    } catch (err) {
      if (err instanceof Invalid && err.fields.email === EMAIL_TAKEN) continue;
      throw err;
    }
    report.users.push({ email: user.email, role: user.role, organisation: user.organisationCode });
  }
  const seeded = { at: new Date(), detail: `${report.created.length} organisations and ${report.users.length} accounts created` };
  await changeOrCreate(
    async () => ((await SystemStateModel.updateOne({ _id: SEEDED }, { $set: seeded })).matchedCount > 0 ? true : null),
    async () => {
      await SystemStateModel.create({ _id: SEEDED, ...seeded });
      return true;
    },
  );
  return report;
}

/**
 * Demo organisations seeded before organisations had a time zone, or before teams were a list the admin
 * keeps, catch up: the country's zone, and the typed team names of their staff and cases become the
 * list's teams (services/admin/teams.ts). Safe to run again.
 */
async function upgradeDemoOrganisations(): Promise<void> {
  for (const org of DEMO_ORGANISATIONS) {
    const stored = await OrganisationModel.findOne({ code: org.code, demo: true }).select({ _id: 1, timeZone: 1 }).lean();
    if (!stored) continue;
    if (!stored.timeZone) await OrganisationModel.updateOne({ _id: stored._id }, { $set: { timeZone: defaultTimeZone(org.country) } });
    await adoptTypedTeams(stored._id);
  }
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

/** The demo accounts present in the database, for the sign-in instructions `npm start` prints. */
export async function demoAccounts(): Promise<{ email: string; role: string; organisation: string }[]> {
  const present = new Set((await UserModel.find({ demo: true, status: 'active' }, { email: 1 }).lean()).map((u) => u.email));
  return DEMO_USERS.filter((u) => present.has(u.email)).map((u) => ({ email: u.email, role: u.role, organisation: u.organisationCode }));
}
