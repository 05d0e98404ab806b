import { AmbiguousOutcomeError, RejectedFinalError } from '../../lib/errors';
import { executeCheck, executeRenew } from '../../lib/jobs';
import { spendBudgetName, utcMonth } from '../../lib/renewal/budgets';
import { given } from '../helpers/builder';
import { flakyLedger } from '../helpers/faulty';

/**
 * Review 2026-12-07 (twenty-eighth session, coupons helper): a coupon the registrar refuses with a code that is not on the paid-call refusal list
 * (alibaba/classify.ts isPaidRefusal: coupon errors are undocumented, e.g. `Coupon.NotAvailable` / `InvalidCoupon`)
 * makes its batch UNKNOWN, and an UNKNOWN submit keeps what it took of limits.maxSpendPerMonth (submit-batch.ts
 * handleSubmitError; docs/design.md "an UNKNOWN or accepted submit keeps it"). Check then proves nothing was bought
 * and releases the batch ("nothing was bought; released"), but the month's money is never given back
 * (reconcile.ts had no giveBack; giveBackUnbought now). The next daily run sends the coupon batch again and takes its cost again. Within
 * days the month's counter reads "spent" for money never spent, and a domain with no coupon at all, due later in the
 * month, is held back "this month's spending cap (limits.maxSpendPerMonth) is reached" until next month, after its
 * expiry: it lapses, while the month's real spend is 0 CNY of a 1 000 CNY cap (M4 bounds spend, not refusals; the
 * person is told something false).
 */
test('a coupon refused every day with an unlisted code does not use up the month for domains without it', async () => {
  const t = await given({
    now: '2026-12-01T06:00:00Z',
    // Three .com on a coupon rule, due all month; e.net (no coupon) comes due on 2026-12-07 and expires 2026-12-12.
    domains: ['a.com+25d', 'b.com+25d', 'c.com+25d', 'e.net+11d'],
    policy: {
      rules: [
        { name: 'promo', match: ['*.com'], coupon: 'C-1' },
        { name: 'net', match: ['*.net'], window: { daysBeforeExpiry: 5 } },
      ],
      limits: { maxSpendPerMonth: 1000, maxPricePerDomain: 500 },
    },
    balance: '5000.00',
  });
  const expiry = t.expiry('e.net') as number;
  // The registrar refuses the coupon (nothing executes) with a code the tool cannot read as a refusal.
  t.registrar.faults.before = (op, arg) => {
    if (op === 'submitRenewBatch' && (arg as { couponNo?: string }).couponNo)
      throw new AmbiguousOutcomeError('SaveBatchTaskForCreatingOrderRenew failed: Coupon.NotAvailable (HTTP 400)', {
        code: 'Coupon.NotAvailable',
        httpStatus: 400,
      });
  };
  // The schedule up to e.net's expiry: renew once a day, check every hour.
  for (let day = 0; day < 12 && t.clock.now() < expiry; day++) {
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: `r${day}` }).catch(() => undefined);
    for (let h = 0; h < 24 && t.clock.now() < expiry; h++) {
      t.advance('1h');
      await executeCheck(t.deps(), { policy: t.policy, runId: `c${day}-${h}` }).catch(() => undefined);
    }
  }
  const told = t.notifier.sent.map((m) => `${m.subject}\n${m.email}`).join('\n====\n');
  // No coupon order was ever executed (the only task is e.net's), and check said so each time.
  expect(t.registrar.tasks.flatMap((k) => k.request.items.map((i) => i.domainName))).toEqual(['e.net']);
  expect(told).toMatch(/- a\.com: .*nothing was bought; released/);
  // False: the month's cap of 1 000 CNY is not reached; 0 CNY was spent.
  expect(told).not.toMatch(/- e\.net: .*this month's spending cap \(limits\.maxSpendPerMonth\) is reached/);
  // The loss: e.net (79 CNY, within every limit) reached its expiry unrenewed.
  expect(t.expiry('e.net')).not.toBe(expiry);
});

test('a refusal whose money renew gave back already is not given back again when check releases its batch', async () => {
  // The refusal's batch write fails, so renew gives the money back and leaves the batch as its submit start left it
  // (not UNKNOWN) for check, which releases it a day later: giveBackUnbought leaves it alone, or the month's counter
  // would read 69 CNY below what was spent and the month could spend past its cap (M4).
  const t = await given({ domains: ['a.com+10d'], policy: { limits: { maxSpendPerMonth: 1000 } } });
  let refused = false;
  t.registrar.faults.before = (op) => {
    if (op !== 'submitRenewBatch' || refused) return;
    refused = true;
    throw new RejectedFinalError('InvalidParameter.Foo (test)', { code: 'InvalidParameter.Foo' });
  };
  await t.renew({ deps: { ledger: flakyLedger(t.ledger, { saveBatch: [2] }) } });
  expect(await t.ledger.listOpenBatches()).toHaveLength(1);
  for (let h = 0; h < 30; h++) {
    t.advance('1h');
    await t.check();
  }
  expect(await t.ledger.listOpenBatches()).toHaveLength(0);
  // The whole month's 1 000 CNY is left, and not a minor unit more.
  const month = { name: spendBudgetName('CNY'), period: utcMonth(t.clock.now()), cap: 100_000, nowMs: 0 };
  expect(await t.ledger.takeBudget({ ...month, amount: 100_000 })).toBe(100_000);
  expect(await t.ledger.takeBudget({ ...month, amount: 1 })).toBe(0);
});
