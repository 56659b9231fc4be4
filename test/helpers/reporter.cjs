// The spec reporter, plus one plain closing line ("mocha: N passed, N failed") that CI reads.
const Mocha = require('mocha');

class HavenReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const { passes, failures, pending } = this.stats;
      const skipped = pending ? `, ${pending} skipped` : '';
      process.stdout.write(`\nmocha: ${passes} passed, ${failures} failed${skipped}\n`);
    });
  }
}

module.exports = HavenReporter;
