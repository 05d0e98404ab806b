import { toBatchKey } from '../../lib/ledger/items';
import { closeBatchByHand } from '../../lib/renewal/close-batch';
import { given } from '../helpers/builder';
import { MemoryLedgerStore } from '../helpers/memory-ledger';

const HOUR = 3_600_000;

/**
 * A sent batch's record lost (a person cleaning up "stuck" items, a restore that missed it) while its task waits in
 * Alibaba's queue: the next day's sweep re-homes its live claim under a new UNKNOWN batch with no TaskNo, started
 * at the claim's time. Check holds such a batch releaseAfterHours from its re-homing (reconcile.ts, twenty-seventh
 * session: the lost batch's TaskNo did not come with it). `autorenew close-batch` counts its age from the claim's
 * time instead (sinceMs = submitStartedAtMs): an hour after the re-homing it is "a day old", has no TaskNo, so no
 * task is read ("its submit's answer was lost: the console task list is the only check"), and its claim is released;
 * the next renew run buys the domain again while the first order still waits in the queue (M1). The close-batch
 * usage promises "A batch less than a day old ... is refused: the check job settles those by itself".
 */
test('close-batch on a batch the sweep re-homed an hour ago is refused as check would hold it; nothing is bought twice', async () => {
  // Tasks wait 3 days in the queue before they execute.
  const t = await given({ domains: ['a.com+10d'], taskMs: 3 * 24 * HOUR });
  // The task list shows a new task 30 h after it was made (a lagging list, as in taskno-lost.test.ts).
  t.registrar.faults.listLagMs = () => 30 * HOUR;
  await t.renew();
  const [sent] = await t.ledger.listOpenBatches();
  expect(sent).toMatchObject({ status: 'SUBMITTED' });
  expect(sent?.taskNo).toBeTruthy();
  t.advance('5m');
  await t.check(); // the day's sweep; the task is waiting

  // The batch item is lost; its claim (CLAIMED, no TaskNo on it) is left under a missing batch.
  t.ledger.store.items.delete(MemoryLedgerStore.key(toBatchKey(sent?.batchId as string)));
  t.advance('24h');
  await t.check(); // the next UTC day's sweep re-homes the claim
  const [rehomed] = await t.ledger.listOpenBatches();
  expect(rehomed).toMatchObject({ status: 'UNKNOWN', repaired: ['a.com'] });
  expect(rehomed?.taskNo).toBeUndefined();

  // An hour after the re-homing, a person runs close-batch on it (the console's task list lags, or shows a task the
  // person does not tie to this batch id). The registrar is given, as the command gives it (no --no-task-check).
  t.advance('1h');
  const close = await closeBatchByHand(
    t.ledger,
    rehomed?.batchId as string,
    'stuck, nothing in the console',
    t.clock.now(),
    true,
    t.registrar,
  ).then(
    (r) => `closed (${r.taskCheck})`,
    (err: Error) => (/re-homed less than a day ago.*nothing was written/.test(err.message) ? 'refused' : err.message),
  );

  // The renew run of the day (the first order still waits in the queue) must not buy a.com a second time.
  await t.renew();
  expect({ close, bought: t.registrar.submissions().map((s) => s.domainName) }).toEqual({
    close: 'refused',
    bought: ['a.com'],
  });
});
