import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedgerFromEnv } from '../../lib/ledger/embedded';
import type { Ledger } from '../../lib/ledger/port';
import { runCliInProcess } from '../helpers/cli-process';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

/**
 * Review 2026-12-07. A domain pushed from account a to account b; a's claim of its expiry failed limits.maxAttempts
 * times. b's planner applies a's failure as its own (peer-claims.ts), so b says `max-attempts: needs a human`. With
 * several accounts retry needs --account; the person runs it for b, the account that now holds the domain: b's
 * keyspace has no claim, so it said "nothing to retry (no renewal recorded)", exit 0, while a's failure, which only
 * `--account a` clears, kept b from buying.
 */
const EXPIRY = Date.UTC(2026, 0, 10);
const NOW = Date.UTC(2026, 0, 1);
let dir: string;
const env = () => ({
  AUTORENEW_LEDGER_DIR: join(dir, 'ledger'),
  AUTORENEW_ACCOUNTS: JSON.stringify([
    { name: 'a', accessKeyIdEnv: 'A_ID', accessKeySecretEnv: 'A_SECRET' },
    { name: 'b', accessKeyIdEnv: 'B_ID', accessKeySecretEnv: 'B_SECRET' },
  ]),
});

async function withAccount<T>(account: string, fn: (l: Ledger) => Promise<T>): Promise<T> {
  const opened = await openLedgerFromEnv(env());
  try {
    return await fn(opened.forAccount(account));
  } finally {
    await opened.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'retry-peer-'));
  await withAccount('a', async (ledger) => {
    const r = await ledger.claim({
      domain: 'moved.com',
      expiryMs: EXPIRY,
      batchId: 'b-1',
      attemptId: 'r1/b-1',
      years: 1,
      nowMs: NOW,
      maxAttempts: 3,
    });
    if (!r.ok) throw new Error('seed claim refused');
    await ledger.saveClaim({ ...r.claim, status: 'FAILED', attempts: 3, message: 'Insufficient balance' });
  });
  await withAccount('b', (l) =>
    l.recordRun({ job: 'renew', runId: 'x', startedAtMs: NOW, finishedAtMs: NOW + 1, ok: true, summary: {} }),
  );
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('retry in the account that holds the domain names the account whose failure holds it back', async () => {
  const run = await runCliInProcess(['retry', 'moved.com', '--account', 'b'], env());
  expect(run.stdout).toContain(
    'moved.com: nothing to retry (no renewal recorded); account a has a failed renewal of it, which holds it back here too: autorenew retry moved.com --account a',
  );
  // And that one clears it.
  const again = await runCliInProcess(['retry', 'moved.com', '--account', 'a'], env());
  expect(again.stdout).toMatch(/moved\.com \(expiry 2026-01-10\): 3 failed attempt\(s\) cleared/);
  const after = await runCliInProcess(['retry', 'moved.com', '--account', 'b'], env());
  expect(after.stdout).not.toContain('account a has a failed renewal');
});
