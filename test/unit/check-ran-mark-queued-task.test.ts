import type { Registrar } from '../../lib/registrar/port';
import { addYearsUtc } from '../../lib/renewal/dates';
import { ranTaskMark } from '../../lib/renewal/foreign-tasks';
import { given } from '../helpers/builder';
import { hidingDetailRows, listingOnly, recordingRanMarks, rewritingRows, showingExpiry } from '../helpers/faulty';

const HOUR = 3_600_000;

/**
 * The ran-task mark of a task that waits ~100 h in Alibaba's queue, when check settles one of its entries by a look-up
 * (no row to go by: none listed, or one of an undocumented status; the look-up starts once the batch is stuck-old, at
 * notify.stuckAfterHours). Dated before the task's last row ran, the mark is not refreshed when that row runs; the
 * closed batch's task is then neither recent by creation nor by its mark, the renew run does not read it, and a
 * lagging listing that reads the late row's old expiry an hour off buys that domain again (M1). A batch closed with no
 * mark at all is the same. All found on 2026-12-07 (twenty-seventh session), each by the review of the fix before:
 * - ranUnlisted marked as soon as an entry with no row read renewed, while a batch-mate's row still waited (the
 *   ranRows twin was fixed before: lagging-listing-own-tasks.test.ts);
 * - then an odd row whose own entry settles by its look-up held the mark back, and the batch closed unmarked;
 * - then an odd row read renewed beside a batch-mate with no row yet dated the mark early: an entry with no row now
 *   holds it unless the task list says the task finished;
 * - then a failed row the running task may still run again (held by recordResults and ranRows) did not hold it: an
 *   unlisted batch-mate read renewed dated the mark at the first check.
 */
interface Case {
  domains: string[];
  /** The domain whose row runs late (~100 h), and the one check settles by its look-up at the stuck-old time. */
  late: string;
  settled: string;
  rows: (registrar: Registrar) => Registrar;
  /** The look-up reads the settled domain renewed from the start (its row ran unlisted, or someone renewed it). */
  showRenewed: boolean;
}

const oddRow = (domain: string) => (reg: Registrar) =>
  rewritingRows(reg, (row) => (row.domainName === domain ? { ...row, state: 'unknown', statusCode: 7 } : row));

const CASES: [string, Case][] = [
  [
    'a batch-mate without a row reads renewed while the other row waits',
    {
      domains: ['a.com+10d', 'b.com+10d'],
      late: 'a.com',
      settled: 'b.com',
      rows: (reg) => hidingDetailRows(reg, 'b.com'),
      showRenewed: true,
    },
  ],
  [
    "the only entry's row has an undocumented status and its domain reads renewed once the row ran",
    { domains: ['a.com+10d'], late: 'a.com', settled: 'a.com', rows: oddRow('a.com'), showRenewed: false },
  ],
  [
    'an odd row reads renewed beside a batch-mate whose row is not listed yet',
    {
      domains: ['a.com+10d', 'b.com+10d'],
      late: 'b.com',
      settled: 'a.com',
      rows: (reg) => hidingDetailRows(oddRow('a.com')(reg), 'b.com'),
      showRenewed: true,
    },
  ],
  [
    'a batch-mate without a row reads renewed beside a failed row the running task may still run again',
    {
      domains: ['a.com+10d', 'b.com+10d'],
      late: 'a.com',
      settled: 'b.com',
      // a.com's row reads failed while the task runs (a try that failed; run again, it succeeds at ~100 h).
      rows: (reg) =>
        hidingDetailRows(
          rewritingRows(reg, (row) =>
            row.domainName === 'a.com' && (row.state === 'waiting' || row.state === 'executing')
              ? { ...row, state: 'failure', failReason: 'a try failed (test)' }
              : row,
          ),
          'b.com',
        ),
      showRenewed: true,
    },
  ],
];

describe('the ran-task mark of a task that waits days in the queue, an entry settled by its look-up', () => {
  test.each(CASES)(
    '%s: not dated before the late row ran, not missing: the lagging listing buys nothing',
    async (_name, c) => {
      const t = await given({ domains: c.domains, rejectStaleExpiry: false });
      const oldLate = t.expiry(c.late) as number;
      t.registrar.faults.queueMs = () => 100 * HOUR;
      const reg = c.rows(t.registrar);
      await t.renew({ deps: { registrar: reg } });
      const [batch] = await t.ledger.listOpenBatches();
      if (c.showRenewed) showingExpiry(t.registrar, c.settled, addYearsUtc(t.expiry(c.settled) as number, 1));
      const { ledger, putAt: puts } = recordingRanMarks(t.ledger);
      const submittedAt = t.clock.now();
      for (let h = 0; h < 102; h++) {
        t.advance('1h');
        await t.check({ deps: { registrar: reg, ledger } });
      }
      // The late row ran at ~100 h: the batch is closed, the late domain renewed once.
      expect((await t.ledger.listOpenBatches()).filter((b) => b.status !== 'CLOSED')).toEqual([]);
      expect(t.expiry(c.late)).toBe(addYearsUtc(oldLate, 1));
      // A listing that lags after the renewal and reads the late domain's old expiry an hour off buys nothing.
      t.advance('1h');
      await t.renew({ deps: { registrar: listingOnly(t.registrar, c.late, oldLate + HOUR, reg) } });
      expect({
        bought: t.registrar.submissions().filter((s) => s.domainName === c.late).length,
        earlyMarks: puts.filter((at) => at < submittedAt + 100 * HOUR).map((at) => (at - submittedAt) / HOUR),
        marked: (await t.ledger.getMarks([ranTaskMark(batch?.taskNo ?? '')])).size,
      }).toEqual({ bought: 1, earlyMarks: [], marked: 1 });
    },
  );
});
