import type { Registrar } from '../../lib/registrar/port';
import { closeBatchByHand } from '../../lib/renewal/close-batch';
import { FINISHED_WITHOUT_ROW_RECENTLY } from '../../lib/renewal/entry-notes';
import { given } from '../helpers/builder';
import { hidingDetailRows } from '../helpers/faulty';

/**
 * round6. Check tells a rowless entry of a finished task "wait: ... buying it now or closing the batch may pay for it
 * twice" for 2 days (FINISHED_WITHOUT_ROW_RECENTLY), and close-batch is meant to refuse it until then
 * (refuseWhileExpiryMayLag). But close-batch runs that wait only for a task the list shows `finished`; one whose
 * cancel completed (TaskCancelStatus COMPLETE: a cancel in the console after its rows ran, or one of a task that had
 * run some of its rows) skips it, so the close check said "wait" for is accepted at once. A cancel stops the rows
 * not yet run, not one that ran with no row to show it: our task renewed b.com, its new expiry lags, and the next
 * renew run buys it a second time.
 */
function cancelled(base: Registrar): Registrar {
  return {
    ...base,
    listTasks: async (range) =>
      (await base.listTasks(range)).map((t) => (t.finished ? { ...t, cancelled: true as const } : t)),
  };
}

describe('a rowless entry check tells to wait, in a task whose cancel completed', () => {
  test('close-batch refuses it while check says wait; the domain is bought once', async () => {
    const t = await given({ domains: ['b.com+10d'] });
    // Our order waits 20 h in Alibaba's queue, runs, and its new expiry shows 40 h later (within the 2 days allowed).
    t.registrar.faults.queueMs = () => 20 * 3_600_000;
    t.registrar.faults.expiryLagMs = () => 40 * 3_600_000;
    const short = cancelled(hidingDetailRows(t.registrar, 'b.com'));
    await t.renew({ deps: { registrar: short } });
    let closeOutcome: string | undefined;
    for (let h = 1; h < 30 && closeOutcome === undefined; h++) {
      t.advance('1h');
      await t.check({ deps: { registrar: short } });
      const [open] = await t.ledger.listOpenBatches();
      const note = open?.entries.find((e) => e.domain === 'b.com')?.message ?? '';
      if (open && note.startsWith(FINISHED_WITHOUT_ROW_RECENTLY.slice(0, 40))) {
        closeOutcome = await closeBatchByHand(t.ledger, open.batchId, 'closed anyway', t.clock.now(), true, short).then(
          () => `closed at ${h}h though check said wait`,
          () => 'refused',
        );
      }
    }
    // The daily renew runs after the close, while the new expiry still lags.
    for (let day = 1; day <= 2; day++) {
      t.advance('13h');
      await t.renew({ deps: { registrar: short } });
    }
    const bought = t.registrar.submissions().filter((s) => s.domainName === 'b.com').length;
    expect({ closeOutcome, bought }).toEqual({ closeOutcome: 'refused', bought: 1 });
  });
});
