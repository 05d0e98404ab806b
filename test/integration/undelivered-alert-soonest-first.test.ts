import { reportRun } from '../../lib/jobs/report-run';
import type { DomainOutcome } from '../../lib/notify/port';
import { adviceKindOf } from '../../lib/notify/text/advice';
import { given } from '../helpers/builder';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Review 2026-12-07, twenty-ninth session (of 5104d58 and fe6bf09). The undelivered-digest alert (report-run.ts alertUndelivered) now puts every bare will-lapse
 * name first and the look-first ones after them. Its SMS keeps about a hundred characters of the error, so with a few
 * bare lines days away, the look-first domain that expires TOMORROW (our own order queued at the registrar) is not
 * named in the SMS at all; before the split, the soonest expiry came first and the SMS named it. The one domain the
 * page is most urgently about is left to the email.
 */
test('the SMS of the undelivered-digest alert names the soonest-lapsing domain, look-first or not', async () => {
  const t = await given();
  const now = t.clock.now();
  const line = (domain: string, days: number, reason: string): DomainOutcome => ({
    domain,
    event: 'will-lapse',
    batchId: '-',
    oldExpiryMs: now + days * DAY + HOUR,
    years: 0,
    daysLeft: days,
    ...(days <= 1 ? { urgent: true as const } : {}),
    reason,
  });
  const outcomes = [
    line('shop-example-one.com', 6, 'premium: a premium domain (limits.allowPremium is false)'),
    line('shop-example-two.com', 6, 'premium: a premium domain (limits.allowPremium is false)'),
    line('shop-example-three.com', 6, 'premium: a premium domain (limits.allowPremium is false)'),
    line('urgent-queued.com', 1, 'open-batch: a renewal of it this tool sent is still in flight'),
  ];
  expect(outcomes.map(adviceKindOf)).toEqual(['will-lapse', 'will-lapse', 'will-lapse', 'will-lapse-look']);
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
  expect(alert?.email).toContain('urgent-queued.com');
  // The page must name the domain that lapses tomorrow.
  expect(alert?.sms).toContain('urgent-queued.com');
});
