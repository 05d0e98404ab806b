import { describeCost } from '../../lib/commands/renew';
import { createPlanFile } from '../../lib/renewal/plan-file';
import { listAndPlan } from '../../lib/renewal/plan-listing';
import { given } from '../helpers/builder';

/**
 * The [y/N] question of `renew` (and `renew --plan`) tells the person what the renewals cost: "quoted X", and
 * since review 2026-12-07 an assumed price (limits.maxPricePerDomain) is told apart: "N unpriced (counted as ...)".
 * A price from the policy's money.priceTable is no quote either: it is the TLD price the operator typed into the
 * policy, used when the registrar gives none (a key without the price permission: every run). The registrar charges
 * its own price, here 150.00 CNY, while the question says "quoted 50.00 CNY"; the person answers y to a quote
 * nobody gave, and the guard then holds the run to that table price only (plan-price-no-quote-now.test.ts).
 */
describe('the renew question when the registrar gives no price and the policy table does', () => {
  test('does not call the policy table price "quoted"', async () => {
    const t = await given({
      domains: [{ domainName: 'a.com', expiresAtMs: Date.parse('2026-12-09T06:00:00Z'), priceMinor: 15_000 }],
      policy: { money: { priceTable: { com: '50.00' } }, limits: { maxPricePerDomain: '500.00' } },
    });
    t.registrar.faults.quotesRefused = true;
    const plan = createPlanFile(await listAndPlan(t.deps(), t.policy), {
      endpoint: 'https://domain.aliyuncs.com',
      policy: t.policy,
      account: '',
    });
    expect(plan.purchases.map((p) => [p.domain, p.price?.minor])).toEqual([['a.com', 5_000]]);
    const question = `Renew 1 domain(s) for 1 year(s) in total at https://domain.aliyuncs.com${describeCost(plan.purchases)}?`;
    expect(question).not.toMatch(/quoted 50\.00 CNY/);
  });
});
