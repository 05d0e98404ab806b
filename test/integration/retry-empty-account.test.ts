import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { openLedgerFromEnv } from '../../lib/ledger/embedded';
import type { Ledger } from '../../lib/ledger/port';
import { runCliInProcess } from '../helpers/cli-process';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review rvl: docs/design.md (lib/commands/ row): "args.ts parses every command's flags strictly: an unknown flag, a
// stray argument or an empty value (`--plan "$PLAN"` with PLAN unset) is refused before anything runs". `retry` parses
// its flags with its own parseArgs (commands/retry.ts parseRetryArgs), so `--account "$ACCOUNT"` with ACCOUNT unset
// reads as `--account ""`, which selectAccounts matches to the UNNAMED account (name ""): with several accounts the
// guard "--account is required" is passed and the failed renewals of the wrong account are reset and retried by the
// next renew run, while the intended account's stay at max-attempts.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const EXPIRY = Date.UTC(2026, 0, 10);
const NOW = Date.UTC(2026, 0, 1);

let dir: string;
const env = () => ({
  AUTORENEW_LEDGER_DIR: join(dir, 'ledger'),
  AUTORENEW_ACCOUNTS: JSON.stringify([
    { name: '', accessKeyIdEnv: 'MAIN_ID', accessKeySecretEnv: 'MAIN_SECRET' },
    { name: 'shop', accessKeyIdEnv: 'SHOP_ID', accessKeySecretEnv: 'SHOP_SECRET' },
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

async function seedFailed(account: string, domain: string) {
  await withAccount(account, async (ledger) => {
    const r = await ledger.claim({
      domain,
      expiryMs: EXPIRY,
      batchId: `b-${domain}`,
      attemptId: 'a1',
      years: 1,
      nowMs: NOW,
      maxAttempts: 3,
    });
    if (!r.ok) throw new Error('seed claim refused');
    await ledger.saveClaim({ ...r.claim, status: 'FAILED', attempts: 3, message: 'Insufficient balance' });
  });
}

const attemptsOf = (account: string, domain: string) =>
  withAccount(account, async (l) => (await l.listClaimsForDomain(domain)).map((c) => c.attempts));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rvl-retry-'));
  await seedFailed('', 'main-only.com');
  await seedFailed('shop', 'shop-only.com');
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('retry main-only.com --account "" (a variable left unset) is refused like every other command, writing nothing', async () => {
  const run = await runCliInProcess(['retry', 'main-only.com', '--account', ''], env());
  expect({ code: run.code, mainAttempts: await attemptsOf('', 'main-only.com') }).toEqual({
    code: EXIT.invalidInput,
    mainAttempts: [3],
  });
});
