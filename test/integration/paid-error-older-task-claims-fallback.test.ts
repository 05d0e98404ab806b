import { LedgerError } from '../../lib/errors';
import type { Ledger } from '../../lib/ledger/port';
import { runRenew } from '../../lib/renewal/run-renew';
import { checkOnce } from '../helpers/check-once';
import { errorAnswerNamingTask } from '../helpers/paid-error-answer';
import { staleBalance, startWorld, type World } from '../helpers/world';

/**
 * f84e831 made two fixes that do not compose. (1) reconcile does not adopt a named TaskNo the ledger knows as an
 * earlier attempt's (knownElsewhere: the batch's own claims' previousTaskNos). (2) When the UNKNOWN write of a paid
 * call's error answer fails six times, the named TaskNo goes onto the claims with transitions.recordSubmit. But
 * recordSubmit (withTaskNo) moves a TaskNo the claim lists in previousTaskNos to `taskNo` and drops it from
 * previousTaskNos (when another earlier TaskNo is left there): the claim then says the earlier attempt's failed task
 * is this batch's own. Check adopts it (seen on the claims, known nowhere else), reads its failed row, records the
 * domain FAILED, and the next daily run orders the same (domain, expiry) again while the retry's own task still waits
 * in the queue. M1/M2.
 */
const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Every saveBatch that writes UNKNOWN fails (a throttled table for the length of the retries). */
function unknownWriteFails(inner: Ledger): Ledger {
  return {
    ...inner,
    saveBatch: async (batch) => {
      if (batch.status === 'UNKNOWN') throw new LedgerError('ledger saveBatch failed (injected transient fault)');
      return inner.saveBatch(batch);
    },
  } as Ledger;
}

describe("a paid-call error answer naming an earlier attempt's task, whose UNKNOWN write fails", () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('is not adopted from the claims, and the domain is not bought again while the retry waits', async () => {
    const expiry = NOW + 10 * DAY_MS;
    const { post, taskNos } = errorAnswerNamingTask(3, (t) => t[1] as string);
    world = await startWorld({
      sandbox: {
        nowMs: NOW,
        rejectStaleExpiry: false,
        fixture: { balance: 5, domains: [{ domainName: 'a.com', expiresAtMs: expiry }] },
      },
      client: { post },
    });
    // Days 0 and 1: two attempts fail at the registrar (balance), and check records each.
    for (const day of [0, 1]) {
      world.sandbox.setClock({ nowMs: NOW + day * DAY_MS });
      await runRenew(world.deps(staleBalance()), { policy: world.policy, dryRun: false, runId: `r${day}` });
      world.sandbox.setClock({ advanceMs: 10 * 60_000 });
      await checkOnce(world.deps(), { policy: world.policy, runId: `c${day}` });
    }
    expect(taskNos).toHaveLength(2);
    const [before] = await world.ledger.getClaims([{ domain: 'a.com', expiryMs: expiry }]);
    expect(before).toMatchObject({ status: 'FAILED' });
    expect([...(before?.previousTaskNos ?? [])].sort()).toEqual([...taskNos].sort());

    // Topped up. From now on new tasks wait 60 h in the queue and show in the task list 50 h after creation.
    world.sandbox.setBalance({ set: 1_000 });
    world.sandbox.setFaults({ taskQueueMs: 60 * HOUR_MS, taskListLagMs: 50 * HOUR_MS });

    // Day 2: the retry executes (T3), its error answer names T2, and the UNKNOWN write fails every try.
    world.sandbox.setClock({ nowMs: NOW + 2 * DAY_MS });
    await runRenew(world.deps({ ledger: unknownWriteFails(world.ledger) }), {
      policy: world.policy,
      dryRun: false,
      runId: 'r2',
    });
    expect(taskNos).toHaveLength(3);
    // (On the current code the claim now reads SUBMITTED with taskNo T2, and previousTaskNos [T1] only.)

    for (let h = 1; h <= 24; h++) {
      world.sandbox.setClock({ advanceMs: HOUR_MS });
      await checkOnce(world.deps(), { policy: world.policy, runId: `c2-${h}` });
    }
    // Day 3: the next daily run.
    await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r3' });

    // T1, T2 (failed) and T3 (still queued): no fourth order for the same (domain, expiry).
    expect(world.sandbox.state().submissions.map((s) => s.taskNo)).toEqual(taskNos.slice(0, 3));
  });
});
