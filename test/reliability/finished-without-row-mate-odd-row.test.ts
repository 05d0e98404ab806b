import type { Registrar } from '../../lib/registrar/port';
import { followActNote } from '../helpers/act-note';
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
    const { told, refusal } = await followActNote(t, short, 'b.com', 24 * 5);
    expect(told).toBeDefined();
    expect({ told, refusal }).toEqual({ told, refusal: undefined });
  });
});
