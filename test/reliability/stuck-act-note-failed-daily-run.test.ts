import { given } from '../helpers/builder';
import { hidingRowsOf, renewNeverShown } from '../helpers/faulty';

/**
 * A guard kept after the thirty-second session reverted its rules that held act notes back (every new act note
 * brings the stuck line forward again, as before): one of those rules let this case lapse with nobody told.
 *
 * Review 2026-12-08 (thirty-second session) of 3a021d1 (check.ts waitsForDailyLine). A new act note of an entry waits for the
 * batch's next daily stuck line when another act note paged within the day and the entry's act-by moment "does not
 * come before that line": act-by >= stuckNotifiedAtMs + 24 h, no margin. The daily line goes out at the first check
 * run at or after that moment; one hourly run that fails (here: the ledger cannot list the open batches), or runs a
 * few seconds early, moves it an hour on. Here a.com (far from expiry) is told to act at hour H; b.com's row (success,
 * expiry unmoved: "its task says renewed ... do not renew it by hand", as the H page says) stops showing at H + 1;
 * b.com's act-by (its expiry, daysAfterExpiry 0) is 20 minutes after H + 24 h (H is hour 72), so its act note is held. The check at
 * H + 24 fails; the next, at H + 25, is after b.com's expiry. The last thing told of b.com: do not renew it by hand.
 */
describe('an act note held for the daily stuck line', () => {
  test('is still told before the act-by moment when the check run at the daily line fails', async () => {
    const t = await given({
      // b.com: 20 minutes after hour 96, the daily line after a.com's first act page at hour 72.
      domains: ['a.com+20d', 'b.com+96.333h'],
      policy: { window: { daysBeforeExpiry: 30, daysAfterExpiry: 0 } },
    });
    const { old } = await renewNeverShown(t, ['a.com', 'b.com']);
    const oldB = old.get('b.com') as number;
    // a.com's row never shows; b.com's stops showing once a.com was told to act.
    const hidden = new Set<string>(['a.com']);
    const registrar = hidingRowsOf(t.registrar, hidden);
    const toldB: string[] = [];
    let aToldAt: number | undefined;
    let aToldAtMs = 0;
    let failAt = -1;
    for (let h = 1; h < 24 * 9; h++) {
      t.advance('1h');
      if (aToldAt !== undefined && t.clock.now() >= oldB) break;
      if (h === failAt)
        t.ledger.faults.before = (op) => {
          if (op === 'listOpenBatches') throw new Error('ledger throttled');
        };
      const before = t.notifier.sent.length;
      await t.check({ deps: { registrar } }).catch(() => undefined);
      t.ledger.faults.before = undefined;
      const [open] = await t.ledger.listOpenBatches();
      const noteA = open?.entries.find((e) => e.domain === 'a.com')?.message ?? '';
      if (aToldAt === undefined && /^renew it by hand|close the batch/.test(noteA)) {
        aToldAt = h;
        aToldAtMs = t.clock.now();
        hidden.add('b.com'); // from the next check on
        failAt = h + 24;
      }
      for (const m of t.notifier.sent.slice(before)) {
        const line = m.email.split('\n').find((l) => l.includes('b.com:')) ?? '';
        if (line && aToldAt !== undefined) toldB.push(`${h - aToldAt}h ${line.replace(/.*reason: /, '').slice(0, 40)}`);
      }
    }
    expect(aToldAt).toBe(72);
    // b.com's act-by comes 20 minutes after the daily stuck line the H page set: its act note was held for it.
    expect((oldB - aToldAtMs) / 60_000).toBeCloseTo(24 * 60 + 20, 0);
    expect(toldB[toldB.length - 1]).toMatch(/^\d+h (renew it by hand|its task finished without a row)/);
  });
});
