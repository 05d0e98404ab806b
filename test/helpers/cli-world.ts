import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedgerFromEnv } from '../../lib/ledger/embedded';
import type { Ledger } from '../../lib/ledger/port';
import { type Sandbox, type SandboxFixtureDomain, startSandbox } from '../../lib/sandbox';
import { DAY_MS, SANDBOX_NOW_MS } from './sandbox-fixture';

/** A loopback sandbox account and working directories for running the CLI in several places, as people do. */
export interface CliWorld {
  sandbox: Sandbox;
  /** The temporary directory holding the working directories. */
  dir: string;
  /** The CLI's environment: the sandbox's endpoint and keys, and a policy that buys what is due. */
  env(): Record<string, string>;
  /** Paid renewal calls the sandbox received so far. */
  paid(): number;
  close(): Promise<void>;
}

/**
 * Starts a sandbox (frozen at SANDBOX_NOW_MS, balance 1000) holding `domains`, and makes the working directories
 * `dirs` (e.g. `srv`, where the cron'd renew runs, and `home`) under a new temporary directory.
 */
export async function startCliWorld(domains: SandboxFixtureDomain[], dirs: readonly string[]): Promise<CliWorld> {
  const sandbox = await startSandbox({ fixture: { domains, balance: 1000 }, nowMs: SANDBOX_NOW_MS, freezeClock: true });
  const dir = await mkdtemp(join(tmpdir(), 'cli-world-'));
  for (const d of dirs) await mkdir(join(dir, d));
  return {
    sandbox,
    dir,
    env: () => ({
      AUTORENEW_ENDPOINT: sandbox.url,
      ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
      AUTORENEW_POLICY: join(__dirname, '..', 'fixtures', 'policies', 'buy-when-due.json'),
    }),
    paid: () =>
      (sandbox.state().requests.SaveBatchTaskForCreatingOrderRenew ?? 0) +
      (sandbox.state().requests.SaveSingleTaskForCreatingOrderRenew ?? 0),
    async close() {
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The renew runs' embedded ledger in `world.dir/<dirName>` as a cron'd renew run there leaves it (a run recorded a day
 * before SANDBOX_NOW_MS, at the sandbox's endpoint), then `seed` writes the test's own items; closed after.
 */
export async function seedRenewLedger(
  world: CliWorld,
  dirName: string,
  seed: (ledger: Ledger) => Promise<void>,
): Promise<void> {
  const opened = await openLedgerFromEnv({ AUTORENEW_LEDGER_DIR: join(world.dir, dirName, '.autorenew') });
  try {
    await opened.ledger.recordRun({
      job: 'renew',
      runId: 'r0',
      startedAtMs: SANDBOX_NOW_MS - DAY_MS,
      finishedAtMs: SANDBOX_NOW_MS - DAY_MS + 60_000,
      ok: true,
      summary: {},
      endpoint: world.sandbox.url,
    });
    await seed(opened.ledger);
  } finally {
    await opened.close();
  }
}
