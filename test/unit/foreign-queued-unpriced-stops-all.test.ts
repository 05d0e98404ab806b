import { given } from '../helpers/builder';

/**
 * Someone else's renewal still queued at the registrar now counts against the balance (readCommitted,
 * countQueuedElsewhere). One of a listed domain this run cannot price, without limits.maxPricePerDomain, makes the
 * whole balance `unreadable`, and with money.balanceUnreadable "stop" (the default) every renewal of the account is
 * skipped `balance-unknown`, run after run, for as long as that task waits in the queue (held up to the 30-day
 * lookback). The likeliest case is the one the tool itself asks for: it could not price p.org, said so, and a person
 * renewed p.org in the console. The same renewal outside the listing (its price unknown just the same) is only
 * warned about; before the change, the queued order stopped nothing.
 */
describe("someone else's queued renewal of a domain this run cannot price", () => {
  test('does not stop every other renewal while it waits in the queue', async () => {
    const t = await given({
      domains: ['p.org+20d', 'b.com+3d'],
      balance: '1000',
      policy: { money: { priceTable: { com: '69.00' } }, limits: { minBalanceAfter: '20' } },
    });
    t.registrar.faults.quotesRefused = true; // no registrar price: p.org unpriced, b.com from the table
    t.registrar.faults.queueMs = () => 5 * 86_400_000; // the console order waits in the queue for days
    await t.registrar.submitRenewBatch({
      items: [{ domainName: 'p.org', years: 1, currentExpiryMs: t.expiry('p.org') as number, permitPremium: false }],
    });
    t.registrar.faults.queueMs = () => 0;
    // The daily runs until b.com's expiry, while the console order still waits.
    const seen: string[] = [];
    for (let day = 0; day < 3; day++) {
      const run = await t.renew();
      const of = (name: string) => run.plan.decisions.find((d) => d.domain.domainName === name);
      expect(of('p.org')?.reason).toBe('renewing-elsewhere');
      const b = of('b.com');
      if (b) seen.push(b.action === 'renew' ? 'renew' : String(b.reason));
      await t.check();
      t.advance('1d');
    }
    // 1000 CNY of cash and 69 for b.com: the held order is named (warned), and b.com is bought before it lapses.
    expect(seen).toContain('renew');
    expect(t.registrar.submissions().filter((s) => s.domainName === 'b.com')).toHaveLength(1);
  });
});
