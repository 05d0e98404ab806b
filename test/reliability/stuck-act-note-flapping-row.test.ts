import type { Registrar } from '../../lib/registrar/port';
import { type Given, given } from '../helpers/builder';
import { showingExpiry } from '../helpers/faulty';

/**
 * Review 2026-12-08, thirty-second session (long-queued tasks). Our task ran; the registrar's detail listing shows
 * a.com's row on one read and not on the next (the "row lagging, or never shown" family check already handles, here
 * not steady), and the expiry has not moved. Once the 2-day wait is over, each rowless read gives the entry an act note
 * ("nothing shows it was bought: close the batch, or renew it by hand"), each read with the row replaces it
 * (TASK_SAYS_RENEWED, or drops it as stale). recordResults set `toAct` whenever an act note replaced a non-act one and
 * zeroed stuckNotifiedAtMs, so flagStuck paged again at once: a stuck SMS every two hours, for as long as the row
 * flapped. Now an act note brings the stuck line forward at most once a day (Batch.actToldAtMs).
 *
 * The review of that fix (b17ad3d, waitsForDailyLine) then let an entry whose act-by moment comes before the next
 * daily stuck line past the limit for ANY new act note, not only its first: the same row paged every other hour again
 * through the whole last day before its expiry. Only an entry's first act note is let past (BatchEntry.actTold).
 */

/** Hourly checks after a.com's renewal while its detail row shows every other hour; the hours a.com was paged. */
async function pagesWhileRowFlaps(t: Given, hours: (h: number) => boolean): Promise<number[]> {
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
  for (let h = 1; hours(h); h++) {
    t.advance('1h');
    hide = h % 2 === 0;
    const before = t.notifier.sent.length;
    await t.check({ deps: { registrar: flapping } });
    for (const m of t.notifier.sent.slice(before)) if (m.severity === 'alert' && /a\.com/.test(m.sms)) pages.push(h);
  }
  return pages;
}

describe('a detail row that shows on one check and not the next, after the task finished', () => {
  test('the stuck line is paged about once a day, not every time the act note comes back', async () => {
    const t = await given({ domains: ['a.com+20d'] });
    const pages = await pagesWhileRowFlaps(t, (h) => h <= 6 * 24);
    // Days 4 to 6 (hours 73-144): the wait is over, the act line is due once a day, not 36 times.
    const late = pages.filter((h) => h > 72);
    expect(late.length).toBeLessThanOrEqual(4);
    // Still told every day while it stays open.
    expect(late.length).toBeGreaterThanOrEqual(3);
  });

  test('nor every time it comes back in the last day before the act-by moment', async () => {
    const t = await given({
      domains: ['a.com+3.4d'],
      policy: { window: { daysBeforeExpiry: 30, daysAfterExpiry: 0 } },
    });
    const expiry = t.expiry('a.com') as number;
    const pages = await pagesWhileRowFlaps(t, () => t.clock.now() < expiry);
    // The act note comes at hour 58, 23.6 hours before a.com's expiry (hour 81.6), before the next daily stuck line:
    // one or two stuck pages in that last day, not one every other hour (hours 58, 60, 62, ..., 80: twelve SMS).
    const late = pages.filter((h) => h > 48);
    expect(late.length).toBeLessThanOrEqual(3);
    // Still told while it stays open.
    expect(late.length).toBeGreaterThanOrEqual(1);
  });
});
