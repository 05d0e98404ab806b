import { given } from '../helpers/builder';
import { hidingRowsOf, renewNeverShown } from '../helpers/faulty';

/**
 * Guards kept after the thirty-second session reverted its rules that held act notes back (every new act note
 * brings the stuck line forward again, as before): each case below lapsed with nobody told under one of those rules.
 *
 * a.com is told to act at hour 58; its row shows again at 59 (its note becomes "its task says renewed ... do not renew
 * it by hand"); b.com's first act note pages, its stuck line naming a.com "do not renew it by hand"; then a.com's row
 * is gone again, for good, a.com's act-by (its expiry, daysAfterExpiry 0) at hour 81.6.
 * - b.com at hour 70, a.com gone at 71 (review of 7733a12, BatchEntry.actTold): an entry told to act once kept its
 *   mark for good, while the "within the day" it was held to was the batch's, which b.com's first note set; a.com's
 *   act note waited for the daily line at hour 94, after its expiry.
 * - b.com at hour 60, a.com gone at 61 (review of 3a021d1, BatchEntry.actToldAtMs): an act note back within 12 hours
 *   of its last page was held for the daily line whatever the entry was told in between, and once stored it was not
 *   new any more: nothing paged it; the daily line came at hour 84.
 */
describe('an act note that comes back after the entry was told "do not renew it by hand" meanwhile', () => {
  test.each([
    {
      bActs: 70,
      aGone: 71,
      told: (toldA: string[]) =>
        // Hour 70's page tells a.com "do not renew it by hand"; a.com's act line comes before its expiry.
        expect(toldA).toEqual([
          '58h alert: renew it by hand: its task finished with',
          '70h alert: its task says renewed, but the registrar',
          '71h alert: renew it by hand: its task finished with',
        ]),
    },
    {
      bActs: 60,
      aGone: 61,
      // The last thing told of a.com before its expiry (hour 81.6) must be to act.
      told: (toldA: string[]) => expect(toldA[toldA.length - 1]).toMatch(/renew it by hand|close the batch/),
    },
  ])(
    'b.com acts at hour $bActs, a.com gone at $aGone: told before the act-by moment',
    async ({ bActs, aGone, told }) => {
      const t = await given({
        domains: ['a.com+3.4d', 'b.com+3.4d'],
        policy: { window: { daysBeforeExpiry: 30, daysAfterExpiry: 0 } },
      });
      // The registrar never shows a new expiry for either.
      const { old } = await renewNeverShown(t, ['a.com', 'b.com']);
      const oldA = old.get('a.com') as number;
      const hidden = new Set<string>(['a.com']);
      const rows = hidingRowsOf(t.registrar, hidden);
      /** Per hour from 58 on: what each message told about a.com (its line's reason, cut). */
      const toldA: string[] = [];
      let firstActA: number | undefined;
      for (let h = 1; t.clock.now() < oldA; h++) {
        t.advance('1h');
        if (firstActA !== undefined && h === firstActA + 1) hidden.delete('a.com'); // a.com's row shows again
        if (firstActA !== undefined && h === bActs) hidden.add('b.com'); // b.com's first act note
        if (firstActA !== undefined && h === aGone) hidden.add('a.com'); // a.com's row is gone again, for good
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
      told(toldA);
    },
  );
});
