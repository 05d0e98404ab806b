import { executeRenew } from '../../lib/jobs';
import { given } from '../helpers/builder';
import { runSchedule } from '../helpers/schedule';

const DAY = 86_400_000;

/**
 * A domain left to lapse on purpose (a chosen reason: premium with allowPremium false, held, past-window, redemption)
 * is told at the thresholds and "not again after the expiry" (will-lapse.ts CHOSEN_REASONS). When its chosen mark
 * named the reason (a fix of the same day), the flip from premium to past-window the day after the expiry paged
 * everyone again, and the first run after an upgrade re-sent every chosen line already told (review 2026-12-07,
 * twenty-sixth session, of that day's fix). Chosen reasons share one mark per threshold, in the older form.
 */
describe('a premium domain left to lapse on purpose', () => {
  test('is not told again after its expiry when its reason turns past-window', async () => {
    const t = await given({
      domains: ['p.com+2d premium'],
      policy: { window: { daysBeforeExpiry: 30, daysAfterExpiry: 0 }, limits: { allowPremium: false } },
    });
    const expiry = t.expiry('p.com') as number;
    await runSchedule(t, 5 * 24);
    expect(t.registrar.submissions()).toHaveLength(0);
    const lines = t.notifier.sent
      .flatMap((m) => (m.digest?.outcomes ?? []).map((o) => ({ ...o, at: m.digest?.nowMs ?? 0 })))
      .filter((o) => o.domain === 'p.com' && o.event === 'will-lapse');
    // Sanity: told before its expiry, as premium.
    expect(lines.some((o) => o.at < expiry && /^premium/.test(o.reason ?? ''))).toBe(true);
    const after = lines.filter((o) => o.at > expiry + DAY / 2);
    expect(after.map((o) => o.reason)).toEqual([]);
  });

  test('already told at its threshold by the previous version, it is not told again by the first run after an upgrade', async () => {
    const t = await given({ domains: ['p.com+5d premium'], policy: { limits: { allowPremium: false } } });
    const expiry = t.expiry('p.com') as number;
    // What the previous version wrote once its digest with the 7-day line went out.
    await t.ledger.putMarks([`lapse#p.com#${expiry}#7`], t.clock.now());
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r1' });
    const lines = t.notifier.sent
      .flatMap((m) => m.digest?.outcomes ?? [])
      .filter((o) => o.domain === 'p.com' && o.event === 'will-lapse');
    expect(lines).toEqual([]);
  });
});
