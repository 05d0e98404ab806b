import { domainToASCII } from 'node:url';
import { runRenew } from '../../lib/renewal/run-renew';
import { startWorld, type World } from '../helpers/world';

/*
 * Review s33f (regressions since 746dea3). match.ts mapPieces now folds each piece of a wildcard label (between its
 * `*`s) with domainToUnicode, WHATWG's host parser: a piece made only of digits (or `0x..`) is read as an IPv4
 * address, `2024` becoming `0.0.7.232` and `1` becoming `0.0.0.1`. A glob that needs the folding (full-width letters
 * from a Chinese input method, a decomposed accent: the 96894e5 fix) and has a numeric piece, such as `ｏｌｄ*2024.com`,
 * matched `old-2024.com` at 746dea3 and matches nothing now: the "never renew" rule's domains are bought.
 */
const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;

describe('never-renew wildcard globs with a numeric piece', () => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  test.each([
    ['full-width letters (ｏｌｄ*2024.com) keep old-2024.com from being bought', 'ｏｌｄ*2024.com', 'old-2024.com'],
    ['a decomposed accent (cafe\\u0301*1.com) keeps café-1.com from being bought', 'cafe\u0301*1.com', 'café-1.com'],
  ])('%s', async (_title, glob, name) => {
    world = await startWorld({
      sandbox: {
        nowMs: NOW,
        fixture: {
          domains: [
            { domainName: name, expiresAtMs: NOW + 10 * DAY_MS },
            { domainName: 'keep.com', expiresAtMs: NOW + 10 * DAY_MS },
          ],
        },
      },
      policy: { rules: [{ name: 'retired', match: [glob], renew: false }] },
    });
    await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
    const bought = world.sandbox.state().submissions.map((s) => domainToASCII(s.domainName));
    expect(bought).toEqual(['keep.com']);
  });
});
