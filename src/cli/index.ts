/**
 * Administrative commands: `npm run cli -- <command>`. They use the same database as a running
 * `npm start` (MONGODB_URI, or the embedded engine on HAVEN_DATA_DIR).
 */
import { config } from '../config/index.js';
import { ensureEngineBinary } from '../lib/db/engine.js';
import { WAYS_OUT, openDatabase } from '../lib/db/index.js';
import { say } from '../lib/say.js';
import { ensureIndexes } from '../services/database.js';
import { parseArgs } from 'node:util';
import { isRole } from '../domain/permissions.js';
import { verifyAuditChain } from '../services/audit/audit.js';
import { rotateKeys } from '../services/key-rotation.js';
import { reindexSearch } from '../services/cases/search-reindex.js';
import { adoptFamilyRatings } from '../services/care/assessment-adopt.js';
import { rebuildFacts } from '../services/facts/rebuild.js';
import { SingleBar, Presets } from 'cli-progress';
import { seedDemoCases } from '../services/demo/cases.js';
import { seedDemo } from '../services/demo/seed.js';
import { demoTotp } from '../services/demo/totp.js';
import { provisionUser } from '../services/admin/user-provisioning.js';
import { deliverPendingMails } from '../services/notifications/notifications.js';
import { sendReferralReminders } from '../services/notifications/reminders.js';

interface Command {
  summary: string;
  needsDatabase?: boolean;
  run(args: string[]): Promise<void>;
}

/** A progress bar of cases on stderr for a resumable run: it starts at the first report, from where the run resumed. */
function casesBar(): { update: (p: { done: number; total: number }) => void; stop: () => void } {
  const bar = new SingleBar({ format: 'cases [{bar}] {value}/{total}', hideCursor: true, stream: process.stderr }, Presets.shades_classic);
  let started = false;
  return {
    update(p) {
      if (!started) bar.start(Math.max(p.total, p.done), p.done);
      started = true;
      bar.setTotal(Math.max(p.total, p.done));
      bar.update(p.done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

const COMMANDS: Record<string, Command> = {
  'engine:build': {
    summary: 'build the embedded engine now (or say where the cached one is)',
    needsDatabase: false,
    async run() {
      const started = Date.now();
      const binary = await ensureEngineBinary(config.engineCache, say);
      if (!binary) throw new Error(`No engine could be built here (cargo is missing).\n${WAYS_OUT}`);
      say(`Engine ready: ${binary} (${Math.round((Date.now() - started) / 1000)} s)`);
    },
  },
  'db:indexes': {
    summary: 'create every index the schemas declare (and drop stale ones)',
    async run() {
      const dropped = await ensureIndexes();
      for (const [model, names] of Object.entries(dropped)) {
        say(`${model}: indexes in sync${names.length ? `; dropped ${names.join(', ')}` : ''}`);
      }
    },
  },
  'seed:demo': {
    summary: 'create the fictional demo organisations that are missing',
    async run() {
      await ensureIndexes();
      const report = await seedDemo();
      for (const org of report.created) say(`created  ${org.code.padEnd(18)} ${org.kind.padEnd(7)} ${org.country}  ${org.name}`);
      if (report.existing.length) say(`already there: ${report.existing.join(', ')}`);
      say(`${report.created.length} created, ${report.existing.length} already present (all fictional).`);
      for (const u of report.users) say(`account  ${u.role.padEnd(11)} ${u.email.padEnd(34)} ${u.organisation}`);
      say(`${report.users.length} demo accounts created.`);
      const bar = new SingleBar({ format: 'demo cases [{bar}] {value}/{total}', hideCursor: true, stream: process.stderr }, Presets.shades_classic);
      let started = false;
      const cases = await seedDemoCases((done, total) => {
        if (!started) bar.start(total, 0);
        started = true;
        bar.update(done);
      });
      if (started) bar.stop();
      say(`${cases} fictional demo cases registered${cases === 0 ? ' (the demo organisations already have cases)' : ''}.`);
    },
  },
  'user:create': {
    summary: 'create an account: --email --role (repeatable) --org CODE [--team] [--name]; prints a one-time password and the TOTP key',
    async run(args) {
      const { values } = parseArgs({
        args,
        options: { email: { type: 'string' }, role: { type: 'string', multiple: true }, org: { type: 'string' }, team: { type: 'string' }, name: { type: 'string' } },
        strict: true,
      });
      const roles = values.role ?? [];
      if (!values.email || !values.org || roles.length === 0) throw new Error('user:create needs --email, --role and --org');
      const unknown = roles.filter((r) => !isRole(r));
      if (unknown.length) throw new Error(`Unknown role: ${unknown.join(', ')}`);
      await ensureIndexes();
      const made = await provisionUser({ email: values.email, name: values.name ?? values.email, roles: roles.filter(isRole), organisationCode: values.org, team: values.team });
      say(`Created ${made.email}.`);
      say(`One-time password (to be changed at first sign-in): ${made.password}`);
      say(`Authenticator key (TOTP, add it to the user's app): ${made.totpSecret}`);
      say('Hand both over in person or by separate channels; Haven will not show them again.');
    },
  },
  'demo:totp': {
    summary: 'print the current second-factor code of a demo account (demo mode only)',
    async run(args) {
      if (!config.demo) throw new Error('demo:totp works only in demo mode (DEMO=true, never with real data).');
      const code = args[0] ? await demoTotp(args[0]) : undefined;
      if (!code) throw new Error('No demo account with that email. Usage: npm run cli -- demo:totp <email>');
      say(code);
    },
  },
  'keys:rotate': {
    summary: 'encrypt every sealed value and file again under the newest DATA_KEYS key (resumes if stopped)',
    async run() {
      const bar = new SingleBar({ format: '{collection} [{bar}] {value}/{total}', hideCursor: true, stream: process.stderr }, Presets.shades_classic);
      let current = '';
      const report = await rotateKeys((p) => {
        if (p.collection !== current) {
          if (current) bar.stop();
          current = p.collection;
          bar.start(Math.max(p.total, p.done), p.done, { collection: p.collection.padEnd(12) });
        } else {
          bar.setTotal(Math.max(p.total, p.done));
          bar.update(p.done);
        }
      });
      if (current) bar.stop();
      if (report.resumedFrom) say(`Resumed from ${report.resumedFrom}.`);
      say(`Key ${report.keyId}: ${report.rewritten} documents encrypted again, ${report.unchanged} already under it.`);
      say('Old keys can leave DATA_KEYS once every copy of Haven runs with the new list and backups made before today are no longer needed.');
    },
  },
  'search:reindex': {
    summary: 'give every case the search tokens of this version (name beginnings, case number digits); resumes if stopped',
    async run() {
      const bar = casesBar();
      const report = await reindexSearch(bar.update);
      bar.stop();
      if (report.resumedFrom) say(`Resumed after case ${report.resumedFrom}.`);
      say(`${report.rewritten} cases given new search tokens, ${report.unchanged} already up to date.`);
    },
  },
  'facts:rebuild': {
    summary: "recompute every case's reporting facts from its records; resumes if stopped",
    async run() {
      const bar = casesBar();
      const report = await rebuildFacts(bar.update);
      bar.stop();
      if (report.resumedFrom) say(`Resumed after case ${report.resumedFrom}.`);
      say(`${report.rewritten} cases' facts rewritten, ${report.unchanged} already up to date, ${report.removed} of deleted cases removed.`);
    },
  },
  'assessments:adopt-family': {
    summary: "turn each case's old family situation rating into a needs assessment of the family domain, then remove it; resumes if stopped",
    async run() {
      const bar = casesBar();
      const report = await adoptFamilyRatings(bar.update);
      bar.stop();
      if (report.resumedFrom) say(`Resumed after case ${report.resumedFrom}.`);
      say(`${report.adopted} family ratings became assessments, ${report.cleared} empty ones were removed.`);
    },
  },
  'referrals:remind': {
    summary: 'remind partners of sent referrals past their due date (once each; offline ones: the caseworker), and send notification emails left waiting',
    async run() {
      const report = await sendReferralReminders();
      const mails = await deliverPendingMails();
      say(`${report.reminded} referral reminders sent${report.failed ? `, ${report.failed} left for the next run` : ''}; ${mails} waiting notification emails sent.`);
    },
  },
  'audit:verify': {
    summary: 'check the hash chain of the audit log; names the first broken entry',
    async run() {
      const report = await verifyAuditChain();
      if (report.ok) {
        say(`Audit log intact: ${report.checked} entries checked.`);
        return;
      }
      const b = report.firstBroken!;
      throw new Error(`Audit log broken at entry #${b.seq} (id ${b.id}): ${b.problem} does not match. ${report.checked} entries before it are intact.`);
    },
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return ['Usage: npm run cli -- <command>', '', 'Commands:']
    .concat(Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`))
    .join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help') {
    say(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`Unknown command: ${name}\n\n${usage()}\n`);
    return 2;
  }
  if (command.needsDatabase === false) {
    await command.run(args);
    return 0;
  }
  const database = await openDatabase(say);
  try {
    await command.run(args);
    return 0;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error)?.message ?? String(err)}\n`);
    process.exit(1);
  },
);
