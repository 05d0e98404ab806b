import { executeRenew } from '../../lib/jobs';
import { parsePolicyText } from '../../lib/policy/load';
import { given } from '../helpers/builder';

/**
 * money.unpriced "renew" bought a domain no source prices at cost 0 for every money limit: maxSpendPerRun,
 * maxSpendPerMonth and the balance less minBalanceAfter then bounded nothing, however many unpriced domains were due
 * (review 2026-12-07, twenty-fifth session). The ledger already counted another run's unpriced intent at
 * limits.maxPricePerDomain; the run's own unpriced renewals count the same now, and the digest says the amount is
 * assumed, not quoted.
 */
describe('unpriced renewals under money.unpriced "renew" count against the money limits', () => {
  const policy = {
    money: { unpriced: 'renew' },
    limits: { maxPricePerDomain: '100', maxSpendPerRun: '150', maxSpendPerMonth: '150', minBalanceAfter: '800' },
  };

  test('each counts at maxPricePerDomain: a 150 cap (and 200 of room in the balance) buys one, not four', async () => {
    const t = await given({ domains: ['a.org+5d', 'b.org+6d', 'c.org+7d', 'd.org+8d'], balance: '1000', policy });
    t.registrar.faults.quotesRefused = true; // no registrar price, no table: every one is unpriced
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r' });
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.org']);
    const email = t.notifier.sent.at(-1)?.email ?? '';
    expect(email).toMatch(/^- a\.org: .*unpriced, counted as 100\.00 CNY/m);
    expect(email).not.toMatch(/^- a\.org: .*quoted/m);
  });

  test('the month cap holds across runs too', async () => {
    const t = await given({ domains: ['a.org+5d', 'b.org+6d', 'c.org+7d', 'd.org+8d'], balance: '100000', policy });
    t.registrar.faults.quotesRefused = true;
    await t.renew();
    t.advance('1d');
    await t.renew();
    expect(t.registrar.submissions().length).toBe(1);
  });

  test('without money limits, unpriced renewals are bought as before (no assumed price needed)', async () => {
    const t = await given({
      domains: ['a.org+5d', 'b.org+6d'],
      balance: '1000',
      policy: { money: { unpriced: 'renew' } },
    });
    t.registrar.faults.quotesRefused = true;
    const run = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r' });
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.org', 'b.org']);
    expect(run.plan.money?.unpricedRenewing).toBe(2);
  });

  test('unpriced "renew" with a spend limit but no maxPricePerDomain is refused at load, naming the path', () => {
    expect(() =>
      parsePolicyText(
        '{"version": 1, "money": {"unpriced": "renew"}, "limits": {"maxSpendPerMonth": "500"}}',
        'p.json',
      ),
    ).toThrow(/limits.*maxPricePerDomain/);
  });
});
