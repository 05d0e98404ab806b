import { executeCheck, executeRenew } from '../../lib/jobs';
import { classifyReason } from '../../lib/notify/text/advice';
import type { Registrar } from '../../lib/registrar/port';
import { staleBalance, startWorld, type World } from '../helpers/world';

/**
 * Review 2026-12-07, twenty-ninth session (of fe6bf09). COUPON_OWN_STATE (advice.ts) is documented "a reason that names a coupon's or voucher's own
 * balance or validity: the coupon's, whatever else it says", but it only lifts the NO_COUPON_USED gate: the
 * ACCOUNT-balance pattern ("账户余额", "account balance") still comes first in REASON_PATTERNS. A voucher's refusal
 * that also mentions the account balance ("代金券余额不足，账户余额未扣款": the voucher's balance is short, the
 * account was not charged) is `balance`: needs-fix, no attempt, "top up the account", the same voucher sent daily
 * until the domain lapses: the loss the twenty-ninth session fixed for "没有可用的代金券", back for this wording.
 */
const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

const REASONS = [
  ['Chinese', '代金券余额不足，账户余额未扣款'],
  ['English', 'The voucher balance is insufficient; your account balance was not charged.'],
] as const;

test.each<readonly [string, string]>([...REASONS, ['Chinese, expired', '代金券已过期，账户余额未扣款']])(
  'a voucher refusal that also says no usable voucher is the coupon (%s): classified',
  (_l, reason) => {
    expect(classifyReason(reason, true)).toBe('coupon');
  },
);

test.each([
  ['账户余额不足，代金券余额不可用于此订单'],
  ['Insufficient account balance; the voucher cannot be applied to this order.'],
  ['余额不足，未使用优惠券'],
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
