import { runRenew } from '../../lib/renewal/run-renew';
import { checkOnce } from '../helpers/check-once';
import { errorAnswerNamingTask } from '../helpers/paid-error-answer';
import { staleBalance, startWorld, type World } from '../helpers/world';

/**
 * An error answer to the paid call that names a TaskNo is adopted at once (reconcile: "a TaskNo ever seen for this
 * batch"), whatever task that is. Here the retry of a failed renewal executes (the sandbox makes task T2, which waits
 * in the queue and shows late in the task list) and its error answer names T1, the task of the attempt before, which
 * the claim itself records as an earlier attempt (previousTaskNos). Check adopts T1, reads its failed row (the task
 * list shows T1 finished), records the domain FAILED again, and the next daily run buys it a third time while T2 still
 * waits: two orders for the same (domain, expiry) that the registrar never reported failed. A TaskNo the ledger
 * already knows as an earlier attempt (or another batch's) cannot be this submit's task: the task list is searched
 * instead, and the submit's own task adopted when it shows (review 2026-12-07, twenty-sixth session).
 */
const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

describe("a paid-call error answer naming an earlier attempt's task", () => {
  let world: World;
  afterEach(async () => world?.stop());

  it("is not adopted as this submit's task, and the domain is not bought again while the submit's own task waits", async () => {
    const expiry = NOW + 10 * DAY_MS;
    const { post, taskNos } = errorAnswerNamingTask(2, (t) => t[0] as string);
    world = await startWorld({
      sandbox: {
        nowMs: NOW,
        rejectStaleExpiry: false,
        fixture: { balance: 5, domains: [{ domainName: 'a.com', expiresAtMs: expiry }] },
      },
      client: { post },
    });
    // Day 0: the first attempt fails at the registrar (balance), and check records it.
    await runRenew(world.deps(staleBalance()), { policy: world.policy, dryRun: false, runId: 'r0' });
    world.sandbox.setClock({ advanceMs: 10 * 60_000 });
    await checkOnce(world.deps(), { policy: world.policy, runId: 'c0' });
    const [first] = await world.ledger.getClaims([{ domain: 'a.com', expiryMs: expiry }]);
    expect(first).toMatchObject({ status: 'FAILED', previousTaskNos: [taskNos[0]] });

    // Topped up. From now on new tasks wait 60 h in the queue and show in the task list 50 h after creation.
    world.sandbox.setBalance({ set: 1_000 });
    world.sandbox.setFaults({ taskQueueMs: 60 * HOUR_MS, taskListLagMs: 50 * HOUR_MS });

    // Day 1: the retry executes (T2) and its error answer names T1. Hourly checks, daily renew runs.
    world.sandbox.setClock({ nowMs: NOW + DAY_MS });
    await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
    expect(taskNos).toHaveLength(2);
    for (let h = 1; h <= 24; h++) {
      world.sandbox.setClock({ advanceMs: HOUR_MS });
      await checkOnce(world.deps(), { policy: world.policy, runId: `c1-${h}` });
    }
    // Day 2: the next daily run.
    await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r2' });

    // T1 (failed) and T2 (still queued): no third order for the same (domain, expiry).
    const submissions = world.sandbox.state().submissions;
    expect(submissions.map((s) => s.taskNo)).toEqual(taskNos.slice(0, 2));

    // Once T2 shows in the task list (50 h) and has run (60 h), check adopts it and records the renewal.
    for (let h = 25; h <= 62; h++) {
      world.sandbox.setClock({ advanceMs: HOUR_MS });
      await checkOnce(world.deps(), { policy: world.policy, runId: `c2-${h}` });
    }
    const [claim] = await world.ledger.getClaims([{ domain: 'a.com', expiryMs: expiry }]);
    expect(claim).toMatchObject({ status: 'RENEWED', taskNo: taskNos[1] });
    expect(world.sandbox.state().submissions).toHaveLength(2);
  });

  it('with no task of the submit in the task list, the batch is not released after the release rule: a person is told to look', async () => {
    const expiry = NOW + 10 * DAY_MS;
    const { post, taskNos } = errorAnswerNamingTask(2, (t) => t[0] as string, { unsent: true });
    world = await startWorld({
      sandbox: {
        nowMs: NOW,
        rejectStaleExpiry: false,
        fixture: { balance: 5, domains: [{ domainName: 'a.com', expiresAtMs: expiry }] },
      },
      client: { post },
    });
    await runRenew(world.deps(staleBalance()), { policy: world.policy, dryRun: false, runId: 'r0' });
    world.sandbox.setClock({ advanceMs: 10 * 60_000 });
    await checkOnce(world.deps(), { policy: world.policy, runId: 'c0' });
    world.sandbox.setBalance({ set: 1_000 });
    world.sandbox.setClock({ nowMs: NOW + DAY_MS });
    await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
    expect(taskNos).toEqual([expect.any(String), 'never-made']);
    for (let h = 1; h <= 30; h++) {
      world.sandbox.setClock({ advanceMs: HOUR_MS });
      await checkOnce(world.deps(), { policy: world.policy, runId: `c1-${h}` });
    }
    const open = await world.ledger.listOpenBatches();
    expect(open).toEqual([
      expect.objectContaining({
        status: 'UNKNOWN',
        error: { message: expect.stringMatching(/named TaskNo .*earlier attempt's or another batch's task/) },
      }),
    ]);
    expect(world.sandbox.state().submissions).toHaveLength(1);
  });
});
