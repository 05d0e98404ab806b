import { executeRenew } from '../../lib/jobs';
import type { Policy } from '../../lib/policy/schema';
import type { JobDeps } from '../../lib/renewal/deps';
import type { RenewRun } from '../../lib/renewal/run-renew';
import type { Given } from './builder';

const HOUR_MS = 3_600_000;

/**
 * A live renew run as deployed beside the hourly check: the check's last run is recorded an hour before it, so the
 * digest says nothing of a silent check and only what the test is about. `over` replaces deps (a registrar that
 * hides names, a faulty ledger).
 */
export async function renewBesideCheck(
  t: Given,
  runId: string,
  over: Partial<JobDeps> = {},
  /** The run's policy, when the test changes it between runs; default the world's. */
  policy: Policy = t.policy,
): Promise<RenewRun & { notified: boolean }> {
  const checkedAt = t.clock.now() - HOUR_MS;
  await t.ledger.recordRun({
    job: 'check',
    runId: `check-${runId}`,
    startedAtMs: checkedAt,
    finishedAtMs: checkedAt + 1,
    ok: true,
    summary: {},
  });
  return executeRenew(t.deps(over), { policy, dryRun: false, runId });
}
