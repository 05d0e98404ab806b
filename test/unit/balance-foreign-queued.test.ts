import { given } from '../helpers/builder';

/**
 * Someone else's renewal still queued at the registrar (the console, another tool) is charged when its task runs.
 * The money pass counted only this tool's own open batches as spoken for: the balance read before that charge was
 * spent again, past limits.minBalanceAfter (review 2026-12-07, twenty-sixth session's "found, not fixed").
 */
describe("someone else's queued renewal counts against the balance", () => {
  // 69 CNY a year each (the memory registrar's .com price); 100 CNY cash and a reserve of 20: room for one renewal.
  async function world(policy: Record<string, unknown> = {}) {
    const t = await given({
      domains: ['a.com+5d', 'b.com+6d'],
      balance: '100',
      policy: { limits: { minBalanceAfter: '20', ...policy } },
    });
    t.registrar.faults.queueMs = () => 6 * 3_600_000; // waits in the registrar's queue for 6 h, not charged yet
    await t.registrar.submitRenewBatch({
      items: [{ domainName: 'a.com', years: 1, currentExpiryMs: t.expiry('a.com') as number, permitPremium: false }],
    });
    t.registrar.faults.queueMs = () => 0;
    return t;
  }

  test('b.com is deferred for the balance, not bought past the reserve', async () => {
    const t = await world();
    const run = await t.renew();
    const reasons = Object.fromEntries(run.plan.decisions.map((d) => [d.domain.domainName, d.reason ?? d.action]));
    expect(reasons).toEqual({ 'a.com': 'renewing-elsewhere', 'b.com': 'low-balance' });
    expect(t.registrar.submissions().filter((s) => s.domainName === 'b.com')).toHaveLength(0);
    expect(run.plan.money?.balance).toMatchObject({ state: 'read', committed: { minor: 6900, currency: 'CNY' } });
  });

  test('once the balance is topped up, b.com is bought', async () => {
    const t = await world({ minBalanceAfter: '0' });
    await t.renew();
    // 100 - 69 (a.com, theirs) = 31 < 69: still no room; the reserve is not what defers it.
    expect(t.registrar.submissions().filter((s) => s.domainName === 'b.com')).toHaveLength(0);
    t.billing!.cash = { minor: 20000, currency: 'CNY' };
    t.advance('1h');
    await t.renew();
    expect(t.registrar.submissions().filter((s) => s.domainName === 'b.com')).toHaveLength(1);
  });

  test('one outside the listing (its price is not read) counts at limits.maxPricePerDomain', async () => {
    const t = await given({
      domains: ['b.com+6d', 'z.com+300d'],
      balance: '150',
      policy: { limits: { minBalanceAfter: '20', maxPricePerDomain: '100' } },
    });
    t.registrar.faults.queueMs = () => 6 * 3_600_000;
    await t.registrar.submitRenewBatch({
      items: [{ domainName: 'z.com', years: 1, currentExpiryMs: t.expiry('z.com') as number, permitPremium: false }],
    });
    t.registrar.faults.queueMs = () => 0;
    // 150 - 20 - 100 (z.com at the cap) = 30: no room for b.com's 69.
    const run = await t.renew();
    expect(run.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['b.com', 'low-balance']]);
    expect(t.logs.join('\n')).toMatch(
      /that this run cannot price: counted at limits\.maxPricePerDomain \(100\.00 CNY\) each.*z\.com/,
    );
  });
});
