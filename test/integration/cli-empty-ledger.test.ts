import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { runCliInProcess } from '../helpers/cli-process';
import { type CliWorld, startCliWorld } from '../helpers/cli-world';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

/**
 * Review 2026-12-07: `renew` warned of a new, empty ledger only when its directory did not exist yet, and the free
 * commands (`plan`, `forecast`, `doctor`) create it. Run from the wrong directory after one of them, renew said
 * nothing, and bought a domain held in the ledger the scheduled runs use. doctor also promises to write nothing.
 */
const NOTICE = /^autorenew: (a new, empty ledger|no renew run is recorded in the ledger) at /m;

/** `srv`, where the scheduled renew runs: keep-it.com is held there and a renew run is recorded. */
async function world(): Promise<CliWorld> {
  const w = await startCliWorld(
    [{ domainName: 'keep-it.com', expiresAtMs: SANDBOX_NOW_MS + 10 * DAY_MS }],
    ['srv', 'home'],
  );
  const srv = join(w.dir, 'srv');
  expect((await runCliInProcess(['hold', 'keep-it.com', '--no-run-check'], w.env(), srv)).code).toBe(EXIT.ok);
  expect((await runCliInProcess(['renew', '--yes'], w.env(), srv)).code).toBe(EXIT.ok);
  expect(w.paid()).toBe(0);
  return w;
}

describe('renew from a directory whose ledger no renew run has used', () => {
  it('doctor writes nothing: no ledger appears where it ran', async () => {
    const w = await world();
    try {
      const home = join(w.dir, 'home');
      const run = await runCliInProcess(['doctor'], w.env(), home);
      expect(run.stdout).toMatch(/no embedded ledger at .*home.* yet/);
      expect(existsSync(join(home, '.autorenew', 'dynalite'))).toBe(false);
    } finally {
      await w.close();
    }
  });

  it.each([['nothing'], ['plan'], ['forecast']])(
    'after %s, renew there still warns that its ledger knows of nothing before',
    async (free) => {
      const w = await world();
      try {
        const home = join(w.dir, 'home');
        if (free !== 'nothing') await runCliInProcess([free], w.env(), home);
        const run = await runCliInProcess(['renew', '--yes'], w.env(), home);
        expect(run.stderr).toMatch(NOTICE);
      } finally {
        await w.close();
      }
    },
  );
});
