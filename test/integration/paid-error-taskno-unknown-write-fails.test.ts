import { LedgerError } from '../../lib/errors';
import type { Ledger } from '../../lib/ledger/port';
import { runRenew } from '../../lib/renewal/run-renew';
import { checkOnce } from '../helpers/check-once';
import { errorAnswerNamingTask } from '../helpers/paid-error-answer';
import { duplicateSubmissions, startWorld, type World } from '../helpers/world';

/**
 * The paid call executes and its answer is an error body naming the TaskNo of the task it made (as in
 * paid-error-taskno-released.test.ts). Since d98c604 that TaskNo goes onto the batch with the UNKNOWN write, but that
 * is its only way to the ledger: the UNKNOWN write is made once, with no retry, and when it fails (one throttled or
 * dropped DynamoDB write) nothing else keeps the TaskNo. A 2xx answer's TaskNo gets six tries and a fallback onto
 * the claims (recordTaskNo); this one now too (review 2026-12-07, twenty-sixth session). Here the batch stays INTENT with its submit start and no TaskNo. Once the release rule
 * holds (task queued, so the expiry reads unchanged; the task list lagging) check releases it, and the next renew
 * run buys the same (domain, expiry) again while the first order still waits in the queue. M2 and M1.
 */
const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** The first `times` saveBatch calls that write UNKNOWN fail (throttled writes); every other call goes through. */
function unknownWriteFails(inner: Ledger, times: number): Ledger {
  let failed = 0;
  return {
    ...inner,
    saveBatch: async (batch) => {
      if (failed < times && batch.status === 'UNKNOWN') {
        failed += 1;
        throw new LedgerError('ledger saveBatch failed (injected transient fault)');
      }
      return inner.saveBatch(batch);
    },
  } as Ledger;
}

describe('a paid-call error answer that names its task, whose UNKNOWN write fails once', () => {
  let world: World;
  afterEach(async () => world?.stop());

  // Failing once: the write is retried. Failing every time (six tries): the TaskNo goes onto the claims.
  it.each([
    ["a person's renew run 2 h after the release (list lag 30 h, queue 40 h), the write failing once", 30, 40, [26], 1],
    ['the daily renew runs only (list lag 50 h, queue 60 h), the write failing once', 50, 60, [24, 48], 1],
    ['the daily renew runs only (list lag 50 h, queue 60 h), the write failing every time', 50, 60, [24, 48], 99],
  ])(
    '%s: the named TaskNo reaches the ledger, and the domain is bought once',
    async (_name, lagH, queueH, renewAtH, failures) => {
      const expiry = NOW + 10 * DAY_MS;
      const { post, taskNos } = errorAnswerNamingTask(1);
      world = await startWorld({
        sandbox: {
          nowMs: NOW,
          rejectStaleExpiry: false,
          fixture: { domains: [{ domainName: 'a.com', expiresAtMs: expiry }] },
          faults: { taskQueueMs: queueH * HOUR_MS, taskListLagMs: lagH * HOUR_MS },
        },
        client: { post },
      });
      const ledger = unknownWriteFails(world.ledger, failures);
      await runRenew(world.deps({ ledger }), { policy: world.policy, dryRun: false, runId: 'r1' });
      expect(taskNos).toHaveLength(1);

      const last = Math.max(...renewAtH);
      for (let h = 1; h <= last; h++) {
        world.sandbox.setClock({ advanceMs: HOUR_MS });
        await checkOnce(world.deps({ ledger }), { policy: world.policy, runId: `c${h}` });
        if (renewAtH.includes(h))
          await runRenew(world.deps({ ledger }), { policy: world.policy, dryRun: false, runId: `r${h}` });
      }

      expect(duplicateSubmissions(world.sandbox)).toEqual([]);
      expect(world.sandbox.state().submissions).toHaveLength(1);
    },
  );
});
