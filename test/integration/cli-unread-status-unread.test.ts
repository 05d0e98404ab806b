import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { runCliInProcess } from '../helpers/cli-process';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review 2026-12-06 (round 7, helper rvx). Round 6 made `holds` and `unhold` say so when they read a ledger in which no renew run is
// recorded (one made by `plan`, `doctor` or `check` in another directory): an empty answer from it "says nothing
// about the renew runs' own". `status` was left out. The digest's every message ends "Run `npx autorenew status`
// for the ledger view", and the unknown-outcome advice says to look. From a home directory where `plan` once ran,
// `status bought-it.com` answers "no renewal recorded in this ledger" (and `--json`: `claims: []`) for a domain the
// renew runs in /srv bought: the person concludes nothing was bought and renews it by hand: a second purchase.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let sandbox: Sandbox;
let dir: string;

const env = () => ({
  AUTORENEW_ENDPOINT: sandbox.url,
  ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
  AUTORENEW_POLICY: join(__dirname, '..', 'fixtures', 'policies', 'buy-when-due.json'),
});

beforeAll(async () => {
  sandbox = await startSandbox({
    fixture: { domains: [{ domainName: 'bought-it.com', expiresAtMs: SANDBOX_NOW_MS + 10 * DAY_MS }], balance: 1000 },
    nowMs: SANDBOX_NOW_MS,
    freezeClock: true,
  });
  dir = await mkdtemp(join(tmpdir(), 'rvx-status-unread-'));
  for (const d of ['srv', 'home']) await mkdir(join(dir, d));
  // The cron'd renew works in /srv and buys bought-it.com.
  expect((await runCliInProcess(['renew', '--yes'], env(), join(dir, 'srv'))).code).toBe(EXIT.ok);
  const paid =
    (sandbox.state().requests.SaveBatchTaskForCreatingOrderRenew ?? 0) +
    (sandbox.state().requests.SaveSingleTaskForCreatingOrderRenew ?? 0);
  expect(paid).toBe(1);
  // At home, once, the README's first command: a plan (creates .autorenew here, records no renew run).
  expect((await runCliInProcess(['plan'], env(), join(dir, 'home'))).code).toBe(EXIT.ok);
});
afterAll(async () => {
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('status <domain> in a ledger no renew run is recorded in says so (as holds/unhold do), not just "no renewal recorded"', async () => {
  const home = join(dir, 'home');
  const text = await runCliInProcess(['status', 'bought-it.com'], env(), home);
  const json = await runCliInProcess(['status', 'bought-it.com', '--json'], env(), home);
  expect({ text: text.stdout + text.stderr, json: json.stdout + json.stderr }).toEqual({
    text: expect.stringMatching(/no renew run is recorded/),
    json: expect.stringMatching(/no renew run is recorded/),
  });
});
