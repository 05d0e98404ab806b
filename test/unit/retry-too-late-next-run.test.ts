import { given } from '../helpers/builder';
import { runSchedule } from '../helpers/schedule';

/**
 * Review 2026-12-06 (round 4, helper rvs). e70a221 names a failure `too-late` only when its retry backoff ends after the domain's last buying
 * moment. The renew job runs once a day: a backoff that ends before the last buying moment but after the last daily
 * run before it is never retried either. Here the domain expires 23.5 h after the daily run (window.daysAfterExpiry
 * 0), the one attempt fails, its backoff (24 h less 1 h of slack) ends at +23 h, before the expiry, and the next
 * daily run at +24 h finds it past its window. Check told "retried after the backoff", nothing else before the
 * expiry said anything, and the domain lapsed: the very case the commit meant to close.
 */
describe('a failure whose backoff ends before the last buying moment, but after the last daily run before it', () => {
  test.each([
    // retryAfterHours 24 (the default): the backoff ends at +23 h, the expiry is at +23.5 h.
    ['23.5h', 24],
    // retryAfterHours 6: any last buying moment from ~+6 h to +24 h after the daily run is never retried.
    ['12h', 6],
  ])(
    'expiry %s after the daily run, retryAfterHours %i: check never promises a retry no daily run makes',
    async (inHours, retryAfterHours) => {
      const t = await given({
        domains: [`a.com+${inHours}`],
        policy: { window: { daysBeforeExpiry: 2, daysAfterExpiry: 0 }, limits: { retryAfterHours } },
      });
      const expiry = t.expiry('a.com') as number;
      let fails = 1;
      t.registrar.faults.failDomain = () => (fails-- > 0 ? 'registry temporarily unavailable (test)' : undefined);
      // Renew daily, check hourly, until a day after the expiry.
      await runSchedule(t, 48);
      const bought = t.registrar.submissions().filter((s) => s.domainName === 'a.com');
      // Never retried: the run after the backoff is past the window.
      expect(bought).toHaveLength(1);
      const beforeExpiry = t.notifier.sent.filter((m) => (m.digest?.nowMs ?? 0) < expiry);
      const failed = beforeExpiry
        .flatMap((m) => m.digest?.outcomes ?? [])
        .find((o) => o.domain === 'a.com' && o.event === 'failed');
      // So the failed line, the only word before the expiry, must not say it is retried.
      expect(failed?.retry?.state).toBe('too-late');
      expect(beforeExpiry.map((m) => m.email).join('\n')).not.toMatch(/retried after the backoff/);
    },
  );
});
