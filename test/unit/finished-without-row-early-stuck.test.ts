import { given } from '../helpers/builder';
import { hidingDetailRows } from '../helpers/faulty';

const HOUR = 3_600_000;

/**
 * 0bba525: "the finished-without-row note waited for stuckAfterHours, not the batch's early stuck time" — fixed in
 * readFinishedWithoutRows only. A renewal sent 20 h before its expiry (the batch is stuck-early: 1 h) whose task waits
 * 3 h in Alibaba's queue, then runs and renews nothing, with no row for b.com:
 * - alone: lookUpUnlisted (check.ts) looks b.com up only past notify.stuckAfterHours (24 h): no verdict, no note;
 * - beside a batch-mate whose row failed (or succeeded, until it is confirmed): readWhetherTaskMayRun holds the task
 *   as "may still run" while any entry is rowless, until notify.stuckAfterHours: `finished` is never read early;
 * - and when the note does come early (the batch-mate renewed: at 4 h), the stuck line already went out at 1 h ("task
 *   not finished in time ... look the task up in the console task list now": it is queued then), and the next is 24 h
 *   later: the change to "renew it by hand" reaches no one before the expiry.
 * Every line a person gets before the expiry leaves b.com to our task; "renew it by hand" comes in grace (beside the
 * failed batch-mate: "wait" for two more days first, the mark being past the expiry).
 */
const CASES: [string, string[]][] = [
  ['alone in its batch', ['b.com+20h']],
  ['beside a batch-mate whose row failed', ['a.com+20h', 'b.com+20h']],
  ['beside a batch-mate renewed', ['c.com+20h', 'b.com+20h']],
];

describe('a renewal lapsing within the stuck window, its task finished without a row for it', () => {
  test.each(CASES)('%s: someone is told to renew it by hand before its expiry', async (_name, domains) => {
    const t = await given({ domains });
    const oldExpiry = t.expiry('b.com') as number;
    t.registrar.faults.queueMs = () => 3 * HOUR;
    // The order renews nothing but c.com; its details never list b.com (a.com's row says failed).
    t.registrar.faults.failDomain = (d) => (d === 'c.com' ? undefined : 'registry refused (test)');
    const short = hidingDetailRows(t.registrar, 'b.com');
    await t.renew({ deps: { registrar: short } });
    expect(
      t.registrar
        .submissions()
        .map((s) => s.domainName)
        .sort(),
    ).toEqual(domains.map((d) => d.split('+')[0]).sort());
    const lines: { h: number; line: string }[] = [];
    for (let h = 1; t.clock.now() < oldExpiry; h++) {
      t.advance('1h');
      t.notifier.sent.length = 0;
      await t.check({ deps: { registrar: short } });
      for (const m of t.notifier.sent)
        for (const line of m.email.split('\n')) if (line.includes('b.com')) lines.push({ h, line });
    }
    expect(t.expiry('b.com')).toBe(oldExpiry); // nothing renewed it
    const [open] = await t.ledger.listOpenBatches();
    const note = open?.entries.find((e) => e.domain === 'b.com')?.message ?? '';
    expect({ toldToAct: lines.some((l) => /by hand/.test(l.line)), note: note.slice(0, 70), lines }).toMatchObject({
      toldToAct: true,
    });
  });
});
