// Waits and timeouts for tests that start processes, sized for a loaded 2-core machine (load average 5-9), not an
// idle one. They only bound how long a hung start takes to be reported; no test asserts on elapsed time.

/** The longest a spawned process, worker or emulator may take to accept connections before its start fails. */
export const START_WAIT_MS = 120_000;

/** Timeout of a beforeAll that starts one: the start wait plus a margin, so the start's own message is what shows. */
export const START_HOOK_TIMEOUT_MS = START_WAIT_MS + 30_000;

/** Per-test timeout of files that spawn processes or package bundles (set with jest.setTimeout at their top). */
export const PROCESS_TEST_TIMEOUT_MS = 120_000;

/**
 * Timeout of a beforeAll that runs several packaging chains at once (test/integration/deploy.test.ts): each chain is
 * one or two osls runs, CPU-bound, so on a machine loaded many times over they take minutes. Bounds a hang only.
 */
export const PACKAGING_HOOK_TIMEOUT_MS = 360_000;
