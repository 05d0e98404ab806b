// Runs before every test file (setupFilesAfterEnv in jest.config.js): sets the project's default per-test and
// per-hook timeout, given as the PROJECT_TEST_TIMEOUT_MS global of each project. A file may raise it with its own
// jest.setTimeout (files that spawn processes or package bundles use 120 s).

declare const PROJECT_TEST_TIMEOUT_MS: number | undefined;

if (typeof PROJECT_TEST_TIMEOUT_MS === 'number') jest.setTimeout(PROJECT_TEST_TIMEOUT_MS);
