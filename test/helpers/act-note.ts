import type { Registrar } from '../../lib/registrar/port';
import { closeBatchByHand } from '../../lib/renewal/close-batch';
import { FINISHED_WITHOUT_ROW, FINISHED_WITHOUT_ROW_BY_HAND } from '../../lib/renewal/entry-notes';
import type { Given } from './builder';

/**
 * Runs check hourly (against `registrar`) for up to `hours` until `domain`'s open entry is told to act: "renew it by
 * hand" (`by hand at Nh`), or "close the batch" (`close at Nh`), which a person then does at once, as the note says
 * (close-batch's refusal, if any, in `refusal`). Notes are told apart by their first 40 characters, as hasNote does.
 */
export async function followActNote(
  t: Given,
  registrar: Registrar,
  domain: string,
  hours: number,
): Promise<{ told?: string; refusal?: string }> {
  let refusal: string | undefined;
  let told: string | undefined;
  for (let h = 1; h < hours && !told; h++) {
    t.advance('1h');
    await t.check({ deps: { registrar } });
    const [open] = await t.ledger.listOpenBatches();
    const note = open?.entries.find((e) => e.domain === domain)?.message ?? '';
    if (open && note.startsWith(FINISHED_WITHOUT_ROW_BY_HAND.slice(0, 40))) told = `by hand at ${h}h`;
    if (open && note.startsWith(FINISHED_WITHOUT_ROW.slice(0, 40))) {
      told = `close at ${h}h`;
      await closeBatchByHand(t.ledger, open.batchId, 'as the alert said', t.clock.now(), true, registrar).catch(
        (err: Error) => {
          refusal = err.message;
        },
      );
    }
  }
  return { ...(told ? { told } : {}), ...(refusal ? { refusal } : {}) };
}
