import { runRenew } from '../../lib/renewal/run-renew';
import { startWorld, type World } from '../helpers/world';

/*
 * Review 2026-12-08 (s33b, spellings). A rule's `groups` entry is compared with the listing's DomainGroupName after
 * trim + toLowerCase only (match.ts groupKey). A group name copied from the console page into the policy carries a
 * no-break space where the page showed a space (HTML &nbsp;), and one typed in a Chinese input method's full-width
 * mode reads "Ｌｅｇａｃｙ": each looks the same as the console's name, the loader accepts it, and the "never renew"
 * rule matches nothing; the group's domains are bought. (Domain-name globs are folded with NFKC since 96894e5; group
 * names are not.)
 */
const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;

describe('never-renew group rules whose spelling differs only in width or space kind', () => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  test.each([
    ['a no-break space (Old\\u00A0Brand) matches the console group "Old Brand"', 'Old\u00A0Brand', 'Old Brand'],
    ['full-width letters (Ｌｅｇａｃｙ) match the console group "Legacy"', 'Ｌｅｇａｃｙ', 'Legacy'],
  ])('%s', async (_title, policyGroup, consoleGroup) => {
    world = await startWorld({
      sandbox: {
        nowMs: NOW,
        fixture: {
          domains: [
            { domainName: 'old-brand.com', expiresAtMs: NOW + 10 * DAY_MS, groupName: consoleGroup },
            { domainName: 'keep.com', expiresAtMs: NOW + 10 * DAY_MS },
          ],
        },
      },
      policy: { rules: [{ name: 'retired', groups: [policyGroup], renew: false }] },
    });
    await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
    expect(world.sandbox.state().submissions.map((s) => s.domainName)).toEqual(['keep.com']);
  });
});
