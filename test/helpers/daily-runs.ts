import { executeCheck, executeRenew } from '../../lib/jobs';
import type { Registrar } from '../../lib/registrar/port';
import type { Given } from './builder';
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

/**
 * What was told of `domain` before `untilMs` (epoch ms): the messages already sent on `t`, then an hourly check run
 * each simulated hour while a whole hour is left; each check's failure is left to its digest.
 * @returns the e-mails that name `domain`
 */
export async function hourlyChecksUntil(t: Given, untilMs: number, domain: string): Promise<string[]> {
  const named: string[] = [];
  const collect = () => {
    for (const m of t.notifier.sent.splice(0))
      if (t.clock.now() < untilMs && m.email.includes(domain)) named.push(m.email);
  };
  collect();
  for (let hour = 1; t.clock.now() + 3_600_000 < untilMs; hour++) {
    t.advance('1h');
    await executeCheck(t.deps(), { policy: t.policy, runId: `check-${hour}` }).catch(() => undefined);
    collect();
  }
  return named;
}
