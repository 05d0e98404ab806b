import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { runCliInProcess } from '../helpers/cli-process';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review rvl: the embedded ledger lives in `.autorenew/` of the WORKING DIRECTORY. `renew` warns when it opens a new,
// empty one (review 2026-12-04: run from another directory it knew nothing of holds, failures, purchases), and `hold`
// on the deployed table is refused while no renew run is recorded there (round 4, helper H). `hold` on the embedded
// ledger has neither: run from another directory than the one the cron'd `autorenew renew` uses, it creates a fresh
// ledger there, prints "held ...; the renew job will not buy them" and exits 0; the renew run from the real
// directory never sees the hold and buys the vetoed domain.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({
    fixture: { domains: [{ domainName: 'selling-it.com', expiresAtMs: SANDBOX_NOW_MS + 10 * DAY_MS }], balance: 1000 },
    nowMs: SANDBOX_NOW_MS,
    freezeClock: true,
  });
  dir = await mkdtemp(join(tmpdir(), 'rvl-hold-dir-'));
  await mkdir(join(dir, 'srv'));
  await mkdir(join(dir, 'home'));
});
afterAll(async () => {
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const paid = () =>
  (sandbox.state().requests.SaveBatchTaskForCreatingOrderRenew ?? 0) +
  (sandbox.state().requests.SaveSingleTaskForCreatingOrderRenew ?? 0);

it('hold from another directory than the renew runs: not confirmed as a veto, and not bought', async () => {
  const env = {
    AUTORENEW_ENDPOINT: sandbox.url,
    ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
    AUTORENEW_POLICY: join(__dirname, '..', 'fixtures', 'policies', 'buy-when-due.json'),
  };
  // The cron'd renew works in /srv (its ledger has history: a first, dry run).
  expect((await runCliInProcess(['renew', '--dry-run'], env, join(dir, 'srv'))).code).toBe(EXIT.ok);
  // The operator, logged in, holds the domain from their home directory.
  const held = await runCliInProcess(['hold', 'selling-it.com', '--reason', 'sold'], env, join(dir, 'home'));
  const confirmedSilently =
    held.code === EXIT.ok &&
    !/new, empty ledger|no renew run/i.test(held.stderr) &&
    existsSync(join(dir, 'home', '.autorenew'));
  // Then cron's renew runs in /srv.
  const before = paid();
  await runCliInProcess(['renew', '--yes'], env, join(dir, 'srv'));
  const bought = paid() - before;
  expect({ holdConfirmedWithoutWarning: confirmedSilently, holdStdout: held.stdout, bought }).toEqual({
    holdConfirmedWithoutWarning: false,
    holdStdout: expect.any(String),
    bought: 1, // the hold was refused (and said so), not written: the operator knows the veto did not land
  });
});
