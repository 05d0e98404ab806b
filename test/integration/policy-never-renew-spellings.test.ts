import { domainToASCII } from 'node:url';
import { ValidationError } from '../../lib/errors';
import { parsePolicyText } from '../../lib/policy/load';
import { runRenew } from '../../lib/renewal/run-renew';
import { startWorld, type World } from '../helpers/world';

/*
 * End to end on the sandbox (review 2026-12-07): a "never renew" rule the loader accepts keeps its domains from being
 * bought, whatever its spelling: (1) a wildcard rule in full-width letters; (2) a never-renew glob under an earlier
 * renewing glob written in the other IDN form (refused at load as dead: nothing is bought either).
 */
const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;

describe('never-renew rules whose spelling differs from the registrar name are still obeyed', () => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  /** Names (ASCII, as the registrar stores them) the first renew run submitted; undefined when refused at load. */
  async function submittedAfterOneRun(rules: unknown[], domains: string[]): Promise<string[] | undefined> {
    // Checked first: a world refused while it starts would leave its sandbox running.
    try {
      parsePolicyText(JSON.stringify({ version: 1, rules }), 'policy.json');
    } catch (err) {
      if (err instanceof ValidationError) return undefined;
      throw err;
    }
    world = await startWorld({
      sandbox: {
        nowMs: NOW,
        fixture: { domains: domains.map((domainName) => ({ domainName, expiresAtMs: NOW + 10 * DAY_MS })) },
      },
      policy: { rules },
    });
    await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
    return world.sandbox.state().submissions.map((s) => domainToASCII(s.domainName));
  }

  test('a full-width wildcard never-renew rule (ｏｌｄ*.com) keeps old-site.com from being bought', async () => {
    const bought = await submittedAfterOneRun(
      [{ name: 'retired', match: ['ｏｌｄ*.com'], renew: false }],
      ['old-site.com', 'keep.com'],
    );
    expect(bought).toEqual(['keep.com']);
  });

  test('a never-renew rule in Unicode (旧*.中国) under a renewing rule in punycode (*.xn--fiqs8s) is refused', async () => {
    const bought = await submittedAfterOneRun(
      [
        { name: 'brand', match: ['*.xn--fiqs8s'], renew: true },
        { name: 'retired', match: ['旧*.中国'], renew: false },
      ],
      ['旧品牌.中国', '新品牌.中国'],
    );
    expect(bought).toBeUndefined();
  });
});
