/**
 * Administrative commands: `npm run cli -- <command>`. They use the same database as a running
 * `npm start` (MONGODB_URI, or the embedded engine on HAVEN_DATA_DIR).
 */
import { config } from '../config/index.js';
import { ensureEngineBinary } from '../lib/db/engine.js';
import { WAYS_OUT, openDatabase } from '../lib/db/index.js';
import { say } from '../lib/say.js';
import { ensureIndexes } from '../services/database.js';
import { seedDemo } from '../services/demo-seed.js';

interface Command {
  summary: string;
  needsDatabase?: boolean;
  run(args: string[]): Promise<void>;
}

const COMMANDS: Record<string, Command> = {
  'engine:build': {
    summary: 'build the embedded engine now (or say where the cached one is)',
    needsDatabase: false,
    async run() {
      const started = Date.now();
      const binary = await ensureEngineBinary(config.engineCache, say);
      if (!binary) throw new Error(`No engine could be built here.\n${WAYS_OUT}`);
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
  say(`Using ${database.description}.`);
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
