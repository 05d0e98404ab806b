import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { runCliInProcess } from '../helpers/cli-process';
import { type CliWorld, startCliWorld } from '../helpers/cli-world';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review 2026-12-07 (thirty-first session), read commands: `forecast` reads the holds from the ledger of the shell it runs in ("a held domain costs nothing
// while held"), and it answers from a ledger no renew run reads without a word: `holds`, `status`, `unhold` and
// `retry` say "no renew run is recorded in the ledger at ...: what this ledger says (held, not held, bought, not
// bought) is not theirs" (docs/design.md, "Ledger items"), `forecast` does not. Both ways cost:
// - a domain held in the renew runs' ledger (/srv) is forecast from home as a renewal the job will buy (ICS: "autorenew
//   plans to renew ... on this day"): the person counts on it and it lapses;
// - a hold left in a home ledger (a trial) is forecast as `held`, not bought: the person renews it by hand, and the
//   renew runs (whose ledger has no hold) buy it again (M1 through a person).
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let world: CliWorld;
const env = () => world.env();

beforeAll(async () => {
  world = await startCliWorld(
    [
      { domainName: 'keep-it.com', expiresAtMs: SANDBOX_NOW_MS + 10 * DAY_MS },
      { domainName: 'sell-it.com', expiresAtMs: SANDBOX_NOW_MS + 10 * DAY_MS },
    ],
    ['srv', 'home'],
  );
  const srv = join(world.dir, 'srv');
  // The cron'd renew runs in /srv: sell-it.com is held there (it is being sold), then a real run (buys keep-it.com).
  expect((await runCliInProcess(['hold', 'sell-it.com', '--no-run-check'], env(), srv)).code).toBe(EXIT.ok);
  expect((await runCliInProcess(['renew', '--yes'], env(), srv)).code).toBe(EXIT.ok);
});
afterAll(async () => {
  await world?.close();
});

it('control: in /srv the forecast skips the held domain', async () => {
  const run = await runCliInProcess(['forecast', '--months', '1', '--json'], env(), join(world.dir, 'srv'));
  const f = JSON.parse(run.stdout) as { skipped: { domain: string; reason: string }[] };
  expect(f.skipped).toContainEqual(expect.objectContaining({ domain: 'sell-it.com', reason: 'held' }));
});

it('forecast from a directory whose ledger no renew run reads says so, as holds and status do', async () => {
  const home = join(world.dir, 'home');
  // The README's first read-only command there, then the forecast.
  await runCliInProcess(['plan'], env(), home);
  const run = await runCliInProcess(['forecast', '--months', '1'], env(), home);
  const said = run.stdout + run.stderr;
  expect({
    forecastAsBought: /sell-it\.com/.test(said) && !/held/.test(said),
    warned: /no renew run is recorded/.test(said),
  }).toEqual({ forecastAsBought: expect.any(Boolean), warned: true });
});
