import { closeBatchByHand } from '../../lib/renewal/close-batch';
import { runRenew } from '../../lib/renewal/run-renew';
import { checkOnce } from '../helpers/check-once';
import { errorAnswerNamingTask } from '../helpers/paid-error-answer';
import { staleBalance, startWorld, type World } from '../helpers/world';

/**
 * Review 2026-12-07 (operator's ledger commands). A paid call's error answer that names an earlier attempt's TaskNo
 * leaves an UNKNOWN batch carrying that TaskNo (submit-batch.ts saveNamedUnknown); reconcile knows it is not this
 * submit's task (`misnamed`) and waits with a stuck alert: "it may still be queued; look it up in the console task
 * list before closing the batch". The person does, the lagging console list does not show the submit's own task yet,
 * and they run `close-batch` with its task check. The check reads the batch's TaskNo, the EARLIER attempt's task:
 * finished, its row failed, so the close goes through, releases the claim ("the next renew run buys it") and the
 * next daily run orders the same (domain, expiry) again while the submit's own task still waits in the queue.
 */
const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

describe("close-batch on an unknown batch that carries an earlier attempt's TaskNo", () => {
  let world: World;
  afterEach(async () => world?.stop());

  it("does not pass its task check on the earlier attempt's finished task while the submit's own task waits", async () => {
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
    // Day 0: the first attempt fails at the registrar (balance); check records it.
    await runRenew(world.deps(staleBalance()), { policy: world.policy, dryRun: false, runId: 'r0' });
    world.sandbox.setClock({ advanceMs: 10 * 60_000 });
    await checkOnce(world.deps(), { policy: world.policy, runId: 'c0' });
    // Topped up. New tasks wait 60 h in the queue and show in the task list 50 h after creation.
    world.sandbox.setBalance({ set: 1_000 });
    world.sandbox.setFaults({ taskQueueMs: 60 * HOUR_MS, taskListLagMs: 50 * HOUR_MS });
    // Day 1: the retry executes (T2) and its error answer names T1. Hourly checks, the daily run on day 2.
    world.sandbox.setClock({ nowMs: NOW + DAY_MS });
    await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
    expect(taskNos).toHaveLength(2);
    for (let h = 1; h <= 26; h++) {
      world.sandbox.setClock({ advanceMs: HOUR_MS });
      if (h === 24) await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r2' });
      await checkOnce(world.deps(), { policy: world.policy, runId: `c1-${h}` });
    }
    const [open] = await world.ledger.listOpenBatches();
    expect(open).toMatchObject({
      status: 'UNKNOWN',
      taskNo: taskNos[0],
      error: { message: expect.stringMatching(/named TaskNo .*it may still be queued/) },
    });
    // Day 2, 08:00: the person has looked at the console (T2 does not show yet) and closes with the task check.
    const deps = world.deps();
    const close = closeBatchByHand(
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
    const said = await close;
    // Hourly checks; the daily run on day 3 (06:00), when T2 still does not show in the task list (it shows at 08:00).
    for (let h = 27; h <= 48; h++) {
      world.sandbox.setClock({ advanceMs: HOUR_MS });
      if (h === 48) await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r3' });
      await checkOnce(world.deps(), { policy: world.policy, runId: `c2-${h}` });
    }
    // T1 (failed) and T2 (still queued, runs at 60 h): no third order for the same (domain, expiry).
    expect({ said, submissions: world.sandbox.state().submissions.map((s) => s.taskNo) }).toEqual({
      said: expect.stringMatching(/^refused/),
      submissions: taskNos.slice(0, 2),
    });
  });
});
