import { closeBatchByHand } from '../../lib/renewal/close-batch';
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

/**
 * The shared start: a.com's first attempt (T1) fails at the registrar (balance) and check records it; topped up, its
 * retry a day later is answered with an error naming T1. With `queued`, new tasks wait 60 h in the queue and show in
 * the task list 50 h after creation; with `unsent`, the retry never reaches the registrar (no task made).
 */
async function retryNamingFirstTask(options: { queued?: boolean; unsent?: boolean }) {
  const expiry = NOW + 10 * DAY_MS;
  const { post, taskNos } = errorAnswerNamingTask(2, (t) => t[0] as string, { unsent: options.unsent ?? false });
  const world = await startWorld({
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
  const [first] = await world.ledger.getClaims([{ domain: 'a.com', expiryMs: expiry }]);
  expect(first).toMatchObject({ status: 'FAILED', previousTaskNos: [taskNos[0]] });
  world.sandbox.setBalance({ set: 1_000 });
  if (options.queued) world.sandbox.setFaults({ taskQueueMs: 60 * HOUR_MS, taskListLagMs: 50 * HOUR_MS });
  world.sandbox.setClock({ nowMs: NOW + DAY_MS });
  await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
  expect(taskNos).toHaveLength(2);
  return { world, expiry, taskNos };
}

/** Hourly checks from hour `from` to `to` after the retry, with a daily renew run at the hours in `renewAt`. */
async function runHours(world: World, from: number, to: number, renewAt: readonly number[] = []): Promise<void> {
  for (let h = from; h <= to; h++) {
    world.sandbox.setClock({ advanceMs: HOUR_MS });
    if (renewAt.includes(h)) await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: `r-${h}` });
    await checkOnce(world.deps(), { policy: world.policy, runId: `c-${h}` });
  }
}

describe("a paid-call error answer naming an earlier attempt's task", () => {
  let world: World;
  afterEach(async () => world?.stop());

  it("is not adopted as this submit's task, and the domain is not bought again while the submit's own task waits", async () => {
    const started = await retryNamingFirstTask({ queued: true });
    world = started.world;
    const { expiry, taskNos } = started;
    // Hourly checks; the next daily run on day 2.
    await runHours(world, 1, 24, [24]);
    // T1 (failed) and T2 (still queued): no third order for the same (domain, expiry).
    expect(world.sandbox.state().submissions.map((s) => s.taskNo)).toEqual(taskNos.slice(0, 2));

    // Once T2 shows in the task list (50 h) and has run (60 h), check adopts it and records the renewal.
    await runHours(world, 25, 62);
    const [claim] = await world.ledger.getClaims([{ domain: 'a.com', expiryMs: expiry }]);
    expect(claim).toMatchObject({ status: 'RENEWED', taskNo: taskNos[1] });
    expect(world.sandbox.state().submissions).toHaveLength(2);
  });

  it('with no task of the submit in the task list, the batch is not released after the release rule: a person is told to look', async () => {
    const started = await retryNamingFirstTask({ unsent: true });
    world = started.world;
    expect(started.taskNos).toEqual([expect.any(String), 'never-made']);
    await runHours(world, 1, 30);
    const open = await world.ledger.listOpenBatches();
    expect(open).toEqual([
      expect.objectContaining({
        status: 'UNKNOWN',
        error: { message: expect.stringMatching(/named TaskNo .*earlier attempt's or another batch's task/) },
      }),
    ]);
    expect(world.sandbox.state().submissions).toHaveLength(1);
  });

  // The stuck alert says to look the task up before closing the batch. The person does, the lagging console list does
  // not show the submit's own task yet, and they run `close-batch` with its task check: it read the batch's TaskNo, the
  // EARLIER attempt's task (finished, its row failed), let the close through, released the claim, and the next daily
  // run ordered the same (domain, expiry) again while the submit's own task still waited (review 2026-12-07,
  // operator's ledger commands).
  it("close-batch does not pass its task check on the earlier attempt's finished task while the submit's own task waits", async () => {
    const started = await retryNamingFirstTask({ queued: true });
    world = started.world;
    const { taskNos } = started;
    await runHours(world, 1, 26, [24]);
    const [open] = await world.ledger.listOpenBatches();
    expect(open).toMatchObject({
      status: 'UNKNOWN',
      taskNo: taskNos[0],
      error: { message: expect.stringMatching(/named TaskNo .*it may still be queued/) },
    });
    // Day 2, 08:00: the person has looked at the console (T2 does not show yet) and closes with the task check.
    const deps = world.deps();
    const said = await closeBatchByHand(
      world.ledger,
      open?.batchId as string,
      'no task of it in the console task list',
      deps.clock.now(),
      true,
      deps.registrar,
    ).then(
      (r) => `closed: ${r.unsettled.map((u) => `${u.entry.domain} ${u.action}`).join(', ')}`,
      (err: Error) => `refused: ${err.message}`,
    );
    // Hourly checks; the daily run on day 3 (06:00), when T2 still does not show in the task list (it shows at 08:00).
    await runHours(world, 27, 48, [48]);
    // T1 (failed) and T2 (still queued, runs at 60 h): no third order for the same (domain, expiry).
    expect({ said, submissions: world.sandbox.state().submissions.map((s) => s.taskNo) }).toEqual({
      said: expect.stringMatching(/^refused/),
      submissions: taskNos.slice(0, 2),
    });
  });
});
