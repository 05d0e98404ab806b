import { given } from '../helpers/builder';
import { hidingRowsOf, renewNeverShown } from '../helpers/faulty';

/**
 * A guard kept after the thirty-second session reverted its rules that held act notes back (every new act note
 * brings the stuck line forward again, as before): one of those rules let this case lapse with nobody told.
 *
 * Review 2026-12-08, thirty-second session, of af81686 (Batch.actToldAtMs). The once-a-day limit was kept per batch, not per entry: a batch-mate's act
 * note told within the last day holds back the FIRST act note of another entry. Here a.com (rowless, far from
 * expiry) is told "renew it by hand" once the 2-day wait is over; an hour later b.com's row (success, expiry not
 * moved: "do not renew it by hand") stops showing, and b.com, due in half a day with daysAfterExpiry 0, gets its own
 * first "renew it by hand" note. That note now waits for the next daily stuck line, which comes after b.com's expiry:
 * the last thing a person was told of b.com is "do not renew it by hand", and it lapses.
 */
describe("a batch-mate's act note told within the day", () => {
  test("does not hold back another entry's first act note past its act-by moment", async () => {
    const t = await given({
      domains: ['a.com+20d', 'b.com+3.5d'],
      policy: { window: { daysBeforeExpiry: 30, daysAfterExpiry: 0 } },
    });
    // The registrar never shows either new expiry.
    const { run, old } = await renewNeverShown(t, ['a.com', 'b.com']);
    const oldB = old.get('b.com') as number;
    expect(run.plan.batches.length).toBe(1); // one batch holds both
    // a.com's row never shows; b.com's stops showing once a.com was told to act.
    const hidden = new Set<string>(['a.com']);
    const registrar = hidingRowsOf(t.registrar, hidden);
    const toldByHand: number[] = [];
    let aToldAt: number | undefined;
    for (let h = 1; t.clock.now() < oldB; h++) {
      t.advance('1h');
      const before = t.notifier.sent.length;
      await t.check({ deps: { registrar } });
      for (const m of t.notifier.sent.slice(before)) {
        const lines = m.digest?.outcomes ?? [];
        if (
          aToldAt === undefined &&
          lines.some(
            (o) => o.domain === 'a.com' && /^renew it by hand|nothing shows it was bought/.test(o.reason ?? ''),
          )
        )
          aToldAt = h;
        if (
          lines.some(
            (o) => o.domain === 'b.com' && /^renew it by hand|nothing shows it was bought/.test(o.reason ?? ''),
          )
        )
          toldByHand.push(h);
      }
      // An hour after a.com's act line went out, b.com's row stops showing (the flapping rows the fix is about).
      if (aToldAt !== undefined && h === aToldAt) hidden.add('b.com');
    }
    expect(aToldAt).toBeDefined();
    // b.com: told to renew it by hand before its expiry (it was, before af81686: at the first check without its row).
    expect(toldByHand.length).toBeGreaterThan(0);
  });
});
