// Three projects, each runnable alone: `npm run test:unit` (pure logic, no servers), `npm run test:integration`
// (real servers and processes on 127.0.0.1) and `npm run test:reliability` (faults, crashes, concurrency).
// `npm test` runs typecheck, lint and all three.
//
// Timeouts are sized for a loaded 2-core machine, not an idle one: no test asserts on wall-clock time (budgets live
// in `npm run bench`), so a generous timeout only decides how long a hung test takes to be reported. Each project
// sets its default through test/helpers/project-timeout.ts; files that spawn processes or package bundles raise it
// further with jest.setTimeout at their top.

const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  setupFiles: ['<rootDir>/test/helpers/env.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/helpers/project-timeout.ts'],
};

/** @param {string} name @param {number} timeoutMs @param {object} [extra] */
function project(name, timeoutMs, extra = {}) {
  return {
    ...shared,
    displayName: name,
    testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
    globals: { PROJECT_TEST_TIMEOUT_MS: timeoutMs },
    ...extra,
  };
}

// One DynamoDB Local for the run's files that use it, started in the background (test/helpers/dynamodb-local-shared.ts).
const integration = {
  globalSetup: '<rootDir>/test/helpers/integration-global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/integration-global-teardown.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [project('unit', 30_000), project('integration', 60_000, integration), project('reliability', 120_000)],
  // A bundle cache for the `autorenew` child processes, one fresh directory per run (test/helpers/global-setup.ts).
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  maxWorkers: 2,
  // The longest files first (known figures on a fresh clone, jest's cached durations after): no lone file at the end.
  testSequencer: '<rootDir>/test/helpers/longest-first-sequencer.js',
  // `npm run coverage` (jest --coverage): a summary and one row per folder; the money paths keep 90 % of their lines.
  collectCoverageFrom: ['lib/**/*.ts', '!lib/**/*.d.ts'],
  coverageReporters: ['text-summary', require.resolve('./test/helpers/coverage-folders.js')],
  coverageThreshold: {
    './lib/renewal/': { lines: 90 },
    './lib/ledger/': { lines: 90 },
    './lib/alibaba/': { lines: 90 },
  },
  reporters: ['default', '<rootDir>/test/helpers/summary-reporter.js'],
};
