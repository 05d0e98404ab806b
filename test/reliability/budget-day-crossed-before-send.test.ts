import { given } from '../helpers/builder';

const MIDNIGHT = Date.parse('2026-12-08T00:00:00Z');

/**
 * Found, not fixed, in the thirtieth session: a budget taken on one UTC day and sent on the next. A run started at
 * 23:59:50 took the day's domain count (limits.maxDomainsPerRun, per UTC day across runs) for its batch, then its
 * ledger work before the paid call (the holds and peer reads: seconds on a throttled ledger) crossed midnight, and the
 * paid call went out on the new day counted on the old one. A run on the new day then bought up to the cap again:
 * the new day's purchases passed the cap by that batch (M4). The batch is now given back unsent when the day moved
 * between its take and its submit start, and offered again in the same run, under the new day's budget.
 */
describe('a batch whose budget was taken before UTC midnight and sent after it', () => {
  test("is counted on the day it is sent: the new day's cap holds across the day's runs", async () => {
    const t = await given({
      now: MIDNIGHT - 10_000,
      domains: ['a.com+5d', 'b.com+6d'],
      policy: { limits: { maxDomainsPerRun: 1 } },
    });
    let crossed = false;
    let taken = false;
    t.ledger.faults.before = (op) => {
      if (op === 'takeBudget') taken = true;
      // The first ledger call after the take (the holds' read before the paid call) lands after midnight.
      else if (taken && !crossed) {
        crossed = true;
        t.advance(20_000);
      }
    };
    await t.renew();
    t.ledger.faults.before = undefined;
    expect(crossed).toBe(true);
    const first = t.registrar.submissions().map((s) => s.domainName);
    expect(first).toEqual(['a.com']); // bought in the same run, after midnight

    // Later the same (new) UTC day: the cap of 1 is used by a.com's purchase.
    t.advance('1h');
    await t.renew();
    const all = t.registrar.submissions().map((s) => s.domainName);
    expect(all).toEqual(['a.com']);
  });
});
