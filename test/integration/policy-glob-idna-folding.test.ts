import { domainToASCII } from 'node:url';
import { runRenew } from '../../lib/renewal/run-renew';
import { startWorld, type World } from '../helpers/world';

/*
 * Review 2026-12-08 (s33b, spellings). A wildcard label of a policy glob is folded with NFKC + toLowerCase
 * (match.ts mapPieces), but a registrar name is folded by IDNA (UTS 46: NFKC_Casefold, ignored code points dropped).
 * The two differ for a few letters a person may well type or paste: the Greek iota subscript (ᾳ, ῃ, ῳ: IDNA folds
 * them to αι, ηι, ωι) and the ideographic variation selectors a Japanese or Chinese text carries after a kanji
 * (U+E0100..: IDNA drops them). The loader accepts such a glob (GLOB_PATTERN allows \p{M}), the same glob without
 * the `*` matches, and with it the "never renew" rule matches nothing: its domains are bought.
 */
const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;

describe('never-renew wildcard globs folded as IDNA folds names', () => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  test.each([
    ['an iota subscript (ᾳ*.com) keeps ᾳδης.com (αιδης.com) from being bought', 'ᾳ*.com', 'ᾳδης.com'],
    [
      'an ideographic variation selector (葛\u{E0100}飾*.com) keeps 葛飾区.com from being bought',
      '葛\u{E0100}飾*.com',
      '葛飾区.com',
    ],
    // Its review (thirty-third session): IDNA folding through the URL parser read an all-digit piece as an IPv4
    // address (`2024` became `0.0.7.232`), and a glob that needs NFKC with a numeric piece matched nothing.
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
