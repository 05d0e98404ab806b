import { describeCost } from '../../lib/commands/renew';
import { executeRenew } from '../../lib/jobs';
import { purchasesOf } from '../../lib/renewal/plan-file';
import { given } from '../helpers/builder';

/**
 * `autorenew renew` asks "Renew N domain(s) ...<describeCost>? This is paid and cannot be refunded." Since unpriced
 * renewals are counted at limits.maxPricePerDomain, the plan gives them that amount as their `price`, and the question
 * said "quoted 100.00 CNY" for a name nobody quoted (review 2026-12-07, twenty-fifth session).
 */
describe('the purchase question of a plan with an unpriced renewal', () => {
  test('says the renewal is unpriced (counted at limits.maxPricePerDomain), not quoted', async () => {
    const t = await given({
      domains: ['a.org+5d', 'b.com+6d'],
      balance: '1000',
      policy: {
        money: { unpriced: 'renew', priceTable: { com: '69.00' } },
        limits: { maxPricePerDomain: '100', maxSpendPerRun: '500' },
      },
    });
    t.registrar.faults.quotesRefused = true; // no registrar price: a.org unpriced, b.com from the table
    const run = await executeRenew(t.deps(), { policy: t.policy, dryRun: true, runId: 'r' });
    expect(run.plan.decisions.find((d) => d.domain.domainName === 'a.org')?.priceSource).toBe('assumed');
    // b.com's table price is no quote either (review 2026-12-07, thirty-first session).
    expect(describeCost(purchasesOf(run.plan))).toBe(
      ", 69.00 CNY by the policy's price table (no registrar quote: the registrar charges its own price), 1 unpriced (counted as 100.00 CNY each)",
    );
  });
});
