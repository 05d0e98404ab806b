import type { Registrar } from '../../lib/registrar/port';
import { given } from '../helpers/builder';
import { showingExpiry } from '../helpers/faulty';

/**
 * Review 2026-12-08, thirty-second session (long-queued tasks). Our task ran; the registrar's detail listing shows a.com's row on one read and not on
 * the next (the "row lagging, or never shown" family check already handles, here not steady), and the expiry has not
 * moved. Once the 2-day wait is over, each rowless read gives the entry an act note ("nothing shows it was bought:
 * close the batch, or renew it by hand"), each read with the row replaces it (TASK_SAYS_RENEWED, or drops it as
 * stale). recordResults sets `toAct` whenever an act note replaces a non-act one and zeroes stuckNotifiedAtMs, so
 * flagStuck pages again at once: a stuck SMS every two hours, for as long as the row flaps. The comment there says
 * "not again as one act note gives way to the other"; nothing remembers that the act line was already paged today.
 */
describe('a detail row that shows on one check and not the next, after the task finished', () => {
  test('the stuck line is paged about once a day, not every time the act note comes back', async () => {
    const t = await given({ domains: ['a.com+20d'] });
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
    for (let h = 1; h <= 6 * 24; h++) {
      t.advance('1h');
      hide = h % 2 === 0;
      const before = t.notifier.sent.length;
      await t.check({ deps: { registrar: flapping } });
      for (const m of t.notifier.sent.slice(before)) if (m.severity === 'alert' && /a\.com/.test(m.sms)) pages.push(h);
    }
    // Days 4 to 6 (hours 73-144): the wait is over, the act line is due once a day, not 36 times.
    const late = pages.filter((h) => h > 72);
    expect(late.length).toBeLessThanOrEqual(4);
    // Still told every day while it stays open.
    expect(late.length).toBeGreaterThanOrEqual(3);
  });
});
