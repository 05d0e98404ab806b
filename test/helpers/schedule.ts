import { executeCheck, executeRenew } from '../../lib/jobs';
import type { Given } from './builder';

const HOUR_MS = 3_600_000;

/**
 * Runs the deployed schedule on a `given` world for `hours` from now: renew once a day (at the hour it starts),
 * check every hour 5 minutes past, on the world's clock. A run's failure is its own (its digest says so); the
 * schedule goes on, as the deployed one does.
 */
export async function runSchedule(t: Given, hours: number): Promise<void> {
  const startMs = t.clock.now();
  let n = 0;
  for (let h = 0; h <= hours; h++) {
    if (h % 24 === 0) {
      t.clock.set(startMs + h * HOUR_MS);
      await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: `r${++n}` }).catch(() => undefined);
    }
    t.clock.set(startMs + h * HOUR_MS + 5 * 60_000);
    await executeCheck(t.deps(), { policy: t.policy, runId: `c${++n}` }).catch(() => undefined);
  }
}
