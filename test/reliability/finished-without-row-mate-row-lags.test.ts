import { closeBatchByHand } from '../../lib/renewal/close-batch';
import { FINISHED_WITHOUT_ROW, FINISHED_WITHOUT_ROW_BY_HAND } from '../../lib/renewal/entry-notes';
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
    let refusal: string | undefined;
    let told = false;
    for (let h = 1; h < 48 && !told; h++) {
      t.advance('1h');
      await t.check({ deps: { registrar: short } });
      const [open] = await t.ledger.listOpenBatches();
      const note = open?.entries.find((e) => e.domain === 'a.com')?.message ?? '';
      if (open && note.startsWith(FINISHED_WITHOUT_ROW_BY_HAND.slice(0, 40))) told = true;
      if (open && note.startsWith(FINISHED_WITHOUT_ROW.slice(0, 40))) {
        told = true;
        await closeBatchByHand(t.ledger, open.batchId, 'as the alert said', t.clock.now(), true, short).catch(
          (err: Error) => {
            refusal = err.message;
          },
        );
      }
    }
    expect(told).toBe(true);
    expect(refusal).toBeUndefined();
  });
});
