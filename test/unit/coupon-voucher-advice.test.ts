import { executeCheck, executeRenew } from '../../lib/jobs';
import { domainKey } from '../../lib/sandbox/tld';
import { given } from '../helpers/builder';

/**
 * Review 2026-12-07 (twenty-eighth session, coupons helper): the policy's `coupon` is sent as CouponNo, Alibaba's voucher (代金券, API doc 3.2), and a
 * voucher has a balance of its own (QueryCashCoupons: `Balance`). When the voucher is used up the registrar's row
 * fails with a text about the VOUCHER's balance ("代金券余额不足", "The coupon balance is insufficient"). The tool
 * classifies every reason that mentions "balance" / "余额" as the ACCOUNT's balance (notify/text/advice.ts
 * REASON_PATTERNS), so claims.ts isFixableByPerson makes it `needs-fix`: no attempt is used, the same voucher is sent
 * again every day, and the person is told every day to top up the account, while the digest of the same runs shows a
 * cash balance that covers the renewals. Topping up changes nothing; no will-lapse line is ever sent; the domain
 * lapses (a person told something false). Now a reason naming a coupon, voucher or promotion is advised as such
 * (advice.ts `coupon`, before `balance` and `stale-expiry`) and uses an attempt, so retries stop and a person hears it.
 */
describe.each([
  ['Chinese', '代金券余额不足'],
  ['English', 'The coupon balance is insufficient.'],
  // Found by a later review: a first balance pattern with "insufficient funds" read this as the account's again.
  ['English, insufficient funds', 'The voucher has insufficient funds.'],
])('a used-up voucher (%s reason) on a coupon rule', (_lang, voucherReason) => {
  test('is not advised as the account balance, and the domain does not lapse without a will-lapse line', async () => {
    const t = await given({
      domains: ['a.com+5.5d', 'b.com+5.5d'],
      policy: { defaults: { coupon: 'C-1' } },
      // The account's cash covers both renewals many times over.
      balance: '5000.00',
    });
    const expiry = t.expiry('a.com') as number;
    // The registrar refuses the voucher on every row of an order that carries it (an order without it would pass).
    t.registrar.faults.failDomain = (name) => {
      const task = t.registrar.tasks.find(
        (k) =>
          k.doneAtMs <= t.clock.now() &&
          !k.outcomes.has(domainKey(name)) &&
          k.request.items.some((i) => i.domainName === name),
      );
      return task?.request.couponNo ? voucherReason : undefined;
    };
    // The schedule up to the expiry: renew once a day, check every hour. The person even tops up on day 2.
    for (let day = 0; day < 6 && t.clock.now() < expiry; day++) {
      if (day === 2 && t.billing) t.billing.cash = { minor: 1_000_000, currency: 'CNY' };
      await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: `r${day}` }).catch(() => undefined);
      for (let h = 0; h < 24 && t.clock.now() < expiry; h++) {
        t.advance('1h');
        await executeCheck(t.deps(), { policy: t.policy, runId: `c${day}-${h}` }).catch(() => undefined);
      }
    }
    const told = t.notifier.sent.map((m) => `${m.subject}\n${m.email}`).join('\n====\n');
    // The loss: the order went out every day with the voucher, and the domain reached its expiry unrenewed.
    expect(t.registrar.submissions().length).toBeGreaterThanOrEqual(4);
    expect(t.expiry('a.com')).toBe(expiry);
    // False: the account's cash was 5 000 CNY (then 10 000) against 138 CNY quoted; topping up cannot fix a voucher.
    expect(told).not.toMatch(/top up the Alibaba Cloud account balance/);
    // Nothing lapses silently: before the expiry a person hears that a.com will lapse, or that retries stopped.
    expect(told).toMatch(/- a\.com: .*(lapses|automatic retries stopped)/);
  });
});

test('a row failed for an expired coupon is not advised "nothing to do: the expiry changed"', async () => {
  // The stale-expiry pattern (`expir\w*[\s_-]?date`) also matches a coupon's own expiration date.
  const t = await given({ domains: ['a.com+10d'], policy: { defaults: { coupon: 'C-1' } } });
  t.registrar.faults.failDomain = () => 'The coupon is past its expiration date.';
  await t.renew();
  t.advance('10m');
  await t.check();
  const email = t.notifier.sent.at(-1)?.email ?? '';
  expect(email).toMatch(/- a\.com: .*reason: The coupon is past its expiration date/);
  expect(email).not.toMatch(/nothing to do: the expiry changed since it was read/);
  expect(email).toMatch(/Coupon or promotion refused/);
});
