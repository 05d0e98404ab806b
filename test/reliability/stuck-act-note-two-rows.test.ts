import type { Registrar } from '../../lib/registrar/port';
import { given } from '../helpers/builder';

/**
 * Review 2026-12-08, thirty-second session, of e88917d (check.ts flagStuck cleared BatchEntry.actTold on an entry
 * whose note was not an act note when a stuck line went out). Two entries of one batch in their last day, their detail rows flapping out of
 * phase (a.com's row missing on even hours, b.com's on odd ones), the expiries never moving. Each entry's act note
 * comes back every other hour. The stuck line one entry's act note brings forward goes out while the other's row
 * shows (its note "its task says renewed", or none): that line clears the other's actTold, so the other's next act
 * note, an hour later, is "first" again, not held (its act-by comes before the next daily line), zeroes
 * stuckNotifiedAtMs and pages; its stuck line clears the first's mark in turn. One stuck SMS every hour for the whole
 * last day: the page storm the once-a-day rule (Batch.actToldAtMs, BatchEntry.actTold) was to end. Now each entry's
 * act note pages again no sooner than 12 hours after its last time (BatchEntry.actToldAtMs).
 */
describe('two detail rows of one batch flapping out of phase in their last day', () => {
  test('page about once a day, not every hour', async () => {
    const t = await given({
      domains: ['a.com+3.4d', 'b.com+3.4d'],
      policy: { window: { daysBeforeExpiry: 30, daysAfterExpiry: 0 } },
    });
    const oldA = t.expiry('a.com') as number;
    const oldB = t.expiry('b.com') as number;
    await t.renew();
    // The registrar never shows a new expiry for either.
    t.registrar.faults.before = (op) => {
      if (op !== 'listDomains' && op !== 'getDomain') return;
      const a = t.registrar.domains.get('a.com');
      const b = t.registrar.domains.get('b.com');
      if (a) a.expiresAtMs = oldA;
      if (b) b.expiresAtMs = oldB;
    };
    let h = 0;
    const rows: Registrar = {
      ...t.registrar,
      listTaskDetails: async (no) =>
        (await t.registrar.listTaskDetails(no)).filter((d) => d.domainName !== (h % 2 === 0 ? 'a.com' : 'b.com')),
    };
    const pages: number[] = [];
    for (h = 1; t.clock.now() < Math.min(oldA, oldB); h++) {
      t.advance('1h');
      const before = t.notifier.sent.length;
      await t.check({ deps: { registrar: rows } });
      for (const m of t.notifier.sent.slice(before)) if (m.severity === 'alert' && m.sms) pages.push(h);
    }
    // The first act notes (each entry's first may page: its act-by comes first), then the daily line at most.
    // Before e88917d: hours 58 and 59 (each entry's first act note). With it: every hour from 58 to 81 (24 SMS).
    expect(pages.filter((p) => p > 48).length).toBeLessThanOrEqual(4);
  });
});
