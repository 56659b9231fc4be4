/** `npm run bench -- <name>`: benchmarks print their figures; they assert nothing. */
const BENCHES: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  pages: () => import('./pages.js'),
  auth: () => import('./auth.js'),
  cases: () => import('./cases.js'),
  engines: () => import('./engines.js'),
  'upsert-race': () => import('./upsert-race.js'),
  referrals: () => import('./referrals.js'),
  reports: () => import('./reports.js'),
};

const name = process.argv[2] ?? 'pages';
const bench = BENCHES[name];
if (!bench) {
  console.error(`Unknown benchmark: ${name}. Known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
await (await bench()).run();
process.exit(0);
