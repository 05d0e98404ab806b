import { reportRun } from '../../lib/jobs/report-run';
import type { DomainOutcome } from '../../lib/notify/port';
import { adviceKindOf } from '../../lib/notify/text/advice';
import { given } from '../helpers/builder';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Review 2026-12-07, twenty-ninth session. The undelivered-digest alert (report-run.ts alertUndelivered) names the
 * will-lapse domains of a digest that did not go out; its SMS keeps about a hundred characters of the error. Once it
 * told look-first lines apart from bare ones, two groups each cut the other's most urgent domain: bare lines days away
 * first cut a look-first domain due the next day, and then the look-first group's advice, between the groups, cut a
 * bare domain due the next day. Now every name comes first, soonest first, each tagged.
 */
async function alertFor(lines: [domain: string, days: number, reason: string][]) {
  const t = await given();
  const now = t.clock.now();
  const outcomes = lines.map(
    ([domain, days, reason]): DomainOutcome => ({
      domain,
      event: 'will-lapse',
      batchId: '-',
      oldExpiryMs: now + days * DAY + HOUR,
      years: 0,
      daysLeft: days,
      ...(days <= 1 ? { urgent: true as const } : {}),
      reason,
    }),
  );
  t.notifier.failNext = 1; // the digest's Publish fails; the alert's goes out
  await expect(
    reportRun(t.deps(), t.policy, {
      job: 'renew',
      runId: 'r1',
      startedAtMs: now,
      notices: { kind: 'digest', input: { batches: [], extra: { outcomes, marks: [] } } },
      requireDelivery: true,
      counts: {},
      metrics: {},
      failures: [],
    }),
  ).rejects.toThrow(/notification not delivered/);
  const alert = t.notifier.sent.at(-1);
  expect(alert?.severity).toBe('alert');
  return { alert, kinds: outcomes.map(adviceKindOf) };
}

const PREMIUM = 'premium: a premium domain (limits.allowPremium is false)';
const IN_FLIGHT = 'open-batch: a renewal of it this tool sent is still in flight';

test('three bare lines 6 days out and a look-first one due tomorrow: the page names the one due tomorrow', async () => {
  const { alert, kinds } = await alertFor([
    ['shop-example-one.com', 6, PREMIUM],
    ['shop-example-two.com', 6, PREMIUM],
    ['shop-example-three.com', 6, PREMIUM],
    ['urgent-queued.com', 1, IN_FLIGHT],
  ]);
  expect(kinds).toEqual(['will-lapse', 'will-lapse', 'will-lapse', 'will-lapse-look']);
  expect(alert?.email).toContain('urgent-queued.com');
  expect(alert?.sms).toContain('urgent-queued.com');
});

test('a look-first line due today and a bare one due tomorrow: the page names both', async () => {
  const { alert, kinds } = await alertFor([
    ['queued-order.com', 0, IN_FLIGHT],
    ['nobody-buys.com', 1, 'low-balance: the balance does not cover it'],
  ]);
  expect(kinds).toEqual(['will-lapse-look', 'will-lapse']);
  expect(alert?.email).toContain('nobody-buys.com');
  expect(alert?.sms).toContain('queued-order.com');
  expect(alert?.sms).toContain('nobody-buys.com');
});
