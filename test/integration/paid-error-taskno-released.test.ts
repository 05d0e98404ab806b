import { runRenew } from '../../lib/renewal/run-renew';
import { checkOnce } from '../helpers/check-once';
import { errorAnswerNamingTask } from '../helpers/paid-error-answer';
import { duplicateSubmissions, startWorld, type World } from '../helpers/world';

/**
 * The paid call executes (the sandbox makes the task) and its answer is an error body that names the TaskNo of the
 * task it made (paid-error-with-taskno.test.ts: the batch is UNKNOWN, never "refused"). That TaskNo is kept only as
 * text in the batch's error message: reconcile never adopts it ("adopts a TaskNo ever seen for it"), and once the
 * release rule holds (the task is queued, so the expiry reads unchanged, and the task list has not shown it yet:
 * taskListLagMs, as in release-then-adopt.test.ts) the batch is released, although "a batch for which a TaskNo was
 * ever seen is never released". The next renew run (a person's, or the next daily one once the lag is long
 * enough) buys the same (domain, expiry) a second time while the first order still waits in the registrar's queue.
 */
const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

describe('a paid-call error answer that names its task, whose task the task list shows late', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it.each([
    ["a person's renew run 2 h after the release (list lag 30 h, queue 40 h)", 30, 40, [26]],
    ['the daily renew runs only (list lag 50 h, queue 60 h)', 50, 60, [24, 48]],
  ])(
    '%s: the named TaskNo is adopted, never released, and the domain is bought once',
    async (_name, lagH, queueH, renewAtH) => {
      const expiry = NOW + 10 * DAY_MS;
      const { post, taskNos } = errorAnswerNamingTask(1);
      world = await startWorld({
        sandbox: {
          nowMs: NOW,
          rejectStaleExpiry: false,
          fixture: { domains: [{ domainName: 'a.com', expiresAtMs: expiry }] },
          // Queued for hours, and out of QueryTaskList for a while (release-then-adopt.test.ts uses 60 h and 30 h).
          faults: { taskQueueMs: queueH * HOUR_MS, taskListLagMs: lagH * HOUR_MS },
        },
        client: { post },
      });
      await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
      const [unknown] = await world.ledger.listRecentBatches(10);
      expect(unknown?.status).toBe('UNKNOWN');
      expect(JSON.stringify(unknown)).toContain(`the answer names task ${taskNos[0]}`);

      // Hourly checks; renew runs at the given hours after the first.
      const last = Math.max(...renewAtH);
      for (let h = 1; h <= last; h++) {
        world.sandbox.setClock({ advanceMs: HOUR_MS });
        await checkOnce(world.deps(), { policy: world.policy, runId: `c${h}` });
        if (renewAtH.includes(h)) await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: `r${h}` });
      }

      expect(duplicateSubmissions(world.sandbox)).toEqual([]);
      expect(world.sandbox.state().submissions).toHaveLength(1);
      // The TaskNo the answer named reached the ledger where check adopts it, and the batch was never released.
      const batch = await world.ledger.getBatch(unknown?.batchId ?? '');
      expect(batch?.status).not.toBe('CLOSED');
      expect(batch?.taskNo).toBe(taskNos[0]);
    },
  );
});
