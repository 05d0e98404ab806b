import { followActNote } from '../helpers/act-note';
import { given } from '../helpers/builder';
import { hidingDetailRows } from '../helpers/faulty';

/**
 * Round 5. An entry told to act ("close the batch (autorenew close-batch) so the next renew run buys it") while a
 * batch-mate's row says renewed and its expiry still lags: close-batch refuses the batch for the batch-mate ("check
 * confirms it once the new expiry shows"), as it did for a waiting batch-mate (the third round's
 * FINISHED_WITHOUT_ROW_BY_HAND, which covers rowless batch-mates only).
 */
describe('told to close the batch while a batch-mate succeeded and its expiry lags', () => {
  test('a close the note advises is accepted (or the note says to renew by hand)', async () => {
    const t = await given({ domains: ['a.com+60h', 'b.com+20d'] });
    t.registrar.faults.failDomain = (d) => (d === 'a.com' ? 'registry refused (test)' : undefined);
    t.registrar.faults.expiryLagMs = () => 40 * 3_600_000;
    const short = hidingDetailRows(t.registrar, 'a.com');
    await t.renew({ deps: { registrar: short } });
    expect(
      t.registrar
        .submissions()
        .map((s) => s.domainName)
        .sort(),
    ).toEqual(['a.com', 'b.com']);
    const { told, refusal } = await followActNote(t, short, 'a.com', 48);
    expect(told).toBeDefined();
    expect(refusal).toBeUndefined();
  });
});
