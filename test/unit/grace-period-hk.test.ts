import { graceDaysOf } from '../../lib/renewal/dates';
import { lastBuyMsOf } from '../../lib/renewal/plan';
import { collectLapseWarnings } from '../../lib/renewal/will-lapse';
import { given } from '../helpers/builder';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Review 2026-12-07: the grace period is not 30 days for every TLD. ../shared/alibaba-domain-api.md §4: "a 30-day
 * grace period (28 days for `.hk`)"; ../shared/alibaba-preflight-apis.md C.2: ".hk 28-day grace + 59-day redemption"
 * (CONFIRMED from Alibaba's redemption page). With one GRACE_DAYS = 30 for every TLD, a .hk renewal that failed on
 * grace day 27 was told "retrying", its retry planned for day 28.1, when the registry has put the domain in
 * redemption (never bought here): the last day a person could still renew it at the normal price passed with no
 * urgent line.
 */
describe('a .hk domain: its grace period is 28 days, not 30', () => {
  test.each([
    ['late.hk', 28],
    ['a.b.hk', 28],
    ['hk.com', 30],
    ['shop.com.hk', 28],
    ['example.com', 30],
    ['xn--fiqs8s', 30],
    ['Shop.HK.', 28],
    // .香港 (punycode xn--j6w193g) is run by the .hk registry; its own grace is UNCONFIRMED, and the shorter one is the
    // safe guess: a longer one says "retrying" of a domain the registry has put in redemption.
    ['xn--j6w193g', 28],
    ['shop.xn--j6w193g', 28],
    ['Shop.XN--J6W193G.', 28],
  ])('%s: %i days', (name, days) => {
    expect(graceDaysOf(name)).toBe(days);
    expect(lastBuyMsOf(0, 60, name)).toBe(days * DAY);
  });

  test('a failure on grace day 27 is told as too late to retry (look first), not as retrying', async () => {
    // Expired 650 h (27.1 days) ago, inside the default window (daysAfterExpiry 30).
    const t = await given({ domains: ['late.hk-650h'] });
    const expiry = t.expiry('late.hk') as number;
    let fails = 1;
    t.registrar.faults.failDomain = () => (fails-- > 0 ? 'registry temporarily unavailable (test)' : undefined);
    await t.renew();
    t.clock.advance(HOUR);
    await t.check();
    const failed = t.notifier.sent
      .flatMap((m) => m.digest?.outcomes ?? [])
      .find((o) => o.domain === 'late.hk' && o.event === 'failed');
    // Its 24 h backoff ends on grace day 28.1: past the .hk grace period, so no retry can buy it.
    expect(failed?.retry).toEqual({ attempts: 1, maxAttempts: 3, state: 'too-late', lastBuyMs: expiry + 28 * DAY });
    t.clock.advance(HOUR);
    const next = await t.renew({ dryRun: true });
    expect(next.plan.decisions.find((d) => d.domain.domainName === 'late.hk')?.reason).toBe('retry-too-late');
    expect(collectLapseWarnings(next.plan).map((w) => [w.outcome.domain, w.outcome.event])).toEqual([
      ['late.hk', 'will-lapse'],
    ]);
  });

  test('past 28 days a .hk domain is in redemption, where a .com one is still bought', async () => {
    const t = await given({ domains: ['old.hk-690h', 'old.com-690h'] });
    const run = await t.renew({ dryRun: true });
    const reasons = Object.fromEntries(run.plan.decisions.map((d) => [d.domain.domainName, d.reason]));
    expect(reasons['old.hk']).toBe('redemption');
    expect(reasons['old.com']).not.toBe('redemption');
  });
});
