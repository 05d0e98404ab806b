import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { runCliInProcess } from '../helpers/cli-process';
import { type CliWorld, startCliWorld } from '../helpers/cli-world';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review 2026-12-06 (round 7, helper rvx). `holds` in a ledger where no renew run is recorded says "no holds in the ledger at ..., and
// no renew run is recorded in it: ... look there" -- but only (a) in text mode and (b) when the list is empty.
// (a) `holds --json` returns before the isUnreadByRenewRuns check: a script asking "is keep-it.com held?" gets
//     {"holds": []}, exit 0, nothing on stderr: the same answer as the renew runs' own ledger with no holds.
// (b) A hold that IS in such a ledger (put with --no-run-check from the wrong directory) is listed as "active",
//     with no word that no renew run reads this ledger: the person is told the veto stands, and /srv buys it.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let world: CliWorld;
let dir: string;
const env = () => world.env();
const paid = () => world.paid();

beforeAll(async () => {
  world = await startCliWorld(
    [
      { domainName: 'keep-it.com', expiresAtMs: SANDBOX_NOW_MS + 10 * DAY_MS },
      { domainName: 'drop-it.com', expiresAtMs: SANDBOX_NOW_MS + 12 * DAY_MS },
    ],
    ['srv', 'home-plan', 'home-hold'],
  );
  dir = world.dir;
  // /srv, where the cron'd renew runs: keep-it.com held there before its first run.
  const srv = join(dir, 'srv');
  expect((await runCliInProcess(['hold', 'keep-it.com', '--no-run-check'], env(), srv)).code).toBe(EXIT.ok);
});
afterAll(async () => {
  await world?.close();
});

it('(a) holds --json in a ledger no renew run is recorded in is not the same answer as an empty real ledger', async () => {
  const home = join(dir, 'home-plan');
  await runCliInProcess(['plan'], env(), home); // creates an empty ledger here
  const looked = await runCliInProcess(['holds', '--json'], env(), home);
  const text = await runCliInProcess(['holds'], env(), home);
  // The text form does warn:
  expect(text.stdout).toMatch(/no renew run is recorded in the ledger at /);
  // The JSON form: exit 0, {"holds": []}, and nothing anywhere about the ledger being one no renew run reads.
  expect({ code: looked.code, said: looked.stdout + looked.stderr }).toEqual({
    code: EXIT.ok,
    said: expect.stringMatching(/no renew run is recorded/),
  });
});

it('(b) an active hold listed from a ledger no renew run is recorded in carries the same warning', async () => {
  const home = join(dir, 'home-hold');
  // The person, at home, holds drop-it.com; the gate refuses (no ledger), so they pass --no-run-check as told
  // "before the first renew run anywhere" (they believe the cron job has not run yet).
  expect((await runCliInProcess(['hold', 'drop-it.com', '--no-run-check'], env(), home)).code).toBe(EXIT.ok);
  const looked = await runCliInProcess(['holds'], env(), home);
  // The renew runs in /srv do not read it: drop-it.com is bought.
  const before = paid();
  expect((await runCliInProcess(['renew', '--yes'], env(), join(dir, 'srv'))).code).toBe(EXIT.ok);
  expect(paid() - before).toBe(1);
  expect(looked.stdout).toMatch(/drop-it\.com/);
  expect(looked.stdout).toMatch(/no renew run is recorded/);
});
