import { executeCheck, executeRenew } from '../../lib/jobs';
import { given } from '../helpers/builder';

const HOUR = 3_600_000;

/**
 * Review 2026-12-06 (round 4, helper rvs). e70a221 turns a failure whose retry backoff ends after the last buying moment into "not retried ...
 * renew it by hand" (retry state too-late): it will lapse unless a person acts, as a will-lapse line says. But it
 * stays a `failed` line, so it pages only when notify.smsEvents lists `failed`. A policy that pages for lapses only
 * (smsEvents will-lapse, stuck, unknown, error: a valid, plausible choice, as "failed" is usually retried) gets no
 * SMS before the expiry: the planner's own will-lapse line (retry-too-late, or past-window) comes with the next
 * daily renew run, after the domain expired. Here: daysAfterExpiry 0, expiry 20 h after the run.
 */
test('a too-late failure pages a person before the expiry when the policy pages lapses', async () => {
  const t = await given({
    domains: ['a.com+20h'],
    policy: {
      window: { daysBeforeExpiry: 2, daysAfterExpiry: 0 },
      notify: { smsEvents: ['will-lapse', 'stuck', 'unknown', 'error'] },
    },
  });
  const T0 = t.clock.now();
  const expiry = t.expiry('a.com') as number;
  let fails = 1;
  t.registrar.faults.failDomain = () => (fails-- > 0 ? 'registry temporarily unavailable (test)' : undefined);
  let n = 0;
  for (let h = 0; h <= 48; h++) {
    if (h % 24 === 0) {
      t.clock.set(T0 + h * HOUR);
      await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: `r${++n}` }).catch(() => undefined);
    }
    t.clock.set(T0 + h * HOUR + 5 * 60_000);
    await executeCheck(t.deps(), { policy: t.policy, runId: `c${++n}` }).catch(() => undefined);
  }
  const beforeExpiry = t.notifier.sent.filter((m) => (m.digest?.nowMs ?? 0) < expiry);
  // The email says it: not retried, renew it by hand ...
  expect(beforeExpiry.map((m) => m.email).join('\n')).toMatch(
    /a\.com: .*no retry expected: .*look at it in the console first.*renew it by hand only if/,
  );
  // ... but no digest before the expiry pages anyone about it.
  const paged = beforeExpiry.filter((m) => m.severity === 'alert' && m.sms.includes('a.com'));
  expect(paged.map((m) => m.sms)).not.toEqual([]);
});
