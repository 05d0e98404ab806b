import type { Registrar } from '../../lib/registrar/port';
import { closeBatchByHand } from '../../lib/renewal/close-batch';
import { given } from '../helpers/builder';

/**
 * Review 2026-12-07. close-batch tells the person "to stop a queued renewal, cancel the task in the console first,
 * then close". Once the cancel has completed (TaskCancelStatus COMPLETE) nothing of the task runs: that is how the
 * buying run reads such a task (foreign-tasks.ts). If the cancelled task's row kept reading WAITING_EXECUTE (what a
 * cancelled row reads is UNCONFIRMED), close-batch refused with the same advice: the person who did exactly that was
 * sent round in a circle.
 */
describe('close-batch after the task was cancelled in the console', () => {
  async function stuck() {
    const t = await given({ domains: ['a.com+10d'] });
    t.registrar.faults.queueMs = () => 3 * 86_400_000;
    await t.renew();
    const [open] = await t.ledger.listOpenBatches();
    t.advance('25h');
    expect((await t.registrar.listTaskDetails(open?.taskNo as string)).map((d) => d.state)).toEqual(['waiting']);
    return { t, batchId: open?.batchId as string };
  }

  test('a cancelled task whose row still reads waiting lets the close through', async () => {
    const { t, batchId } = await stuck();
    const cancelled: Registrar = {
      ...t.registrar,
      listTasks: async (range) =>
        (await t.registrar.listTasks(range)).map((task) => ({ ...task, finished: true, cancelled: true as const })),
    };
    const closed = await closeBatchByHand(
      t.ledger,
      batchId,
      'cancelled in the console',
      t.clock.now(),
      true,
      cancelled,
    );
    expect(closed.batch.status).toBe('CLOSED');
    expect(closed.unsettled.map((u) => [u.entry.domain, u.action])).toEqual([['a.com', 'released']]);
  });

  test('a cancelled task whose row reads executing still holds it (what a cancel does to a running row is UNCONFIRMED)', async () => {
    const { t, batchId } = await stuck();
    const running: Registrar = {
      ...t.registrar,
      listTasks: async (range) =>
        (await t.registrar.listTasks(range)).map((task) => ({ ...task, finished: true, cancelled: true as const })),
      listTaskDetails: async (taskNo) =>
        (await t.registrar.listTaskDetails(taskNo)).map((d) => ({ ...d, state: 'executing' as const })),
    };
    await expect(
      closeBatchByHand(t.ledger, batchId, 'cancelled in the console', t.clock.now(), true, running),
    ).rejects.toThrow(/still holds a\.com \(executing: it may still run\)/);
  });

  test('a row in a status nobody documented holds it, as an executing one does (review 2026-12-07)', async () => {
    const { t, batchId } = await stuck();
    const odd: Registrar = {
      ...t.registrar,
      listTasks: async (range) =>
        (await t.registrar.listTasks(range)).map((task) => ({ ...task, finished: true, cancelled: true as const })),
      listTaskDetails: async (taskNo) =>
        (await t.registrar.listTaskDetails(taskNo)).map((d) => ({ ...d, state: 'unknown' as const, statusCode: 4 })),
    };
    await expect(
      closeBatchByHand(t.ledger, batchId, 'cancelled in the console', t.clock.now(), true, odd),
    ).rejects.toThrow(/still holds a\.com \(its row's status, code 4, is not one this tool knows: it may still run\)/);
  });

  test('control: not cancelled, the waiting row still holds it', async () => {
    const { t, batchId } = await stuck();
    await expect(
      closeBatchByHand(t.ledger, batchId, 'cancelled in the console', t.clock.now(), true, t.registrar),
    ).rejects.toThrow(/still holds a\.com \(waiting: it may still run\).*cancel the task in the console first/);
  });
});
