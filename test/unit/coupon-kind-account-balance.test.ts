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

/**
 * The account cannot pay for the first three days (credit vs cash, a balance spent elsewhere meanwhile...) and
 * `reason` is the refusal; the person tops up on day 3. Returns what people were told and whether a.com was bought.
 */
async function toppedUpOnDay3(reason: string, policy: NonNullable<Parameters<typeof given>[0]>['policy'] = {}) {
  const t = await given({ domains: ['a.com+5.5d'], balance: '5000.00', policy });
  const expiry = t.expiry('a.com') as number;
  let toppedUp = false;
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
  return { told, bought: (t.expiry('a.com') as number) > expiry };
}

describe.each(REASONS)('a balance refusal that mentions the discount (%s)', (_lang, reason) => {
  test('is classified as the balance, not a coupon refusal', () => {
    expect(classifyReason(reason)).toBe('balance');
    expect(isFixableByPerson(reason, false)).toBe(true);
  });

  test('on a policy with no coupon: no attempt is used, the advice is to top up, and the domain is bought once the person tops up', async () => {
    const { told, bought } = await toppedUpOnDay3(reason);
    expect(told).not.toMatch(/Coupon or promotion refused/);
    expect(told).toMatch(/top up the Alibaba Cloud account balance/);
    // Topped up on day 3: the next run buys it (retries of a balance failure never stop by themselves).
    expect(bought).toBe(true);
  });
});

// The review of the `couponSent` gate: on an order that DID carry a coupon, a reason saying none was used is still
// the balance's (NO_COUPON_USED in advice.ts).
describe.each([
  ['Chinese, 未使用优惠券', '余额不足，未使用优惠券'],
  ['English, no coupon applied', 'Insufficient balance. No coupon was applied.'],
  ['English, no voucher available', 'Insufficient funds; no voucher available for this order.'],
])('a balance refusal saying no coupon was used, on an order with a coupon (%s)', (_l, reason) => {
  test('is the balance, and the domain is bought once the person tops up', async () => {
    expect(classifyReason(reason, true)).toBe('balance');
    expect(isFixableByPerson(reason, true)).toBe(true);
    const { told, bought } = await toppedUpOnDay3(reason, {
      rules: [{ name: 'promo', match: ['a.com'], coupon: 'C-1' }],
    });
    expect(told).toMatch(/top up the Alibaba Cloud account balance/);
    expect(bought).toBe(true);
  });
});
