import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../lib/cli';
import type { CliIO } from '../../lib/commands/io';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// design.md (review 2026-12-07): "a plan saved or confirmed covers the accounts it was made for". A saved plan file
// names no account: renew.ts files it under whichever account the renew shell runs (`plans.set(job.label, saved)`),
// so the accounts check after the question compares the run's labels with themselves. `plan --account cn --out`
// then `renew --plan` from a shell without AUTORENEW_ACCOUNTS (the same key, read as the unnamed account) buys the
// cn plan into the unnamed account's ledger keyspace, which the cn runs (their claims, holds, budgets, open
// batches, notices) never read; on a table the keyspace gate stops that shell, on the embedded ledger nothing does.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ROOT = resolve(__dirname, '..', '..');
const POLICY = join(__dirname, '..', 'fixtures', 'policies', 'buy-when-due.json');
const DAY_MS = 86_400_000;

let sandbox: Sandbox;
let dir: string;

beforeEach(async () => {
  const now = Date.now();
  sandbox = await startSandbox({
    nowMs: now,
    fixture: { domains: [{ domainName: 'main-brand.com', expiresAtMs: now + 10 * DAY_MS }], balance: 100_000 },
  });
  dir = await mkdtemp(join(tmpdir(), 'plan-account-'));
});
afterEach(async () => {
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

it('a plan saved for account cn is not bought by a renew run as another account', async () => {
  const accountsFile = join(dir, 'accounts.json');
  await writeFile(
    accountsFile,
    JSON.stringify([
      { name: 'cn', endpoint: sandbox.url, accessKeyIdEnv: 'CN_KEY_ID', accessKeySecretEnv: 'CN_KEY_SECRET' },
    ]),
  );
  const out: string[] = [];
  const io = (env: Record<string, string>): CliIO => ({
    out: (l) => out.push(l),
    err: (l) => out.push(l),
    isTTY: false,
    cwd: ROOT,
    env: { AUTORENEW_POLICY: POLICY, AUTORENEW_LEDGER_DIR: join(dir, '.autorenew'), ...env },
  });
  const file = join(dir, 'plan.json');
  const cn = {
    AUTORENEW_ACCOUNTS: accountsFile,
    CN_KEY_ID: sandbox.accessKeyId,
    CN_KEY_SECRET: sandbox.accessKeySecret,
  };
  expect(await runCli(['plan', '--account', 'cn', '--out', file], io(cn))).toBe(0);
  expect(JSON.parse(await readFile(file, 'utf8')).purchases.map((p: { domain: string }) => p.domain)).toEqual([
    'main-brand.com',
  ]);
  // Another shell: the same key, no AUTORENEW_ACCOUNTS (the unnamed account).
  const code = await runCli(
    ['renew', '--plan', file, '--yes'],
    io({
      AUTORENEW_ENDPOINT: sandbox.url,
      ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
    }),
  );
  expect({ code, bought: sandbox.state().submissions.map((s) => s.domainName) }).toEqual({
    code: 1,
    bought: [],
  });
});
