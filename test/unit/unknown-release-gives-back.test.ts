import { AmbiguousOutcomeError } from '../../lib/errors';
import { executeCheck, executeRenew } from '../../lib/jobs';
import { spendBudgetName, utcMonth } from '../../lib/renewal/budgets';
import { given, policyOf } from '../helpers/builder';
import { refuseFirstOrderLosingItsClose } from '../helpers/faulty';

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
  await refuseFirstOrderLosingItsClose(t);
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

const HOUR = 3_600_000;

/**
 * Budgets across a month end (horizon helper, review 2026-12-07, twenty-eighth session, of the first version of
 * giveBackUnbought, which gave back to the periods of the submit start; now to those in Batch.budgetTaken). A batch's budgets are taken in the UTC day and month of `periodsNow()`, read
 * right before the take (run-renew.ts); its submit start (`submitStartedAtMs`) is stamped a moment later, after the
 * takes and the holds re-read (submit-batch.ts sendEntries). When the paid call's answer is lost and check later
 * proves nothing was bought, reconcile.ts giveBackUnbought gives the budgets back to the periods of
 * `submitStartedAtMs`, not to those they were taken from. A batch taken at 23:59:59 on the month's last day and
 * started at 00:00:00 the next gives January's money back to February's counter: February then buys one batch more
 * than limits.maxSpendPerMonth allows (M4), while January's counter keeps money that was never spent.
 */
test('an unknown submit released after a month end gives its money back to the month it was taken from', async () => {
  const t = await given({
    now: '2027-01-31T23:59:30.000Z',
    // a.com due now; b.com and c.com come due in the first hours of February (30-day window).
    domains: ['a.com+20d', 'b.com+30.05d', 'c.com+30.05d'],
    // One .com renewal costs 69 CNY here: the month's cap is two of them.
    policy: { limits: { maxSpendPerMonth: 138, maxPricePerDomain: 100 } },
    balance: '5000.00',
  });
  // The run's budgets are taken and its order sent at 23:59:30 on January 31 (a batch whose order could land after
  // midnight is no longer sent: budget-midnight-order-lands.test.ts); its answer is lost, and check proves nothing
  // was bought in February: the money goes back to January's counter, where it was taken (Batch.budgetTaken).
  // The order never reached the registrar, but the answer says nothing: UNKNOWN.
  let lost = true;
  t.registrar.faults.before = (op) => {
    if (op === 'submitRenewBatch' && lost) {
      lost = false;
      throw new AmbiguousOutcomeError('connection reset before any answer');
    }
  };
  const renew = (id: string) => executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: id });
  const r1 = await renew('r1');
  expect(r1.summary.unknown).toBe(1);
  t.advance(60_000);
  expect(utcMonth(t.clock.now())).toBe('2027-02');

  // February: the daily renew runs at 02:00, check every hour.
  t.advance(2 * HOUR);
  await renew('r2'); // b.com and c.com: February's whole cap
  for (let h = 0; h < 24; h++) {
    t.advance(HOUR);
    await executeCheck(t.deps(), { policy: t.policy, runId: `c${h}` }).catch(() => undefined);
  }
  await renew('r3'); // a.com was released (nothing bought): bought now
  for (let h = 0; h < 3; h++) {
    t.advance(HOUR);
    await executeCheck(t.deps(), { policy: t.policy, runId: `d${h}` }).catch(() => undefined);
  }
  const told = t.notifier.sent.map((m) => m.email).join('\n');
  expect(told).toMatch(/a\.com: .*nothing was bought; released/);

  // What February bought at the registrar: every order is a February one (January's never arrived).
  const february = t.registrar.tasks.filter((k) => utcMonth(k.createdAtMs) === '2027-02');
  const boughtInFebruary = february.flatMap((k) => k.request.items.map((i) => i.domainName)).sort();
  const spentMinor = boughtInFebruary.length * 6900;
  // limits.maxSpendPerMonth is 138.00 CNY: at most two .com renewals in February.
  expect({ boughtInFebruary, overCap: spentMinor > 13800 }).toEqual({ boughtInFebruary, overCap: false });
  // And January's counter still holds the 69.00 CNY never spent (its release gave it to February).
  const january = await t.ledger.takeBudget({
    name: 'spend-CNY',
    period: '2027-01',
    amount: 13800,
    cap: 13800,
    nowMs: t.clock.now(),
  });
  expect(january).toBe(13800);
}, 60_000);

/**
 * The same give-back reads the policy of the check run, not what the submit took: a batch sent before
 * limits.maxSpendPerMonth was set took no money from the month, and its release once the cap is set gives its cost
 * "back" to the month's counter all the same: the month buys that much more than its cap (M4).
 */
test('an unknown submit sent before a month cap was set gives nothing back to that cap when released', async () => {
  const t = await given({
    now: '2027-03-10T02:00:00.000Z',
    domains: ['a.com+20d', 'b.com+30.02d', 'c.com+30.02d'],
    balance: '5000.00',
  });
  let lost = true;
  t.registrar.faults.before = (op) => {
    if (op === 'submitRenewBatch' && lost) {
      lost = false;
      throw new AmbiguousOutcomeError('connection reset before any answer');
    }
  };
  const r1 = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r1' });
  expect(r1.summary.unknown).toBe(1);
  // The operator adds a month cap of two .com renewals (138.00 CNY) the same morning.
  const capped = policyOf({ limits: { maxSpendPerMonth: 138, maxPricePerDomain: 100 } });
  t.advance(HOUR);
  await executeRenew(t.deps(), { policy: capped, dryRun: false, runId: 'r2' }); // b.com, c.com: the cap
  for (let h = 0; h < 24; h++) {
    t.advance(HOUR);
    await executeCheck(t.deps(), { policy: capped, runId: `c${h}` }).catch(() => undefined);
  }
  await executeRenew(t.deps(), { policy: capped, dryRun: false, runId: 'r3' });
  const told = t.notifier.sent.map((m) => m.email).join('\n');
  expect(told).toMatch(/a\.com: .*nothing was bought; released/);
  const bought = t.registrar.tasks
    .filter((k) => k.createdAtMs > Date.parse('2027-03-10T02:30:00Z'))
    .flatMap((k) => k.request.items.map((i) => i.domainName))
    .sort();
  // Everything bought after the cap was set, all in March: at most 138.00 CNY.
  expect({ bought, overCap: bought.length * 6900 > 13800 }).toEqual({ bought, overCap: false });
}, 60_000);
