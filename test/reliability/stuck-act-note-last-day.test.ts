import type { Registrar } from '../../lib/registrar/port';
import { given } from '../helpers/builder';
import { showingExpiry } from '../helpers/faulty';

/**
 * Review 2026-12-08, thirty-second session, of b17ad3d (check.ts waitsForDailyLine). af81686 made an act note bring the stuck line forward at most
 * once a day (Batch.actToldAtMs): a detail row showing on one read and not the next paged every other hour. b17ad3d
 * lets an entry whose act-by moment comes before the next daily stuck line past that limit, for ANY new act note,
 * not only the entry's first: the same flapping row now pages every other hour again through the whole last day
 * before its expiry (daysAfterExpiry 0: act-by is the expiry), each time with an SMS. No page storms.
 */
describe('a detail row that flaps in the last day before the act-by moment', () => {
  test('does not page every time the act note comes back', async () => {
    const t = await given({
      domains: ['a.com+3.4d'],
      policy: { window: { daysBeforeExpiry: 30, daysAfterExpiry: 0 } },
    });
    const old = t.expiry('a.com') as number;
    await t.renew();
    showingExpiry(t.registrar, 'a.com', old); // the registrar never shows a new expiry
    let hide = false;
    const flapping: Registrar = {
      ...t.registrar,
      listTaskDetails: async (no) =>
        (await t.registrar.listTaskDetails(no)).filter((d) => !(hide && d.domainName === 'a.com')),
    };
    const pages: number[] = [];
    for (let h = 1; t.clock.now() < old; h++) {
      t.advance('1h');
      hide = h % 2 === 0;
      const before = t.notifier.sent.length;
      await t.check({ deps: { registrar: flapping } });
      for (const m of t.notifier.sent.slice(before)) if (m.severity === 'alert' && /a\.com/.test(m.sms)) pages.push(h);
    }
    // The act note comes at hour 58, 23.6 hours before a.com's expiry (hour 81.6), before the next daily stuck line:
    // one or two stuck pages in that last day, not one every other hour (hours 58, 60, 62, ..., 80: twelve SMS).
    const late = pages.filter((h) => h > 48);
    expect(late.length).toBeLessThanOrEqual(3);
    // Still told while it stays open.
    expect(late.length).toBeGreaterThanOrEqual(1);
  });
});
