import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { runCliInProcess } from '../helpers/cli-process';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review 2026-12-06 (round 4, helper rvt): `hold` on the embedded ledger was refused only where there was no ledger
// yet (round 5, L: run from another directory than the renew runs, it confirmed a veto no renew run reads). Every
// other ledger command (holds, status, unhold, retry, plan, check) creates that ledger when it opens it, so "look at
// the holds, then hold" from the wrong directory passed the gate: `hold` confirmed "the renew job will not buy them",
// and the renew run from its own directory bought the domain. `hold` now also asks the embedded ledger for a recorded
// renew run, as it asks the deployed table (--no-run-check before the first run).
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({
    fixture: { domains: [{ domainName: 'selling-it.com', expiresAtMs: SANDBOX_NOW_MS + 10 * DAY_MS }], balance: 1000 },
    nowMs: SANDBOX_NOW_MS,
    freezeClock: true,
  });
  dir = await mkdtemp(join(tmpdir(), 'rvt-holds-dir-'));
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

it('holds (read only) from another directory, then hold: still refused, the veto is not confirmed', async () => {
  const env = {
    AUTORENEW_ENDPOINT: sandbox.url,
    ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
    AUTORENEW_POLICY: join(__dirname, '..', 'fixtures', 'policies', 'buy-when-due.json'),
  };
  // The cron'd renew works in /srv.
  expect((await runCliInProcess(['renew', '--dry-run'], env, join(dir, 'srv'))).code).toBe(EXIT.ok);
  // The operator, logged in at home, first looks at the holds (a read), then holds the domain.
  const looked = await runCliInProcess(['holds'], env, join(dir, 'home'));
  const held = await runCliInProcess(['hold', 'selling-it.com', '--reason', 'sold'], env, join(dir, 'home'));
  // Then cron's renew runs in /srv.
  const before = paid();
  await runCliInProcess(['renew', '--yes'], env, join(dir, 'srv'));
  const bought = paid() - before;
  // `holds` from a directory with no ledger is refused, and creates none (review 2026-12-06, round 5).
  expect(looked.code).toBe(EXIT.invalidInput);
  expect(looked.stderr).toMatch(/no ledger at .*home.*\.autorenew: holds reads the ledger the renew runs use/);
  expect({
    holdExit: held.code,
    holdConfirmedVeto: /the renew job will not buy them/.test(held.stdout),
    bought,
  }).toEqual({
    holdExit: EXIT.invalidInput, // refused: no ledger here
    holdConfirmedVeto: false,
    bought: 1, // the renew run from /srv bought it, and nobody was told it would not
  });
  expect(held.stderr).toMatch(
    /no ledger at .*home.*\.autorenew: the renew runs read holds from their own ledger.*nothing was written/,
  );
});
