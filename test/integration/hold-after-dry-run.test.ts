import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { runCliInProcess } from '../helpers/cli-process';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review 2026-12-06 (round 5, helper rvu). `hold` on the embedded ledger now asks for a recorded renew run, but a DRY run records one
// too (reportRun -> ledger.recordRun, job 'renew'; withoutRunRecords is applied only on a stage's table). An
// operator who once tried `autorenew renew --dry-run` from their home directory (the README's way to look at what a
// run would do) has a home ledger with a "renew run" that no real renew run ever reads: `hold` there passes the gate
// and confirms "the renew job will not buy them", and the cron'd renew in /srv buys the domain.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({
    fixture: { domains: [{ domainName: 'selling-it.com', expiresAtMs: SANDBOX_NOW_MS + 10 * DAY_MS }], balance: 1000 },
    nowMs: SANDBOX_NOW_MS,
    freezeClock: true,
  });
  dir = await mkdtemp(join(tmpdir(), 'rvu-hold-dry-'));
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

it('a dry run from another directory does not make hold confirm a veto no renew run reads', async () => {
  const env = {
    AUTORENEW_ENDPOINT: sandbox.url,
    ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
    AUTORENEW_POLICY: join(__dirname, '..', 'fixtures', 'policies', 'buy-when-due.json'),
  };
  // The cron'd renew works in /srv (its ledger has history).
  expect((await runCliInProcess(['renew', '--dry-run'], env, join(dir, 'srv'))).code).toBe(EXIT.ok);
  // The operator at home once looked at what a run would do, with a dry run; later holds the domain from there.
  expect((await runCliInProcess(['renew', '--dry-run'], env, join(dir, 'home'))).code).toBe(EXIT.ok);
  const held = await runCliInProcess(['hold', 'selling-it.com', '--reason', 'sold'], env, join(dir, 'home'));
  const before = paid();
  await runCliInProcess(['renew', '--yes'], env, join(dir, 'srv'));
  const bought = paid() - before;
  expect({
    holdExit: held.code,
    holdConfirmedVeto: /the renew job will not buy them/.test(held.stdout),
    bought,
  }).toEqual({
    holdExit: EXIT.invalidInput, // no real renew run reads this ledger
    holdConfirmedVeto: false,
    bought: 1,
  });
});
