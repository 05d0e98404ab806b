import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { runCliInProcess } from '../helpers/cli-process';
import { type CliWorld, startCliWorld } from '../helpers/cli-world';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review 2026-12-06 (round 6, helper rvw) (76a28e3). `holds`, `status`, `unhold`, `retry`, `close-batch` are now refused where there is no
// embedded ledger yet, because an empty one said "no holds: the renew job may buy every due domain" and "was not
// held". But the gate is only "does .autorenew/dynalite exist": the README's very first command, `autorenew plan`
// ("lists and decides, never buys, and needs no other setup"), and the "read-only" `doctor` ("writes nothing") both
// create that ledger where they run. After either, from a directory no renew run uses, `holds` says there are no
// holds and `unhold` says the domain "was not held", while the renew runs' own ledger holds it: the person believes
// the veto is gone and the domain will be renewed; it is not, and lapses.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let world: CliWorld;
let dir: string;
const env = () => world.env();
const paid = () => world.paid();

beforeAll(async () => {
  world = await startCliWorld(
    [{ domainName: 'keep-it.com', expiresAtMs: SANDBOX_NOW_MS + 10 * DAY_MS }],
    ['srv', 'home-plan', 'home-doctor'],
  );
  dir = world.dir;
});
afterAll(async () => {
  await world?.close();
});

beforeAll(async () => {
  // The cron'd renew works in /srv: a hold placed there before its first run, then a real run (buys nothing: held).
  const srv = join(dir, 'srv');
  expect((await runCliInProcess(['hold', 'keep-it.com', '--no-run-check'], env(), srv)).code).toBe(EXIT.ok);
  expect((await runCliInProcess(['renew', '--yes'], env(), srv)).code).toBe(EXIT.ok);
  expect(paid()).toBe(0);
});

it.each([
  ['plan', ['plan'], 'home-plan'],
  ['doctor', ['doctor'], 'home-doctor'],
])(
  'after `%s` in another directory, holds/unhold there do not say "no holds" / "was not held"',
  async (name, first, home) => {
    const cwd = join(dir, home);
    // The operator, at home, first follows the README: a plan (or the doctor checklist) -- read-only commands ...
    await runCliInProcess(first, env(), cwd);
    // ... of which plan creates an (empty) embedded ledger here (doctor, since 2026-12-07, none):
    const created = existsSync(join(cwd, '.autorenew', 'dynalite'));
    // Then looks at the holds and lifts the one on keep-it.com, wanting it renewed.
    const looked = await runCliInProcess(['holds'], env(), cwd);
    const unheld = await runCliInProcess(['unhold', 'keep-it.com'], env(), cwd);
    // The renew runs' ledger in /srv still holds it: the next run there buys nothing.
    const before = paid();
    await runCliInProcess(['renew', '--yes'], env(), join(dir, 'srv'));
    const bought = paid() - before;
    expect({ created, bought }).toEqual({ created: name === 'plan', bought: 0 });
    // What the person was told, from a ledger no renew run reads:
    expect({
      holds: looked.stdout.trim(),
      unhold: unheld.stdout.split('\n')[0],
    }).toEqual({
      holds: expect.not.stringMatching(/no holds: the renew job may buy every due domain/),
      unhold: expect.not.stringMatching(/was not held/),
    });
  },
);
