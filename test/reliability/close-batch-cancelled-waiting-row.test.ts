import type { Registrar } from '../../lib/registrar/port';
import { closeBatchByHand } from '../../lib/renewal/close-batch';
import { given } from '../helpers/builder';
import { hidingDetailRows } from '../helpers/faulty';

/**
 * 5ce6763 runs close-batch's rowless wait (refuseWhileExpiryMayLag) for a cancelled task too, "as check says wait
 * for it alike". It does not: check writes the finished-task mark (and says wait, then act) only once
 * readFinishedWithoutRows finds no row waiting or executing, and the rows a cancel stopped still read `waiting`
 * (close-batch itself reads them so: `state === 'waiting' && !cancelled`). So for a batch [x rowless, y waiting]
 * whose task a person cancelled, as the stuck alert and close-batch's own refusal tell them to, there is never a
 * mark: close-batch counts the wait from "now" at every try and refuses ("the check job has not yet found it
 * finished"), day after day, until a day before x's act-by moment. Nothing of the task ran.
 */
function cancelledForGood(base: Registrar): Registrar {
  return {
    ...base,
    listTasks: async (range) =>
      (await base.listTasks(range)).map((t) => ({ ...t, finished: true, cancelled: true as const })),
  };
}

test('a task cancelled with a row still waiting: its rowless batch-mate can be closed once the batch is stuck', async () => {
  const t = await given({ domains: ['x.com+25d', 'y.com+25d'], policy: { window: { daysBeforeExpiry: 30 } } });
  // The order sits in Alibaba's queue (it never runs); the person cancels it in the console.
  t.registrar.faults.queueMs = () => 365 * 24 * 3_600_000;
  const seen = cancelledForGood(hidingDetailRows(t.registrar, 'x.com'));
  await t.renew({ deps: { registrar: seen } });
  const [batch] = await t.ledger.listOpenBatches();
  if (!batch) throw new Error('expected the batch');
  const outcomes: string[] = [];
  for (let day = 1; day <= 6; day++) {
    for (let h = 0; h < 24; h++) {
      t.advance('1h');
      await t.check({ deps: { registrar: seen } });
    }
    outcomes.push(
      await closeBatchByHand(t.ledger, batch.batchId, 'task cancelled in the console', t.clock.now(), false, seen).then(
        () => `day ${day}: closable`,
        (err: Error) => `day ${day}: refused (${err.message.slice(0, 160)})`,
      ),
    );
  }
  // Nothing of the cancelled task ran: by six days after the submit (x.com still 19 days from its expiry) the close
  // the person was sent to make goes through.
  expect(outcomes[outcomes.length - 1]).toBe('day 6: closable');
});
