import { given } from '../helpers/builder';
import { hidingRowsOf, showingExpiries } from '../helpers/faulty';

/**
 * A guard kept after the thirty-second session reverted its rules that held act notes back (every new act note
 * brings the stuck line forward again, as before): one of those rules let this case lapse with nobody told.
 *
 * Review 2026-12-08 (thirty-second session) of 3a021d1 (check.ts waitsForDailyLine, BatchEntry.actToldAtMs). An entry's act note that
 * comes back within 12 hours of its last page is held for the daily stuck line, whatever a person was told of the
 * entry in between. Here a.com is told to act at hour 58; its row shows again at 59 (its note "its task says
 * renewed ... do not renew it by hand"); b.com's first act note pages at hour 60 (its act-by, hour 81.6, is before
 * the daily line at 82), that stuck line naming a.com "do not renew it by hand"; a.com's row is gone again at hour 61,
 * for good. a.com's act note is held (3 h after its last page), and once it is stored it is not new any more: nothing
 * pages it after the 12 hours either. The next daily stuck line is at hour 84, after a.com's expiry (hour 81.6).
 */
describe('an act note back within 12 h after a mate\'s page told the entry "do not renew it by hand"', () => {
  test('is told before the act-by moment', async () => {
    const t = await given({
      domains: ['a.com+3.4d', 'b.com+3.4d'],
      policy: { window: { daysBeforeExpiry: 30, daysAfterExpiry: 0 } },
    });
    const oldA = t.expiry('a.com') as number;
    const oldB = t.expiry('b.com') as number;
    await t.renew();
    showingExpiries(
      t.registrar,
      new Map([
        ['a.com', oldA],
        ['b.com', oldB],
      ]),
    );
    const hidden = new Set<string>(['a.com']);
    const rows = hidingRowsOf(t.registrar, hidden);
    const toldA: string[] = [];
    let firstActA: number | undefined;
    for (let h = 1; t.clock.now() < oldA; h++) {
      t.advance('1h');
      if (firstActA !== undefined && h === firstActA + 1) hidden.delete('a.com'); // a.com's row shows again
      if (firstActA !== undefined && h === firstActA + 2) hidden.add('b.com'); // b.com's first act note
      if (firstActA !== undefined && h === firstActA + 3) hidden.add('a.com'); // a.com's row gone again, for good
      const before = t.notifier.sent.length;
      await t.check({ deps: { registrar: rows } });
      const [open] = await t.ledger.listOpenBatches();
      const noteA = open?.entries.find((e) => e.domain === 'a.com')?.message ?? '';
      if (firstActA === undefined && /^renew it by hand|close the batch/.test(noteA)) firstActA = h;
      for (const m of t.notifier.sent.slice(before)) {
        const line = m.email.split('\n').find((l) => l.includes('a.com:')) ?? '';
        const reason = line.replace(/.*reason: /, '').slice(0, 40);
        if (line && h >= 58) toldA.push(`${h}h ${m.severity}: ${reason}`);
      }
    }
    expect(firstActA).toBe(58);
    // The last thing told of a.com before its expiry (hour 81.6) must be to act.
    expect(toldA[toldA.length - 1]).toMatch(/renew it by hand|close the batch/);
  });
});
