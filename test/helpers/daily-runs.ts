import { executeCheck, executeRenew } from '../../lib/jobs';
import type { Registrar } from '../../lib/registrar/port';
import { alertedDomainsOf } from './chaos-checks';
import type { World } from './world';

/** What a day's runs told: when (the sandbox's clock, epoch ms), the names in alerting sections, the e-mail. */
export interface Told {
  atMs: number;
  names: string[];
  email: string;
}

/**
 * A day of the deployed schedule on `world` through `registrar` (one that hides names, say): a check run, then a
 * live renew run, each failure left to the digest; every message published is collected in `told`.
 */
export function createDailyRuns(
  world: World,
  registrar: Registrar,
): { run: (id: string) => Promise<void>; told: Told[] } {
  const told: Told[] = [];
  const run = async (id: string) => {
    const before = world.notifier.sent.length;
    await executeCheck(world.deps({ registrar }), { policy: world.policy, runId: `check-${id}` }).catch(() => {});
    await executeRenew(world.deps({ registrar }), { policy: world.policy, dryRun: false, runId: id }).catch(() => {});
    for (const m of world.notifier.sent.slice(before))
      told.push({ atMs: world.sandbox.now(), names: alertedDomainsOf(m), email: m.email });
  };
  return { run, told };
}
