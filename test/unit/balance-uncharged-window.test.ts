import { AmbiguousOutcomeError } from '../../lib/errors';
import { createChargingBilling, given } from '../helpers/builder';

const names = (subs: { domainName: string }[]) => subs.map((s) => s.domainName).sort();

describe("our own task still waiting in Alibaba's queue after 7 days (not charged yet)", () => {
  test('is still counted against the balance less minBalanceAfter: check has seen its rows waiting every hour', async () => {
    // 69 CNY each, all due (window 30 days); 158 CNY cash and a reserve of 20: room for two renewals in all.
    const t = await given({
      domains: ['a.com+20d', 'b.com+21d', 'c.com+22d', 'd.com+23d'],
      policy: { limits: { minBalanceAfter: '20' } },
    });
    const billing = createChargingBilling(t, 15800);
    // Day 0: a.com and b.com are bought; their task waits 8 days in the queue (the design's own example of a queued
    // console renewal, docs/design.md "Money": "a console renewal queued 8 days").
    t.registrar.faults.queueMs = () => 8 * 86_400_000;
    await t.renew({ deps: { billing } });
    expect(names(t.registrar.submissions())).toEqual(['a.com', 'b.com']);
    // The daily runs and hourly checks of the week: check reads the task's rows waiting each time (stuck alerts);
    // c.com and d.com are deferred for low balance every day.
    for (let day = 1; day <= 7; day++) {
      t.advance('1d');
      await t.check({ deps: { billing } });
      await t.renew({ deps: { billing } });
    }
    t.advance('2h'); // a.com's and b.com's task has still not run: nothing charged
    expect((await billing.readBalance()).availableCash.minor).toBe(15800);
    t.registrar.faults.queueMs = () => 0;
    await t.renew({ deps: { billing } });
    // Once the queued task runs, the account is charged for everything sent.
    t.advance('2d');
    await t.check({ deps: { billing } });
    const cash = (await billing.readBalance()).availableCash.minor;
    expect({ bought: names(t.registrar.submissions()), cash }).toEqual({ bought: ['a.com', 'b.com'], cash: 2000 });
  });
});

describe('an unknown submit still open after 7 days, with no TaskNo', () => {
  test('is still counted against the balance less minBalanceAfter: no mark can say its task ran', async () => {
    // 69 CNY each; 158 CNY cash and a reserve of 20: room for two renewals in all.
    const t = await given({
      domains: ['a.com+20d', 'b.com+21d', 'c.com+22d'],
      policy: { limits: { minBalanceAfter: '20' } },
    });
    const billing = createChargingBilling(t, 15800);
    // a.com's submit: its answer is lost (the batch is UNKNOWN, no TaskNo), and it stays open (no check releases it).
    t.registrar.faults.before = (op) => {
      if (op === 'submitRenewBatch') throw new AmbiguousOutcomeError('timed out before the answer (test)');
    };
    const first = await t.renew({ policy: { ...t.policy, limits: { ...t.policy.limits, maxDomainsPerRun: 1 } } });
    expect(first.summary.unknown).toBe(1);
    t.registrar.faults = {};
    t.advance('8d');
    const later = await t.renew({ deps: { billing } });
    // a.com's 69 CNY may still be charged: counted, so only one more renewal fits (158 - 69 - 69 = 20).
    expect(later.plan.money?.balance).toMatchObject({ committed: { minor: 6900, currency: 'CNY' } });
    expect(t.registrar.submissions().filter((s) => s.domainName !== 'a.com')).toHaveLength(1);
  });
});
