import { LedgerError } from '../../lib/errors';
import { executeCheck, executeRenew } from '../../lib/jobs';
import type { Ledger } from '../../lib/ledger/port';
import { startWorld, type World } from '../helpers/world';

/**
 * Review 2026-12-06, round 9 (M2 under a ledger outage right after the paid call): the order is accepted with a TaskNo, then every
 * write of it fails for the rest of the renew run (the batch's TaskNo write with its 6 retries, and the fallback
 * write of the TaskNo to the claims). The registrar's task list shows the task only after 25 h. Check settles the
 * batch from the moved expiry after releaseAfterHours and closed it without ever learning the TaskNo: the TaskNo
 * never reached the ledger (M2: "Every accepted submission's TaskNo reaches the ledger") nor any notice. The renew
 * digest now shows the batch submitted with its TaskNo, and marking that notice sent writes it to the batch.
 */

const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** The ledger with the writes that carry a TaskNo failing while `on.value` (batch SUBMITTED write, claim writes). */
function outageAfterPaidCall(inner: Ledger, on: { value: boolean }): Ledger {
  return {
    ...inner,
    saveBatch: async (b) => {
      if (on.value && b.status === 'SUBMITTED') throw new LedgerError('injected: ledger throttled (TaskNo write)');
      return inner.saveBatch(b);
    },
    saveClaim: async (c) => {
      if (on.value) throw new LedgerError('injected: ledger throttled (claim write)');
      return inner.saveClaim(c);
    },
  };
}

describe('a TaskNo the renew run could not write', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('reaches the ledger or a notice, even when the task list shows the task late', async () => {
    world = await startWorld({
      sandbox: {
        nowMs: NOW,
        fixture: { domains: [{ domainName: 'a.com', expiresAtMs: NOW + 5 * DAY_MS }] },
        faults: { taskListLagMs: 25 * HOUR_MS },
      },
    });
    const on = { value: true };
    const ledger = outageAfterPaidCall(world.ledger, on);
    await executeRenew(world.deps({ ledger }), { policy: world.policy, dryRun: false, runId: 'r1' }).catch(
      () => undefined,
    );
    on.value = false;
    const [submission] = world.sandbox.state().submissions;
    const taskNo = submission?.taskNo as string;
    expect(taskNo).toBeTruthy();
    // The renew run's own digest names it, as submitted.
    const renewDigest = world.notifier.sent.map((m) => m.email).join('\n');
    expect(renewDigest).toMatch(new RegExp(`- a\\.com: [^\\n]*TaskNo ${taskNo}`));

    // Hourly checks (every 2 h here) and the next days' renew runs, 3 days in all.
    for (let day = 0; day < 3; day++) {
      if (day > 0)
        await executeRenew(world.deps(), { policy: world.policy, dryRun: false, runId: `r${day + 1}` }).catch(
          () => undefined,
        );
      for (let h = 0; h < 12; h++) {
        world.sandbox.setClock({ advanceMs: 2 * HOUR_MS });
        await executeCheck(world.deps(), { policy: world.policy, runId: `c${day}-${h}` }).catch(() => undefined);
      }
    }

    // Bought once (M1 holds) ...
    expect(world.sandbox.state().renewals.map((r) => r.domainName)).toEqual(['a.com']);
    // ... but where is its TaskNo?
    const inBatches = (await world.ledger.listRecentBatches(50)).some((b) => b.taskNo === taskNo);
    const claims = await world.ledger.listClaimsForDomain('a.com');
    const inClaims = claims.some((c) => c.taskNo === taskNo || c.previousTaskNos?.includes(taskNo));
    const inNotices = world.notifier.sent.some((m) => m.email.includes(taskNo));
    // The ledger refused every write of it for the whole run (the notice's own mark too): the notice is where it is.
    expect({ inBatches, inClaims, inNotices }).toEqual({ inBatches: false, inClaims: false, inNotices: true });
  });

  it('a ledger back by the time the digest is out: its notice mark writes the TaskNo to the batch', async () => {
    world = await startWorld({
      sandbox: {
        nowMs: NOW,
        fixture: { domains: [{ domainName: 'a.com', expiresAtMs: NOW + 5 * DAY_MS }] },
        faults: { taskListLagMs: 25 * HOUR_MS },
      },
    });
    // The outage ends once the TaskNo write's retries and the claims' fallback have failed, before the digest.
    const on = { value: true };
    const inner = outageAfterPaidCall(world.ledger, on);
    const ledger: Ledger = {
      ...inner,
      saveClaim: async (c) => {
        const failing = on.value;
        on.value = false;
        if (failing) throw new LedgerError('injected: ledger throttled (claim write)');
        return world.ledger.saveClaim(c);
      },
    };
    await executeRenew(world.deps({ ledger }), { policy: world.policy, dryRun: false, runId: 'r1' }).catch(
      () => undefined,
    );
    const taskNo = world.sandbox.state().submissions[0]?.taskNo as string;
    const batches = await world.ledger.listRecentBatches(10);
    expect(batches.map((b) => [b.status, b.taskNo, b.sentNotices])).toEqual([['SUBMITTED', taskNo, ['submitted']]]);
  });
});
