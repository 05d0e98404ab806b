import { createPlanFile, PlanMovedError, planGuard } from '../../lib/renewal/plan-file';
import { listAndPlan } from '../../lib/renewal/plan-listing';
import { runRenew } from '../../lib/renewal/run-renew';
import { given } from '../helpers/builder';

/**
 * `renew --plan` (or the [y/N] question) promises to buy "at no more than the price the plan showed" (design.md,
 * Previews and saved plans). The plan showed the registrar's own quote, 90.00 CNY. By the run the registrar's price
 * is 150.00 CNY and its price API is down (both sources refuse): the money pass falls back to the policy's
 * priceTable (50.00 CNY for .com, a list price the operator typed months ago). The guard compares 50.00 <= 90.00 and
 * lets the run buy; the registrar charges its own price, 150.00 CNY, for a renewal the person approved at 90.00.
 * A table (or assumed) price is no registrar quote: when the plan showed a quote, "unknown now" should be a
 * difference, as comparePlans' own comment says.
 */
describe('a saved plan priced by a registrar quote, run while the registrar cannot quote', () => {
  test('is not bought on the policy table price (the registrar charges its own)', async () => {
    const t = await given({
      domains: [{ domainName: 'a.com', expiresAtMs: Date.parse('2026-12-09T06:00:00Z'), priceMinor: 9_000 }],
      policy: { money: { priceTable: { com: '50.00' } }, limits: { maxPricePerDomain: '500.00' } },
    });
    const saved = createPlanFile(await listAndPlan(t.deps(), t.policy), {
      endpoint: 'https://domain.aliyuncs.com',
      policy: t.policy,
      account: '',
    });
    expect(saved.purchases.map((p) => [p.domain, p.price])).toEqual([['a.com', { minor: 9_000, currency: 'CNY' }]]);

    // An hour later: the registrar's price has gone up and its price API refuses this key.
    t.advance('1h');
    const domain = [...t.registrar.domains.values()].find((d) => d.domainName === 'a.com');
    if (domain) domain.priceMinor = 15_000;
    t.registrar.faults.quotesRefused = true;

    let refused: unknown;
    try {
      await runRenew(t.deps(), {
        policy: t.policy,
        dryRun: false,
        runId: 'r1',
        guard: planGuard(saved, { endpoint: 'https://domain.aliyuncs.com', policy: t.policy, account: '' }),
      });
    } catch (err) {
      refused = err;
    }
    const submitted = t.registrar.submissions().length;
    expect({ refused: refused instanceof PlanMovedError, submitted }).toEqual({ refused: true, submitted: 0 });
  });
});
