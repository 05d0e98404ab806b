import { executeCheck, executeRenew } from '../../lib/jobs';
import { adviceKindOf } from '../../lib/notify/text/advice';
import { startWorld, testPolicy, type World } from '../helpers/world';

const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Review 2026-12-07, twenty-ninth session. The renew digest fails to publish (an SNS hiccup on that one Publish),
 * and report-run.ts alertUndelivered sends its short error notice (an SMS by default) naming the digest's will-lapse domains as "will lapse (due, not being
 * bought)". It takes every will-lapse line alike: a line whose advice is "look first" (our own order still queued at
 * the registrar, someone else's task queued, a listing that lags) loses that advice. The person paged "not being
 * bought" renews by hand, and our queued order runs too: the expiry bought twice (M1 through a person). Now such
 * lines are named apart: "will lapse, look first: ...".
 */
describe('the undelivered-digest alert for a domain whose own renewal is in flight', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('does not page "not being bought" for a look-first line', async () => {
    world = await startWorld({
      sandbox: {
        nowMs: NOW,
        freezeClock: true,
        fixture: {
          domains: [{ domainName: 'p.com', expiresAtMs: NOW + 6 * DAY, premium: true }],
          balance: 1_000_000,
        },
        // Alibaba's queue holds the order for 3 days (README: tasks wait "for hours or days").
        faults: { taskQueueMs: 3 * DAY },
      },
      policy: { limits: { allowPremium: true } },
    });
    await executeRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
    expect(world.sandbox.state().submissions).toHaveLength(1);
    await executeCheck(world.deps(), { policy: world.policy, runId: 'c1' }).catch(() => {});

    // The operator turns premium renewals off; the next daily run plans p.com as premium (a will-lapse reason),
    // and, its own order being queued, says to look first.
    const edited = testPolicy({ limits: { allowPremium: false } });
    world.sandbox.setClock({ advanceMs: DAY });
    const before = world.notifier.sent.length;
    world.notifier.failNext = 1; // the digest's Publish fails; the alert's, a moment later, goes out
    await expect(executeRenew(world.deps(), { policy: edited, dryRun: false, runId: 'r2' })).rejects.toThrow(
      /notification not delivered/,
    );
    const alert = world.notifier.sent.slice(before);
    expect(alert).toHaveLength(1);
    const msg = alert[0];
    // Sanity: the alert pages (SMS) and names p.com.
    expect(msg?.severity).toBe('alert');
    expect(msg?.sms).toMatch(/p\.com/);

    // The digest that did not go out said "look first" for p.com (shown by the next run's digest).
    world.sandbox.setClock({ advanceMs: HOUR });
    await executeRenew(world.deps(), { policy: edited, dryRun: false, runId: 'r3' });
    const line = world.notifier.sent
      .at(-1)
      ?.digest?.outcomes.find((o) => o.domain === 'p.com' && o.event === 'will-lapse');
    expect(line && adviceKindOf(line)).toBe('will-lapse-look');
    // Still one order, still queued.
    expect(world.sandbox.state().submissions).toHaveLength(1);

    // The alert must not tell a person, by SMS, that p.com is "not being bought" with no word to look first.
    expect(msg?.sms).not.toMatch(/not being bought/);
    expect(`${msg?.email}`).toMatch(/look/i);
  });
});
