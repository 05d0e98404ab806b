import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { runCliInProcess } from '../helpers/cli-process';
import { type CliWorld, startCliWorld } from '../helpers/cli-world';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review 2026-12-06 (round 7, helper rvx). Round 6 made `holds` and `unhold` say so when they read a ledger in which no renew run is
// recorded (one made by `plan`, `doctor` or `check` in another directory): an empty answer from it "says nothing
// about the renew runs' own". `status` was left out. The digest's every message ends "Run `npx autorenew status`
// for the ledger view", and the unknown-outcome advice says to look. From a home directory where `plan` once ran,
// `status bought-it.com` answers "no renewal recorded in this ledger" (and `--json`: `claims: []`) for a domain the
// renew runs in /srv bought: the person concludes nothing was bought and renews it by hand: a second purchase.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let world: CliWorld;
let dir: string;
const env = () => world.env();
const paid = () => world.paid();

beforeAll(async () => {
  world = await startCliWorld(
    [{ domainName: 'bought-it.com', expiresAtMs: SANDBOX_NOW_MS + 10 * DAY_MS }],
    ['srv', 'home'],
  );
  dir = world.dir;
  // The cron'd renew works in /srv and buys bought-it.com.
  expect((await runCliInProcess(['renew', '--yes'], env(), join(dir, 'srv'))).code).toBe(EXIT.ok);
  expect(paid()).toBe(1);
  // At home, once, the README's first command: a plan (creates .autorenew here, records no renew run).
  expect((await runCliInProcess(['plan'], env(), join(dir, 'home'))).code).toBe(EXIT.ok);
});
afterAll(async () => {
  await world?.close();
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
