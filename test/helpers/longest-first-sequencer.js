// Orders the test files so that the longest start first, which keeps both workers busy to the end of the run
// instead of leaving one file running alone. Jest's own sequencer does this only from its cache of earlier
// durations; on a fresh clone (CI) it falls back to file size, which put the 40-line chaos file, one of the longest,
// near the end. Here a file's estimate is its cached duration when jest has one, else the figure below (seconds
// measured in a full run on a lightly loaded 2-core machine; only their order matters), else 0; ties go by file size,
// largest first. Files that failed last time still come first, as with jest's default.
const { relative } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const ROOT = require('node:path').resolve(__dirname, '..', '..');

/** Known long files, relative to the repository root. */
const KNOWN_SECONDS = {
  'test/integration/renew-processes.test.ts': 16.5,
  'test/integration/deploy.test.ts': 15.5,
  'test/integration/deploy-guide.test.ts': 9,
  'test/integration/cli.test.ts': 6.5,
  'test/reliability/chaos.test.ts': 5,
  'test/reliability/holes.test.ts': 5,
  'test/reliability/chat-flaky.test.ts': 5,
  'test/reliability/secrets.test.ts': 3.5,
  'test/integration/ledger-dynamodb-local.test.ts': 3,
  'test/integration/doctor-cli.test.ts': 2.5,
  'test/integration/ledger-dynalite.test.ts': 2.5,
  'test/integration/readonly-secret.test.ts': 2.5,
  'test/integration/partial-faults.test.ts': 2.5,
  'test/integration/renew.test.ts': 2.5,
  'test/integration/cli-hostile-text.test.ts': 2,
  'test/integration/doctor-stage-cli.test.ts': 2,
};

class LongestFirstSequencer extends Sequencer {
  sort(tests) {
    const size = (test) => test.context.hasteFS.getSize(test.path) ?? 0;
    for (const test of tests) {
      const known = KNOWN_SECONDS[relative(ROOT, test.path).split('\\').join('/')];
      test.duration = this.time(test) ?? (known === undefined ? undefined : known * 1000);
    }
    return [...tests].sort((a, b) => {
      const failed = Number(this.hasFailed(b)) - Number(this.hasFailed(a));
      return failed || (b.duration ?? 0) - (a.duration ?? 0) || size(b) - size(a);
    });
  }
}

module.exports = LongestFirstSequencer;
