import { executeCheck, executeRenew } from '../../lib/jobs';
import { classifyReason } from '../../lib/notify/text/advice';
import type { Registrar } from '../../lib/registrar/port';
import { staleBalance, startWorld, type World } from '../helpers/world';

/**
 * Review 2026-12-07, twenty-ninth session (of c7e2e0a): NO_COUPON_USED (advice.ts) overrides the coupon kind for any reason containing
 * "no coupon", "no voucher" or "没有可用的代金券/优惠券" ("no usable voucher"), even on an order that carried one. A
 * used-up voucher's refusal that ends "no usable voucher" / "no coupon can be applied" (the voucher the order named is
 * what is unusable) then falls through to the `balance` pattern ("余额", "balance"): needs-fix, no attempt, "top up
 * the account balance", and the same voucher is sent every day until the domain lapses, with no will-lapse line:
 * the very loss the coupon kind was added for (coupon-voucher-advice.test.ts), back for these wordings. Now a
 * reason saying the coupon's own balance is short, or it expired, is the coupon's whatever else it says (COUPON_SHORT),
 * read before the account-balance words too (the review of that fix: "代金券余额不足，账户余额未扣款", the voucher short
 * and the account not charged, was still `balance`).
 */
const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

const REASONS = [
  ['Chinese', '代金券余额不足，没有可用的代金券'],
  ['English', 'The coupon balance is insufficient: no coupon can be applied.'],
  // The review of the first fix: the account-balance words read before it.
  ['Chinese, account not charged', '代金券余额不足，账户余额未扣款'],
  ['English, account not charged', 'The voucher balance is insufficient; your account balance was not charged.'],
] as const;

test.each<readonly [string, string]>([
  ...REASONS,
  // The same override sends an expired coupon's refusal to `stale-expiry` ("nothing to do: the expiry changed").
  ['English, expired', 'The coupon is past its expiration date; no coupon can be applied.'],
  ['Chinese, expired, account not charged', '代金券已过期，账户余额未扣款'],
  // The second review: wordings next to those.
  ['Chinese, available balance', '代金券可用余额不足，账户余额未扣款'],
  ['English, possessive', "The voucher's balance is insufficient; your account balance was not charged."],
  ['English, voucher expired', 'The voucher expired; your account balance was not charged.'],
  ['Chinese, 到期', '代金券已到期，账户余额未扣款'],
])('a voucher refusal that also says no usable voucher is the coupon (%s): classified', (_l, reason) => {
  expect(classifyReason(reason, true)).toBe('coupon');
});

test.each([
  ['账户余额不足，代金券余额不可用于此订单'],
  ['Insufficient account balance; the voucher cannot be applied to this order.'],
  ['余额不足，未使用优惠券'],
  // The second review: the account short, the voucher invalid and not used (a top-up buys it).
  ['账户余额不足（代金券已失效，未使用）'],
  ['Insufficient account balance. The voucher is invalid for this order and was not applied.'],
])('the account balance short beside a voucher that does not apply stays the balance: %s', (reason) => {
  expect(classifyReason(reason, true)).toBe('balance');
});

describe.each(REASONS)('a used-up voucher saying no usable voucher (%s), sandbox + dynalite', (_l, reason) => {
  let world: World;
  afterEach(async () => world?.stop());

  test('uses an attempt, is not advised as the account balance, and a person hears before the expiry', async () => {
    const expiry = NOW + 5.5 * DAY_MS;
    world = await startWorld({
      // The sandbox does not model vouchers: its rows fail (balance 5 CNY) and the reason is what Alibaba would say
      // about the voucher the order carried. The tool's own balance read says plenty (the cash is there).
      sandbox: {
        nowMs: NOW,
        freezeClock: true,
        fixture: { balance: 5, domains: [{ domainName: 'a.com', expiresAtMs: expiry }] },
      },
      policy: { defaults: { coupon: 'C-1' }, limits: { maxAttempts: 2, retryAfterHours: 24 } },
    });
    const inner = world.registrar;
    const registrar: Registrar = {
      ...inner,
      listTaskDetails: async (taskNo) =>
        (await inner.listTaskDetails(taskNo)).map((d) => (d.state === 'failure' ? { ...d, failReason: reason } : d)),
    };
    const deps = () => world.deps({ registrar, ...staleBalance() });
    for (let day = 0; day < 6 && world.sandbox.now() < expiry; day++) {
      world.sandbox.setClock({ nowMs: NOW + day * (DAY_MS + HOUR_MS) });
      await executeRenew(deps(), { policy: world.policy, dryRun: false, runId: `r${day}` }).catch(() => undefined);
      for (let h = 0; h < 4 && world.sandbox.now() < expiry; h++) {
        world.sandbox.setClock({ advanceMs: HOUR_MS });
        await executeCheck(deps(), { policy: world.policy, runId: `c${day}-${h}` }).catch(() => undefined);
      }
    }
    const told = world.notifier.sent.map((m) => `${m.subject}\n${m.email}`).join('\n====\n');
    const submissions = world.sandbox.state().submissions.length;
    const [claim] = await world.ledger.getClaims([{ domain: 'a.com', expiryMs: expiry }]);
    // Each order carried the voucher and failed for it; the account's cash was never the cause.
    expect({
      submissions,
      code: claim?.code,
      attempts: claim?.attempts,
      toldTopUp: /top up the Alibaba Cloud account balance/.test(told),
      toldCoupon: /Coupon or promotion refused/.test(told),
      toldLapseOrStop: /- a\.com: .*(lapses|automatic retries stopped)/.test(told),
    }).toEqual({
      submissions: 2,
      code: 'task-failed',
      attempts: 2,
      toldTopUp: false,
      toldCoupon: true,
      toldLapseOrStop: true,
    });
  });
});
