import type { Ledger } from '../../lib/ledger/port';
import type { Registrar } from '../../lib/registrar/port';
import { addYearsUtc } from '../../lib/renewal/dates';
import { given } from '../helpers/builder';
import { hidingDetailRows, listingOnly, rewritingRows, showingExpiry } from '../helpers/faulty';

const HOUR = 3_600_000;

/**
 * ranUnlisted (check.ts, 1630988): an odd-status row whose own entry settles by its look-up no longer holds the
 * ran-task mark back. But ranUnlisted never asks whether the task may still run a batch-mate's row that is not
 * listed yet (ranRows does, by taskMayRun): an odd row whose domain reads renewed at the stuck-old look-up, beside a
 * batch-mate with no row while the task still waits in the queue, now dates the mark then. Put once, it is not
 * refreshed when the late row runs days later; the closed batch's task is then neither recent by creation nor by
 * its mark, and a drifted lagging listing buys the late row's domain again (M1). Before 1630988 the odd row held the
 * mark until the batch-mate settled.
 */
describe('an odd row that reads renewed beside a batch-mate not listed yet, while the task waits in the queue', () => {
  test('does not date the ran-task mark before the late row ran: the drifted lagging listing buys nothing', async () => {
    const t = await given({ domains: ['a.com+10d', 'b.com+10d'], rejectStaleExpiry: false });
    const oldA = t.expiry('a.com') as number;
    const oldB = t.expiry('b.com') as number;
    // The task waits 100 h in the queue; a.com's row reads an undocumented status, b.com's row is not listed.
    t.registrar.faults.queueMs = () => 100 * HOUR;
    const reg: Registrar = hidingDetailRows(
      rewritingRows(t.registrar, (row) =>
        row.domainName === 'a.com' ? { ...row, state: 'unknown', statusCode: 7 } : row,
      ),
      'b.com',
    );
    await t.renew({ deps: { registrar: reg } });
    // a.com reads renewed (its odd row ran, or someone renewed it): settled by its look-up once the batch is stuck-old.
    showingExpiry(t.registrar, 'a.com', addYearsUtc(oldA, 1));
    const puts: number[] = [];
    const ledger: Ledger = {
      ...t.ledger,
      putMarks: async (keys, nowMs) => {
        if (keys.some((key) => key.startsWith('ran-task:'))) puts.push(nowMs);
        return t.ledger.putMarks(keys, nowMs);
      },
    };
    const submittedAt = t.clock.now();
    for (let h = 0; h < 102; h++) {
      t.advance('1h');
      await t.check({ deps: { registrar: reg, ledger } });
    }
    // b.com's row ran at ~100 h: the batch is closed, b.com renewed once.
    expect((await t.ledger.listOpenBatches()).filter((b) => b.status !== 'CLOSED')).toEqual([]);
    expect(t.expiry('b.com')).toBe(addYearsUtc(oldB, 1));
    expect(t.registrar.submissions().filter((s) => s.domainName === 'b.com')).toHaveLength(1);
    // The mark must not say the task ran while b.com's row still waited in the queue.
    const ranRowAt = submittedAt + 100 * HOUR;
    // A listing that lags after the renewal and reads b.com's old expiry an hour off buys nothing.
    t.advance('1h');
    await t.renew({ deps: { registrar: listingOnly(t.registrar, 'b.com', oldB + HOUR, reg) } });
    expect({
      bought: t.registrar.submissions().filter((s) => s.domainName === 'b.com').length,
      earlyMarks: puts.filter((at) => at < ranRowAt).map((at) => (at - submittedAt) / HOUR),
    }).toEqual({ bought: 1, earlyMarks: [] });
  });
});
