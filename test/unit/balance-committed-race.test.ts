import type { Billing } from '../../lib/billing/port';
import type { Registrar } from '../../lib/registrar/port';
import { createChargingBilling, given } from '../helpers/builder';

/**
 * The balance pre-flight against earlier runs' sends (docs/design.md, "Money": committedSpend), with a billing port
 * that charges as the registrar executes (createChargingBilling).
 */

const names = (subs: { domainName: string }[]) => subs.map((s) => s.domainName).sort();

describe('a check run settles an earlier batch while the renew run prices (between its two reads of open batches)', () => {
  test('the balance read before that task ran is not spent again: the run stays within the balance less minBalanceAfter', async () => {
    // 69 CNY each; 158 CNY cash and a reserve of 20: room for two renewals in all.
    const t = await given({
      domains: ['a.com+5d', 'b.com+6d', 'c.com+7d'],
      policy: { limits: { minBalanceAfter: '20' } },
    });
    const billing = createChargingBilling(t, 15800);
    // Run 1 buys a.com; its task waits 6 h in Alibaba's queue (not charged yet).
    t.registrar.faults.queueMs = () => 6 * 3_600_000;
    await t.renew({
      policy: { ...t.policy, limits: { ...t.policy.limits, maxDomainsPerRun: 1 } },
      deps: { billing },
    });
    expect(names(t.registrar.submissions())).toEqual(['a.com']);
    t.registrar.faults.queueMs = () => 0;
    // Run 2, the next day's schedule say, starts just before a.com's task runs. Its price read takes a few minutes
    // (QPS-limited quotes; CheckDomain is one request per domain); it started with the balance read, which answered
    // at once: 158 CNY, a.com not charged yet. Meanwhile a.com's task runs (charged) and the hourly check records it
    // RENEWED and closes its batch. Then run 2 reads the open batches again.
    t.advance('6h');
    let balanceRead = () => {};
    const read = new Promise<void>((resolve) => {
      balanceRead = resolve;
    });
    const slowBilling: Billing = {
      async readBalance() {
        const b = await billing.readBalance();
        balanceRead();
        return b;
      },
    };
    let raced = false;
    const slowPrices: Registrar = {
      ...t.registrar,
      quoteRenewals: async (items, currency) => {
        const quote = t.registrar.quoteRenewals as NonNullable<Registrar['quoteRenewals']>;
        const quotes = await quote(items, currency);
        if (!raced) {
          raced = true;
          await read;
          t.advance('5m');
          await t.check();
        }
        return quotes;
      },
    };
    const second = await t.renew({ deps: { billing: slowBilling, registrar: slowPrices } });
    expect(raced).toBe(true);
    // a.com was charged during run 2 (69); 158 - 69 - 20 leaves room for one more renewal, not two.
    t.advance('1h');
    const after = await billing.readBalance();
    // Now: b.com and c.com both bought (committed read as 0 after the check closed a.com's batch); cash -49 CNY.
    expect({ bought: names(t.registrar.submissions()), cash: after.availableCash.minor }).toEqual({
      bought: ['a.com', 'b.com'],
      cash: 2000,
    });
    expect(second.plan.money?.balance).toMatchObject({ committed: { minor: 6900, currency: 'CNY' } });
  });
});
