import type { Registrar } from '../../lib/registrar/port';
import { closeBatchByHand } from '../../lib/renewal/close-batch';
import { FINISHED_WITHOUT_ROW, FINISHED_WITHOUT_ROW_BY_HAND } from '../../lib/renewal/entry-notes';
import { given } from '../helpers/builder';
import { hidingDetailRows } from '../helpers/faulty';

/**
 * round6. A batch-mate whose row has a TaskStatusCode nobody documented (check's unknownRowNote: "it may still run
 * (close-batch holds it)") is read by check's holdsClose as a rowless mate (check's `details` leave unknown rows
 * out), so once the 2-day wait ends the other, rowless entry is told "close the batch (autorenew close-batch) so the
 * next renew run buys it", and close-batch refuses the batch for the odd row ("it may still run"), as it did for a
 * waiting batch-mate before the third round's FINISHED_WITHOUT_ROW_BY_HAND.
 */
function oddRow(base: Registrar, domain: string): Registrar {
  return {
    ...base,
    listTaskDetails: async (taskNo) =>
      (await base.listTaskDetails(taskNo)).map((d) =>
        d.domainName === domain ? { ...d, state: 'unknown' as const, statusCode: 4 } : d,
      ),
  };
}

describe('told to close the batch while a batch-mate has a row of an undocumented status', () => {
  test('a close the note advises is accepted (or the note says to renew by hand)', async () => {
    const t = await given({ domains: ['a.com+20d', 'b.com+5d'] });
    t.registrar.faults.failDomain = () => 'registry refused (test)';
    const short = oddRow(hidingDetailRows(t.registrar, 'b.com'), 'a.com');
    await t.renew({ deps: { registrar: short } });
    expect(
      t.registrar
        .submissions()
        .map((s) => s.domainName)
        .sort(),
    ).toEqual(['a.com', 'b.com']);
    let refusal: string | undefined;
    let told: string | undefined;
    for (let h = 1; h < 24 * 5 && !told; h++) {
      t.advance('1h');
      await t.check({ deps: { registrar: short } });
      const [open] = await t.ledger.listOpenBatches();
      const note = open?.entries.find((e) => e.domain === 'b.com')?.message ?? '';
      if (open && note.startsWith(FINISHED_WITHOUT_ROW_BY_HAND.slice(0, 40))) told = `by hand at ${h}h`;
      if (open && note.startsWith(FINISHED_WITHOUT_ROW.slice(0, 40))) {
        told = `close at ${h}h`;
        await closeBatchByHand(t.ledger, open.batchId, 'as the alert said', t.clock.now(), true, short).catch(
          (err: Error) => {
            refusal = err.message;
          },
        );
      }
    }
    expect(told).toBeDefined();
    expect({ told, refusal }).toEqual({ told, refusal: undefined });
  });
});
