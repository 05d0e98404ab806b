import { given } from '../helpers/builder';
import { hidingRowsOf, showingExpiries } from '../helpers/faulty';

/**
 * A guard kept after the thirty-second session reverted its rules that held act notes back (every new act note
 * brings the stuck line forward again, as before): one of those rules let this case lapse with nobody told.
 *
 * Review 2026-12-08 (thirty-second session) of 7733a12 (check.ts waitsForDailyLine, BatchEntry.actTold). An entry told to act once
 * keeps `actTold` for good, also after its act note was cleared as stale (its row showed again), while the "within
 * the day" it is held to is the batch's (Batch.actToldAtMs), which a batch-mate's first act note sets. Here a.com is
 * told to act at hour 58; its row shows again (its note becomes "its task says renewed ... do not renew it by hand");
 * b.com's first act note pages at hour 70, its stuck line naming a.com "do not renew it by hand"; then a.com's row
 * is gone again at hour 71, a.com's act-by (its expiry, daysAfterExpiry 0) at hour 81.6. a.com's act note waits for
 * the next daily stuck line (hour 94): after its expiry. The last thing told about a.com before it lapsed: do not
 * renew it by hand.
 */
describe('an act note that comes back after the entry was told "do not renew it by hand" meanwhile', () => {
  test('is told before the act-by moment', async () => {
    const t = await given({
      domains: ['a.com+3.4d', 'b.com+3.4d'],
      policy: { window: { daysBeforeExpiry: 30, daysAfterExpiry: 0 } },
    });
    const oldA = t.expiry('a.com') as number;
    const oldB = t.expiry('b.com') as number;
    await t.renew();
    // The registrar never shows a new expiry for either.
    showingExpiries(
      t.registrar,
      new Map([
        ['a.com', oldA],
        ['b.com', oldB],
      ]),
    );
    const hidden = new Set<string>(['a.com']);
    const rows = hidingRowsOf(t.registrar, hidden);
    /** Per hour from 58 on: what each message told about a.com (its line's reason, cut). */
    const toldA: string[] = [];
    let firstActA: number | undefined;
    for (let h = 1; t.clock.now() < oldA; h++) {
      t.advance('1h');
      if (firstActA !== undefined && h === firstActA + 1) hidden.delete('a.com'); // a.com's row shows again
      if (firstActA !== undefined && h === 70) hidden.add('b.com'); // b.com's first act note
      if (firstActA !== undefined && h === 71) hidden.add('a.com'); // a.com's row is gone again, for good
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
    // Hour 70's page tells a.com "do not renew it by hand"; a.com's act line comes before its expiry (hour 81.6).
    expect(toldA).toEqual([
      '58h alert: renew it by hand: its task finished with',
      '70h alert: its task says renewed, but the registrar',
      '71h alert: renew it by hand: its task finished with',
    ]);
  });
});
