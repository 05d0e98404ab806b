import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { runCliInProcess } from '../helpers/cli-process';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review 2026-12-06 (round 6, helper rvw). A dry run no longer records a run, because one tried from a home directory made `hold` there
// confirm a veto no real renew run reads. A renew run against a loopback sandbox (trying the tool out, as
// `autorenew sandbox` prints how to) is no more a run of the real account than a dry run, yet it still records one:
// `hold` in that directory, later aimed at the real account, passes the gate and confirms "the renew job will not
// buy them", while the real renew runs (cron, another directory) read another ledger and buy the domain.
// "real" below is a second sandbox standing for the real registrar.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let trial: Sandbox;
let real: Sandbox;
let dir: string;

beforeAll(async () => {
  trial = await startSandbox({ domains: 5, nowMs: SANDBOX_NOW_MS, freezeClock: true });
  real = await startSandbox({
    fixture: { domains: [{ domainName: 'selling-it.com', expiresAtMs: SANDBOX_NOW_MS + 10 * DAY_MS }], balance: 1000 },
    nowMs: SANDBOX_NOW_MS,
    freezeClock: true,
  });
  dir = await mkdtemp(join(tmpdir(), 'rvw-sandbox-gate-'));
  await mkdir(join(dir, 'srv'));
  await mkdir(join(dir, 'home'));
});
afterAll(async () => {
  await trial?.close();
  await real?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const envOf = (s: Sandbox) => ({
  AUTORENEW_ENDPOINT: s.url,
  ALIBABA_CLOUD_ACCESS_KEY_ID: s.accessKeyId,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: s.accessKeySecret,
  AUTORENEW_POLICY: join(__dirname, '..', 'fixtures', 'policies', 'buy-when-due.json'),
});
const paid = () =>
  (real.state().requests.SaveBatchTaskForCreatingOrderRenew ?? 0) +
  (real.state().requests.SaveSingleTaskForCreatingOrderRenew ?? 0);

it('a renew run against a trial sandbox does not make hold confirm a veto for the real account', async () => {
  // Trying the tool out at home against a sandbox: a (pretend) renew run, recorded in home's ledger.
  expect((await runCliInProcess(['renew', '--yes'], envOf(trial), join(dir, 'home'))).code).toBe(EXIT.ok);
  // Later, from home, aimed at the real account: hold the domain being sold.
  const held = await runCliInProcess(['hold', 'selling-it.com', '--reason', 'sold'], envOf(real), join(dir, 'home'));
  // The real renew runs work in /srv.
  await runCliInProcess(['renew', '--yes'], envOf(real), join(dir, 'srv'));
  expect({
    holdConfirmedVeto: /the renew job will not buy them/.test(held.stdout),
    bought: paid(),
  }).toEqual({ holdConfirmedVeto: false, bought: 1 });
});
