import type { Ledger } from '../../lib/ledger/port';
import type { Registrar } from '../../lib/registrar/port';
import { addYearsUtc } from '../../lib/renewal/dates';
import { given } from '../helpers/builder';
import { hidingDetailRows, listingOnly, showingExpiry } from '../helpers/faulty';

const HOUR = 3_600_000;

/**
 * ranUnlisted (check.ts) marks a batch's task `ran-task` as soon as an unsettled entry WITHOUT a row reads renewed,
 * whatever the other rows of the task say: unlike ranRows, it does not wait for rows still waiting or executing, nor
 * ask whether the task may still run. A batch-mate with no row (its row not listed: details lagging, or never shown)
 * whose expiry reads renewed once the batch is stuck-old (the look-up of unlisted entries starts at
 * notify.stuckAfterHours) dates the mark while the rest of the task still waits in the queue. Put once, the mark is
 * not refreshed when the late row runs; the closed batch's task is then neither recent by creation nor by its mark,
 * the renew run does not read it, and a drifted lagging listing buys the late row's domain again (M1). The ranRows
 * twin of this hole was fixed on review 2026-12-05/07 (lagging-listing-own-tasks.test.ts, "a batch-mate whose row
 * ... while the others still wait does not date the mark before the task ran").
 */
describe('the ran-task mark when an unlisted batch-mate reads renewed while the task still waits', () => {
  test('does not date the mark before the waiting row ran: the drifted lagging listing buys nothing', async () => {
    const t = await given({ domains: ['a.com+10d', 'b.com+10d'], rejectStaleExpiry: false });
    const oldA = t.expiry('a.com') as number;
    const oldB = t.expiry('b.com') as number;
    // The task waits 100 h in the queue; b.com's row is never listed (details lagging), a.com's waits.
    t.registrar.faults.queueMs = () => 100 * HOUR;
    const reg: Registrar = hidingDetailRows(t.registrar, 'b.com');
    await t.renew({ deps: { registrar: reg } });
    // b.com reads renewed (its row ran but is not listed, or someone renewed it): settled by its look-up at 24 h.
    showingExpiry(t.registrar, 'b.com', addYearsUtc(oldB, 1));
    const puts: number[] = [];
    const ledger: Ledger = {
      ...t.ledger,
      putMarks: async (keys, nowMs) => {
        if (keys.some((key) => key.startsWith('ran-task:'))) puts.push(nowMs);
        return t.ledger.putMarks(keys, nowMs);
      },
    };
    const submittedAt = t.clock.now();
    for (let h = 0; h < 101; h++) {
      t.advance('1h');
      await t.check({ deps: { registrar: reg, ledger } });
    }
    // a.com's row ran at ~100 h: the batch is closed, a.com renewed once.
    expect((await t.ledger.listOpenBatches()).filter((b) => b.status !== 'CLOSED')).toEqual([]);
    expect(t.expiry('a.com')).toBe(addYearsUtc(oldA, 1));
    expect(t.registrar.submissions().filter((s) => s.domainName === 'a.com')).toHaveLength(1);
    // The mark must not say the task ran while a.com's row still waited in the queue.
    const ranRowAt = submittedAt + 100 * HOUR;

    expect(puts.every((at) => at >= ranRowAt)).toBe(true);
    // A listing that lags after the renewal and reads a.com's old expiry an hour off buys nothing.
    t.advance('1h');
    await t.renew({ deps: { registrar: listingOnly(t.registrar, 'a.com', oldA + HOUR, reg) } });
    expect(t.registrar.submissions().filter((s) => s.domainName === 'a.com')).toHaveLength(1);
  });
});
