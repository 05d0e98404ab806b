import type { Registrar } from '../../lib/registrar/port';
import { given } from '../helpers/builder';
import { failingRow, rewritingRows } from '../helpers/faulty';

/**
 * The check function has 300 s and stops starting registrar calls once less than one call's worst case plus 30 s is
 * left; the gate is taken once per batch, before its task details are read. A failed row about to be made final then
 * needs one more read, the task list (is the task finished?), made whatever the time left: a batch let in with just
 * over the margin whose two calls are both slow (throttled, each within the client's own worst case) outlived the
 * function, and the run was killed before it recorded or reported anything, at the same batch every hour (review
 * 2026-12-07, twenty-fifth session). That read is still made when short of time (a starved failure must be
 * recorded some day: faults-fast.test.ts), but it is abandoned 30 s before the deadline: unread, the failure is held.
 *
 * Time: jest's fake timers; each slow call answers after its delay, and remainingMs counts down to the deadline.
 */
describe("the check run's time limit between the calls of one batch", () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  test('a slow task-list read near the deadline is abandoned: the run records and reports before it is killed', async () => {
    const t = await given({ domains: ['a.com+10d', 'b.com+11d'], policy: { limits: { maxBatchSize: 1 } } });
    await t.renew();
    t.advance('1h'); // both tasks have run; b.com's row failed (below)
    const [taskA] = t.registrar.tasks.map((task) => task.taskNo);
    const base = rewritingRows(t.registrar, failingRow('b.com'));
    const slow = <T>(ms: number, answer: () => Promise<T>) =>
      new Promise<T>((resolve, reject) => setTimeout(() => answer().then(resolve, reject), ms));
    const registrar: Registrar = {
      ...base,
      worstCaseCallMs: 170_000,
      listTaskDetails: (taskNo) => slow(taskNo === taskA ? 99_000 : 140_000, () => base.listTaskDetails(taskNo)),
      listTasks: (range) => slow(140_000, () => base.listTasks(range)),
    };
    const deadline = Date.now() + 300_000;
    let finishedAt: number | undefined;
    const done = t.check({ deps: { registrar, remainingMs: () => deadline - Date.now() } }).finally(() => {
      finishedAt = Date.now();
    });
    while (finishedAt === undefined && Date.now() < deadline + 600_000) await jest.advanceTimersByTimeAsync(1_000);
    await done;
    // It ended (recorded, reported) before the platform's deadline.
    expect(finishedAt).toBeDefined();
    expect((finishedAt as number) < deadline).toBe(true);
    // b.com's failure, unconfirmed by the task list, is held for the next run: not recorded FAILED, not retried.
    const [b] = await t.ledger.listClaimsForDomain('b.com');
    expect(b?.status).not.toBe('FAILED');
  });
});
