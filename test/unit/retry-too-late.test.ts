import { collectLapseWarnings } from '../../lib/renewal/will-lapse';
import { given } from '../helpers/builder';
import { runSchedule } from '../helpers/schedule';

const HOUR = 3_600_000;

/**
 * Review 2026-12-06 (round 4, helper rvr). A failed row is retried after limits.retryAfterHours (here 24 h, less an
 * hour of schedule slack). A domain whose window ends before that backoff does (its last day, window.daysAfterExpiry
 * 0) was never retried, yet check's failed line said "retried after the backoff", and `retry-backoff` was no
 * will-lapse reason: the domain lapsed while the only message before its expiry promised a retry. Check now says it
 * is not retried and to renew it by hand (the entry carries its last buying moment, BatchEntry.lastBuyMs), and the
 * planner names it `retry-too-late`, a will-lapse reason.
 */
describe('a failure whose retry backoff ends after the domain leaves its window', () => {
  test('check says it is not retried and to renew it by hand, and it is not bought again', async () => {
    const t = await given({
      domains: ['a.com+20h'],
      policy: { window: { daysBeforeExpiry: 2, daysAfterExpiry: 0 } },
    });
    const expiry = t.expiry('a.com') as number;
    // The registry refuses this one attempt for a passing reason (not a balance or real-name fault).
    let fails = 1;
    t.registrar.faults.failDomain = () => (fails-- > 0 ? 'registry temporarily unavailable (test)' : undefined);
    // Renew daily, check hourly, until a day after the expiry.
    await runSchedule(t, 48);
    expect(t.registrar.submissions().filter((s) => s.domainName === 'a.com')).toHaveLength(1);
    const beforeExpiry = t.notifier.sent.filter((m) => (m.digest?.nowMs ?? 0) < expiry);
    const failed = beforeExpiry
      .flatMap((m) => m.digest?.outcomes ?? [])
      .find((o) => o.domain === 'a.com' && o.event === 'failed');
    expect(failed?.retry).toEqual({ attempts: 1, maxAttempts: 3, state: 'too-late', lastBuyMs: expiry });
    const email = beforeExpiry.map((m) => m.email).join('\n');
    expect(email).not.toMatch(/retried after the backoff/);
    // Look first, never a bare "renew it by hand": a run at another time of day than the one that made the attempt
    // (a manual renew, or a backoff ending between two run times) may still retry it (review 2026-12-06, round 5).
    expect(email).toMatch(/Will lapse: look first \(a\.com\)/);
    expect(email).toMatch(
      /a\.com: .*no retry expected: the daily run after its retry backoff \(limits\.retryAfterHours\) comes after .*look at it in the console first.*renew it by hand only if/,
    );
  });

  test('within the grace period: the renew digest names it retry-too-late at its will-lapse thresholds', async () => {
    // Expired 700 h ago, 20 h before its 30-day window after it ends: the failure's 24 h backoff ends after its last buying moment.
    const t = await given({ domains: ['late.com-700h'], policy: { window: { daysAfterExpiry: 30 } } });
    let fails = 1;
    t.registrar.faults.failDomain = () => (fails-- > 0 ? 'registry temporarily unavailable (test)' : undefined);
    await t.renew();
    t.clock.advance(HOUR);
    await t.check();
    t.clock.advance(HOUR);
    const next = await t.renew({ dryRun: true });
    expect(next.plan.decisions.find((d) => d.domain.domainName === 'late.com')?.reason).toBe('retry-too-late');
    expect(collectLapseWarnings(next.plan).map((w) => [w.outcome.domain, w.outcome.event])).toEqual([
      ['late.com', 'will-lapse'],
    ]);
  });
});
