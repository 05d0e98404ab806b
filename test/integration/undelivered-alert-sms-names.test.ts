import { reportRun } from '../../lib/jobs/report-run';
import type { DomainOutcome } from '../../lib/notify/port';
import { adviceKindOf } from '../../lib/notify/text/advice';
import { given } from '../helpers/builder';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Review 2026-12-07, twenty-ninth session (of 0888110): When the look-first group comes first,
 * its advice "(a renewal may already be running: look in the console before renewing by hand)" sits between the
 * groups, inside the part of the error the SMS keeps: a bare will-lapse domain expiring the same or the next day
 * (nothing is buying it: the one a person must renew by hand) is no longer named in the page. Before 0888110 the bare
 * group came first and the SMS named it.
 */
test('the SMS names the bare will-lapse domain due tomorrow beside a look-first one due today', async () => {
  const t = await given();
  const now = t.clock.now();
  const line = (domain: string, days: number, reason: string): DomainOutcome => ({
    domain,
    event: 'will-lapse',
    batchId: '-',
    oldExpiryMs: now + days * DAY + HOUR,
    years: 0,
    daysLeft: days,
    urgent: true as const,
    reason,
  });
  const outcomes = [
    line('queued-order.com', 0, 'open-batch: a renewal of it this tool sent is still in flight'),
    line('nobody-buys.com', 1, 'low-balance: the balance does not cover it'),
  ];
  expect(outcomes.map(adviceKindOf)).toEqual(['will-lapse-look', 'will-lapse']);
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
  expect(alert?.email).toContain('nobody-buys.com');
  // Both lapse within a day: the page names both, and the one nothing is buying above all.
  expect(alert?.sms).toContain('queued-order.com');
  expect(alert?.sms).toContain('nobody-buys.com');
});
