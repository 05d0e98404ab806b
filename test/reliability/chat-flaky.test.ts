import { executeCheck, executeRenew } from '../../lib/jobs';
import { createLogger } from '../../lib/log';
import { createEnvTargetCredentials } from '../../lib/notify/chat/credentials';
import { createFanoutNotifier, type FanoutTarget } from '../../lib/notify/fanout';
import type { Digest } from '../../lib/notify/port';
import { NOTIFY_EVENTS, targetEnvStem } from '../../lib/policy/schema';
import { createRng } from '../helpers/chaos';
import { type StandIn, startStandIn } from '../helpers/chat-standins';
import { startWorld } from '../helpers/world';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Simulated days of scheduled runs (was 20): 50 runs, the flaky target failing at about half of them. */
const DAYS = 10;

/** Domains that come due over the simulated days (window 30 days); two always fail (price). */
function comingDue(startMs: number) {
  const domains = Array.from({ length: 30 }, (_, i) => ({
    domainName: i < 2 ? `pricey${i}.com` : `chat${i}.com`,
    expiresAtMs: startMs + 31 * DAY_MS + Math.floor((i * DAYS * DAY_MS) / 30) + i * 37_000,
    ...(i < 2 ? { price: 1e12 } : {}),
  }));
  return { domains, balance: 1e11 };
}

/**
 * Issue 17 in the chaos style: weeks of scheduled runs with registrar faults, one healthy and one flaky chat target
 * (down, hanging up or answering a rate-limit error at random). Properties: SNS and each target get each digest id
 * at most once; every line SNS published reaches the flaky target once it recovers; the healthy one never misses one.
 */
describe('chaos: a flaky chat target', () => {
  // Seed 7 keeps the marks in the DynamoDB adapter over dynalite, end to end; seed 42 uses the in-memory ledger (same
  // contract suite, a sixth of the CPU): the subject is the fan-out and its marks, not the adapter.
  it.each<[number, 'dynalite' | 'memory']>([
    [7, 'dynalite'],
    [42, 'memory'],
  ])(
    'seed %i on the %s ledger: nothing lost, no digest twice to a destination, SNS in step with the healthy target',
    async (seed, ledger) => {
      const rng = createRng(seed);
      const startMs = Date.UTC(2026, 0, 1);
      const world = await startWorld({
        sandbox: { nowMs: startMs, seed, fixture: comingDue(startMs), rejectStaleExpiry: false, taskMs: 60_000 },
        policy: { limits: { maxBatchSize: 5 } },
        ledger,
      });
      const clock = { now: () => world.sandbox.now() };
      const flaky = await startStandIn('webhook', { secret: 'flaky-webhook-secret', nowMs: clock.now });
      const healthy = await startStandIn('webhook', { secret: 'healthy-webhook-secret', nowMs: clock.now });
      try {
        const env = {
          [`${targetEnvStem('flaky')}_URL`]: flaky.url,
          [`${targetEnvStem('flaky')}_SECRET`]: 'flaky-webhook-secret',
          [`${targetEnvStem('healthy')}_URL`]: healthy.url,
          [`${targetEnvStem('healthy')}_SECRET`]: 'healthy-webhook-secret',
        };
        const targets: FanoutTarget[] = ['flaky', 'healthy'].map((name) => ({
          name,
          kind: 'webhook',
          events: [...NOTIFY_EVENTS],
          minSeverity: 'info',
        }));
        const log = createLogger({ level: 'error', sink: () => {} });
        const deps = () =>
          world.deps({
            log,
            notifier: createFanoutNotifier({
              primary: world.notifier,
              targets,
              credentials: createEnvTargetCredentials(env),
              notify: world.policy.notify,
              marks: world.ledger,
              clock,
              log,
              // Never give up in this test, so "every line reaches the flaky target" is the exact property.
              maxFailuresPerDay: 1000,
              send: { timeoutMs: 2_000 },
            }),
          });
        let flakyFailures = 0;
        const run = async (job: 'renew' | 'check') => {
          const r = rng();
          flaky.mode = r < 0.25 ? 'down' : r < 0.35 ? 'hang-up' : r < 0.45 ? 'platform-error' : 'ok';
          if (flaky.mode !== 'ok') flakyFailures += 1;
          world.sandbox.setFaults(rng() < 0.3 ? { throttleRate: 0.1, errorRate: 0.05 } : {});
          if (job === 'renew')
            await executeRenew(deps(), { policy: world.policy, dryRun: false }).catch(() => undefined);
          else await executeCheck(deps(), { policy: world.policy }).catch(() => undefined);
        };
        for (let day = 0; day < DAYS; day++) {
          for (let step = 0; step < 4; step++) {
            world.sandbox.setClock({ nowMs: startMs + day * DAY_MS + step * 6 * HOUR_MS });
            if (step === 0) await run('renew');
            await run('check');
          }
        }
        // Drain: everything healthy, a few checks.
        world.sandbox.setFaults({});
        for (let i = 1; i <= 4; i++) {
          world.sandbox.setClock({ nowMs: startMs + DAYS * DAY_MS + i * HOUR_MS });
          flaky.mode = 'ok';
          await executeCheck(deps(), { policy: world.policy }).catch(() => undefined);
        }

        type Body = { id: string; digest: Digest | null };
        const lines = (bodies: Record<string, unknown>[]) =>
          new Set(
            (bodies as unknown as Body[]).flatMap((b) =>
              (b.digest?.outcomes ?? []).map((o) => `${o.domain}#${o.event}#${o.batchId}`),
            ),
          );
        const ids = (bodies: Record<string, unknown>[]) => (bodies as unknown as Body[]).map((b) => b.id);
        const snsLines = new Set(
          world.notifier.sent.flatMap((m) =>
            (m.digest?.outcomes ?? []).map((o) => `${o.domain}#${o.event}#${o.batchId}`),
          ),
        );

        expect(flakyFailures).toBeGreaterThan(5);
        expect(world.notifier.sent.length).toBeGreaterThan(5);
        expect(snsLines.size).toBeGreaterThan(20);
        // SNS and the healthy target got exactly the same digests: the flaky one never held SNS back.
        expect(healthy.accepted.length).toBe(world.notifier.sent.length);
        // Each destination gets each digest id at most once.
        for (const s of [flaky, healthy]) expect(ids(s.accepted).length).toBe(new Set(ids(s.accepted)).size);
        // Nothing SNS said is missing from either target.
        const missing = (target: StandIn) => [...snsLines].filter((l) => !lines(target.accepted).has(l));
        expect({ flaky: missing(flaky), healthy: missing(healthy) }).toEqual({ flaky: [], healthy: [] });
        // And no notice was left pending.
        expect((await world.ledger.listOpenBatches()).filter((b) => b.pendingNotices.length > 0)).toEqual([]);
      } finally {
        await flaky.close();
        await healthy.close();
        await world.stop();
      }
    },
  );
});
