import { given } from '../helpers/builder';
import { runSchedule } from '../helpers/schedule';

const HOUR = 3_600_000;

/**
 * A console renewal of a.com is queued at the registrar in its last day and 36 h before expiry the renew run skips it
 * as `renewing-elsewhere`: a will-lapse line (mark lapse#a.com#<expiry>#1) and an elsewhere line, "if that renewal
 * fails, the next run buys it". The task fails ~6 h before the expiry, after the last run before it. With
 * window.daysAfterExpiry 0 the next run finds a.com `past-window`, a will-lapse reason; its line had the same one-time
 * mark (threshold 1, the reason not in the mark), so it was never sent: the domain lapsed and nobody heard anything
 * after (review 2026-12-07, twenty-sixth session). A chosen reason's mark names it now.
 */
describe('renewing elsewhere in its last day, and that renewal fails after the last run before the expiry', () => {
  test('the person is told after the failure (the past-window line is not hidden by the earlier mark)', async () => {
    const t = await given({
      domains: ['a.com+36h'],
      policy: { window: { daysBeforeExpiry: 30, daysAfterExpiry: 0 } },
    });
    const expiry = t.expiry('a.com') as number;
    t.registrar.faults.queueMs = () => 30 * HOUR;
    // The console's task fails when it runs (the memory registrar reads this hook as the task executes).
    let consoleTaskFails = true;
    t.registrar.faults.failDomain = () => (consoleTaskFails ? 'registry error (test)' : undefined);
    await t.registrar.submitRenewBatch({
      items: [{ domainName: 'a.com', years: 1, currentExpiryMs: expiry, permitPremium: false }],
    });
    t.registrar.faults.queueMs = () => 0;
    const failedAt = t.registrar.tasks[0]?.doneAtMs as number;
    expect(failedAt).toBeLessThan(expiry);

    await runSchedule(t, 4 * 24);
    consoleTaskFails = false;
    expect(t.expiry('a.com')).toBe(expiry); // not renewed by anyone: it lapsed

    const lines = t.notifier.sent
      .flatMap((m) => (m.digest?.outcomes ?? []).map((o) => ({ ...o, at: m.digest?.nowMs ?? 0 })))
      .filter((o) => o.domain === 'a.com');
    // Sanity: the run before told the renewal elsewhere.
    expect(lines.some((o) => o.event === 'elsewhere' && /next run buys it/.test(o.reason ?? ''))).toBe(true);
    expect(t.registrar.submissions()).toHaveLength(1); // only the console's: this tool never bought it
    const afterFailure = lines.filter((o) => o.at > failedAt && o.event === 'will-lapse');
    expect(afterFailure.map((o) => o.reason)).toEqual([expect.stringContaining('past-window')]);
  });
});
