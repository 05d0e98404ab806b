import { LedgerError } from '../../lib/errors';
import type { Ledger } from '../../lib/ledger/port';
import { given } from '../helpers/builder';
import { hidingDetailRows } from '../helpers/faulty';

/**
 * Review 2026-12-07, twenty-ninth session (fourth round, of 6d4617e) ("an entry told to act is paged at once: its batch's stuck reminder restarts").
 * b.com, 10 days out, rowless in a task that finished: "wait" for 2 days from the finished-task mark, then "act"
 * (FINISHED_WITHOUT_ROW) with a stuck page. A failed read of that mark (readFinishedSince: "an unread mark is now")
 * turns the act note back into "wait" for that run, and the next run turns it into "act" again: `toAct`, stuckNotifiedAtMs
 * reset to 0, and a stuck page. A ledger throttled every other hour pages the person every other hour (the daily
 * stuck reminder has no bound left), each page after an hour in which the batch told them "wait: buying it now ...
 * may pay for it twice".
 */
test('intermittent failed reads of the finished-task mark neither flip "act" back to "wait" nor page more than daily', async () => {
  const t = await given({ domains: ['b.com+10d'] });
  t.registrar.faults.failDomain = (d) => (d === 'b.com' ? 'registry refused (test)' : undefined);
  const short = hidingDetailRows(t.registrar, 'b.com');
  await t.renew({ deps: { registrar: short } });
  let failMarks = false;
  const ledger: Ledger = {
    ...t.ledger,
    getMarks: async (keys) => {
      if (failMarks && keys.some((k) => k.startsWith('finished-task:')))
        throw new LedgerError('ProvisionedThroughputExceededException (test)');
      return t.ledger.getMarks(keys);
    },
  };
  const notes: { h: number; note: string }[] = [];
  const pages: number[] = [];
  for (let h = 1; h <= 96; h++) {
    t.advance('1h');
    // From 74 h (the act note came at 72 h), the mark's read is throttled every other hour.
    failMarks = h >= 74 && h % 2 === 0;
    t.notifier.sent.length = 0;
    await t.check({ deps: { registrar: short, ledger } });
    const [open] = await t.ledger.listOpenBatches();
    const note = open?.entries.find((e) => e.domain === 'b.com')?.message ?? '';
    notes.push({
      h,
      note: note.startsWith('wait:') ? 'wait' : /nothing shows it was bought/.test(note) ? 'act' : note,
    });
    if (t.notifier.sent.some((m) => m.digest?.outcomes.some((o) => o.domain === 'b.com' && o.event === 'stuck')))
      pages.push(h);
  }
  const firstAct = notes.find((n) => n.note === 'act')?.h ?? Number.NaN;
  expect(firstAct).toBe(72);
  expect({
    waitAfterAct: notes.filter((n) => n.h > firstAct && n.note === 'wait').map((n) => n.h),
    pagesWithinADayOfTheActPage: pages.filter((h) => h > firstAct && h < firstAct + 24),
  }).toEqual({ waitAfterAct: [], pagesWithinADayOfTheActPage: [] });
});
