import { toBatchKey } from '../../lib/ledger/items';
import { runRenew } from '../../lib/renewal/run-renew';
import { checkOnce } from '../helpers/check-once';
import { type MemoryLedger, MemoryLedgerStore } from '../helpers/memory-ledger';
import { duplicateSubmissions, startWorld, type World } from '../helpers/world';

/**
 * The sweep re-homes the live claims of a missing batch under a new UNKNOWN batch started at the claims' time. A
 * SUBMITTED batch keeps its TaskNo on the batch only (its claims stay CLAIMED, by design: recordTaskNo), so the
 * re-homed batch knows no TaskNo and falls back to the task list; with the list lagging past the release rule (25 h,
 * as in taskno-lost.test.ts) it is released an hour or so after the re-homing, since its start is a day old, while
 * the original task still waits in the queue, and the next renew run buys the domain again (M1).
 */

const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MIN_MS = 60_000;

describe('sweep: a re-homed batch keeps what its lost batch knew', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it("a sent batch's record lost while its task waits in the queue: the re-homed batch is not released, nothing bought twice", async () => {
    const expiry = NOW + 10 * DAY_MS;
    world = await startWorld({
      ledger: 'memory',
      sandbox: {
        nowMs: NOW,
        fixture: { domains: [{ domainName: 'a.com', expiresAtMs: expiry }] },
        // The task waits 2 days in the queue and shows in the task list 25 h after it was made.
        faults: { taskQueueMs: 2 * DAY_MS, taskListLagMs: 25 * HOUR_MS },
      },
    });
    await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
    const [sent] = await world.ledger.listOpenBatches();
    expect(sent).toMatchObject({ status: 'SUBMITTED' });
    const taskNo = sent?.taskNo as string;
    expect(taskNo).toBeTruthy();
    world.sandbox.setClock({ advanceMs: 5 * MIN_MS });
    await checkOnce(world.deps(), { policy: world.policy, runId: 'c0' }); // the day's sweep; the task is waiting
    // The batch item is lost (deleted by a person cleaning up "stuck" items, a restore that missed it): its claim,
    // CLAIMED with no TaskNo, is left under a missing batch.
    const store = (world.ledger as MemoryLedger).store;
    store.items.delete(MemoryLedgerStore.key(toBatchKey(sent?.batchId as string)));
    expect(await world.ledger.getBatch(sent?.batchId as string)).toBeUndefined();

    // Hourly checks from the next UTC day on: the first one sweeps and re-homes; then the release rule runs.
    world.sandbox.setClock({ nowMs: Date.UTC(2026, 10, 30, 0, 30, 0) });
    for (let h = 0; h < 6; h++) {
      await checkOnce(world.deps(), { policy: world.policy, runId: `c1-${h}` });
      world.sandbox.setClock({ advanceMs: HOUR_MS });
    }
    world.sandbox.setClock({ nowMs: Date.UTC(2026, 10, 30, 6, 10, 0) });
    await checkOnce(world.deps(), { policy: world.policy, runId: 'c1-6' });
    // 06:20 on day 1, the daily renew run; the task is still queued (it runs on day 2) and not yet listed (07:00).
    world.sandbox.setClock({ advanceMs: 10 * MIN_MS });
    const [claim] = await world.ledger.getClaims([{ domain: 'a.com', expiryMs: expiry }]);
    await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r2' });
    // Still live (re-homed, or adopted from the task's number) before the run; bought once.
    expect({ live: ['CLAIMED', 'SUBMITTED', 'UNKNOWN'].includes(claim?.status as string), taskNo }).toEqual({
      live: true,
      taskNo,
    });
    expect(duplicateSubmissions(world.sandbox)).toEqual([]);
  });
});
