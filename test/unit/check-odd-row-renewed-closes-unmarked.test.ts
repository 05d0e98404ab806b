import { addYearsUtc } from '../../lib/renewal/dates';
import { ranTaskMark } from '../../lib/renewal/foreign-tasks';
import { given } from '../helpers/builder';
import { listingOnly, rewritingRows } from '../helpers/faulty';

const HOUR = 3_600_000;

/**
 * ranUnlisted (check.ts) waits while an unsettled entry's row is odd (an undocumented TaskStatusCode), as ranRows
 * does (a01c3cb). But the odd entry itself is settled by its look-up: recordResults reads an odd row as "no row" and
 * settles the entry RENEWED once its expiry reads old + years, and the batch closes. Neither path then marked the
 * task, so the batch closed WITHOUT a ran-task mark. The task waited days in the queue: once closed, its TaskNo is
 * no longer ours to skip, it is read neither by its creation (older than JUST_RENEWED_MS) nor by a mark, and a
 * drifted lagging listing bought the domain a second time (M1; review of a01c3cb, 2026-12-07, twenty-seventh
 * session). An odd row whose own entry settles now no longer holds the mark back.
 */
describe('an odd-status row whose domain reads renewed after the task waited days in the queue', () => {
  test('its batch does not close without a ran-task mark: the drifted lagging listing buys nothing', async () => {
    const t = await given({ domains: ['a.com+10d'], rejectStaleExpiry: false });
    const oldA = t.expiry('a.com') as number;
    // The task waits 100 h in the queue; its row for a.com reads a TaskStatusCode nobody documented throughout.
    t.registrar.faults.queueMs = () => 100 * HOUR;
    const odd = rewritingRows(t.registrar, (row) =>
      row.domainName === 'a.com' ? { ...row, state: 'unknown', statusCode: 7 } : row,
    );
    await t.renew({ deps: { registrar: odd } });
    const batch = (await t.ledger.listOpenBatches())[0];
    for (let h = 0; h < 102; h++) {
      t.advance('1h');
      await t.check({ deps: { registrar: odd } });
    }
    // a.com's row ran at ~100 h: renewed once, the batch closed (settled by the look-up).
    expect(t.expiry('a.com')).toBe(addYearsUtc(oldA, 1));
    expect((await t.ledger.listOpenBatches()).filter((b) => b.status !== 'CLOSED')).toEqual([]);
    expect(t.registrar.submissions().filter((s) => s.domainName === 'a.com')).toHaveLength(1);
    // A listing that lags after the renewal and reads a.com's old expiry an hour off buys nothing.
    t.advance('1h');
    await t.renew({ deps: { registrar: listingOnly(t.registrar, 'a.com', oldA + HOUR, odd) } });
    expect({
      bought: t.registrar.submissions().filter((s) => s.domainName === 'a.com').length,
      marked: (await t.ledger.getMarks([ranTaskMark(batch?.taskNo ?? '')])).size,
    }).toEqual({ bought: 1, marked: 1 });
  });
});
