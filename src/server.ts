/**
 * Starts Haven: configuration, the HTTP server, the database (embedded engine or MONGODB_URI), index
 * sync, demo data in development, and a graceful stop on SIGTERM.
 */
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApp } from './app.js';
import { config } from './config/index.js';
import { EngineUnavailableError, WAYS_OUT, isConnected, openDatabase, type OpenDatabase } from './lib/db/index.js';
import { logger } from './lib/logger.js';
import { say } from './lib/say.js';
import { ensureIndexes } from './services/database.js';
import { seedDemoCases } from './services/demo/cases.js';
import { ensureReportCells } from './services/facts/cells.js';
import { demoAccounts, seedDemoIfEmpty } from './services/demo/seed.js';
import { DEMO_PASSWORD } from './services/demo/users.js';
import { startNotificationTimers } from './services/notifications/reminders.js';

const SHUTDOWN_GRACE_MS = 10_000;

async function openWithRetry(): Promise<OpenDatabase> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await openDatabase(say);
    } catch (err) {
      if (err instanceof EngineUnavailableError) throw err;
      // A MongoDB server that is not up yet (a container starting): keep serving 503s and try again.
      const wait = Math.min(30_000, 1000 * attempt);
      logger.warn({ attempt, err: { type: (err as Error).name } }, 'database not reachable yet; retrying');
      await sleep(wait);
    }
  }
}

async function main(): Promise<void> {
  for (const notice of config.notices) {
    if (config.isProduction) logger.warn(notice);
    else say(`Warning: ${notice}`);
  }
  // Pages answer 503 until the start's own work on the database is done: summing the report cells
  // must not race a change to a case made meanwhile.
  let ready = false;
  const app = await createApp({ isConnected: () => ready && isConnected() });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 60_000;

  let database: OpenDatabase | undefined;
  const stopTimers: (() => void)[] = [];
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`Received ${signal}: finishing open requests, then stopping.`);
    const forced = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS + 5000);
    forced.unref();
    for (const stopTimer of stopTimers) stopTimer();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
    });
    await database?.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  try {
    database = await openWithRetry();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${WAYS_OUT}\n`);
    server.close();
    process.exit(1);
  }
  if (stopping) return;
  await ensureIndexes();
  // Before anything writes facts (the demo's seeding, the first page).
  const summed = await ensureReportCells();
  if (summed && summed.facts > 0) say(`Report figures summed from ${summed.facts} cases' reporting facts.`);
  ready = true;
  // Referral reminders every hour, and notification emails left waiting swept every minute.
  stopTimers.push(startNotificationTimers().stop);

  if (config.demo && !config.isProduction) {
    const report = await seedDemoIfEmpty();
    if (report) {
      say(`Seeded demo data into an empty database (all of it fictional):`);
      for (const org of report.created) say(`  ${org.code.padEnd(18)} ${org.kind.padEnd(7)} ${org.country}  ${org.name}`);
    }
    printDemoSignIn(await demoAccounts());
    // About a minute of work on the embedded engine: done after the server answers, so nobody waits.
    say('Registering the fictional demo cases in the background; they appear under /cases as they are made.');
    seedDemoCases().then(
      (n) => n > 0 && say(`${n} fictional demo cases registered.`),
      (err: unknown) => logger.warn({ err: { type: (err as Error)?.name } }, 'demo cases not seeded'),
    );
  }
  say(`Haven is running at ${config.baseUrl}/`);
}

/** How a newcomer signs in as each demo role: the accounts, the shared demo password, the code command. */
function printDemoSignIn(accounts: { email: string; role: string; organisation: string }[]): void {
  if (accounts.length === 0) return;
  say(`Demo accounts (fictional data only). Sign in at ${config.baseUrl}/login with:`);
  for (const a of accounts) say(`  ${a.role.padEnd(11)} ${a.email.padEnd(34)} ${a.organisation}`);
  say(`  password for all of them: ${DEMO_PASSWORD}`);
  say(`  second-factor code: run  npm run cli -- demo:totp <email>  (it prints the current 6-digit code)`);
}

main().catch((err: unknown) => {
  logger.fatal({ err: { type: (err as Error)?.name } }, 'Haven could not start');
  process.stderr.write(`Haven could not start: ${(err as Error)?.message ?? String(err)}\n`);
  process.exit(1);
});
