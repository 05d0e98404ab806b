import { executeCheck, executeRenew } from '../../lib/jobs';
import { classifyReason } from '../../lib/notify/text/advice';
import { isFixableByPerson } from '../../lib/renewal/claims';
import { given } from '../helpers/builder';

/**
 * Review 2026-12-07 (twenty-eighth session) of the coupon kind (30df12c): the new `coupon` advice kind (advice.ts REASON_PATTERNS, /coupon|voucher|promotion|代金券|
 * 优惠券|优惠/i) is read BEFORE `balance` and matches any reason that merely mentions a discount: "优惠" alone is the
 * ordinary Chinese billing word for "discount" ("优惠后" = after discount, "优惠价" = discounted price), and an
 * English reason may quote the "promotional price". An account-balance refusal that states the amount due after the
 * discount is then read as a coupon refusal, on a policy that sends NO coupon or promotion at all:
 *  - it uses an attempt (claims.ts isFixableByPerson is false for `coupon`); it used none as `balance`;
 *  - the advice says "the coupon ... the policy gives these domains was refused ... replace or remove it in the
 *    policy", which names a coupon that does not exist, and no longer says "top up";
 *  - once limits.maxAttempts is used (3 days), retries stop: the person who then tops up (what the money
 *    pre-flight and the balance line tell them) gets no renewal, and the domain lapses.
 * The Alibaba texts are UNCONFIRMED (alibaba-preflight-apis.md §E); advice.ts promises "an unrecognised reason gets the
 * generic advice, never a wrong one".
 */
const REASONS = [
  ['Chinese', '账户余额不足，无法支付订单（优惠后应付金额 69.00 元）'],
  ['English', 'Insufficient account balance to pay the promotional price of 69.00 CNY.'],
  // Found by the next review: "促销价" (promotional price) and "promotion price" are words any price may carry too.
  ['Chinese, 促销价', '余额不足，无法支付订单（促销价 69.00 元）'],
  ['English, promotion price', 'Insufficient balance to pay the promotion price of 69.00 CNY.'],
  // And the one after: a balance refusal saying no coupon was used. A reason is the coupon's only when the order
  // carried one (classifyReason `couponSent`).
  ['Chinese, 未使用优惠券', '余额不足，未使用优惠券'],
  ['Chinese, 未使用代金券', '余额不足（本单未使用代金券）'],
  ['English, no coupon applied', 'Insufficient balance. No coupon was applied.'],
  ['English, no voucher available', 'Insufficient funds; no voucher available for this order.'],
] as const;

describe.each(REASONS)('a balance refusal that mentions the discount (%s)', (_lang, reason) => {
  test('is classified as the balance, not a coupon refusal', () => {
    expect(classifyReason(reason)).toBe('balance');
    expect(isFixableByPerson(reason, false)).toBe(true);
  });

  test('on a policy with no coupon: no attempt is used, the advice is to top up, and the domain is bought once the person tops up', async () => {
    // No coupon or promotion anywhere in the policy.
    const t = await given({ domains: ['a.com+5.5d'], balance: '5000.00' });
    const expiry = t.expiry('a.com') as number;
    let toppedUp = false;
    // The account cannot pay for the first three days (credit vs cash, a balance spent elsewhere meanwhile...);
    // the person tops up on day 3.
    t.registrar.faults.failDomain = () => (toppedUp ? undefined : reason);
    for (let day = 0; day < 5 && t.clock.now() < expiry; day++) {
      if (day === 3) toppedUp = true;
      await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: `r${day}` }).catch(() => undefined);
      for (let h = 0; h < 24 && t.clock.now() < expiry; h++) {
        t.advance('1h');
        await executeCheck(t.deps(), { policy: t.policy, runId: `c${day}-${h}` }).catch(() => undefined);
      }
    }
    const told = t.notifier.sent.map((m) => `${m.subject}\n${m.email}`).join('\n====\n');
    expect(told).not.toMatch(/Coupon or promotion refused/);
    expect(told).toMatch(/top up the Alibaba Cloud account balance/);
    // Topped up on day 3: the next run buys it (retries of a balance failure never stop by themselves).
    expect(t.expiry('a.com')).toBeGreaterThan(expiry);
  });
});
