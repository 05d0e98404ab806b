import { executeRenew } from '../../lib/jobs';
import type { Ledger } from '../../lib/ledger/port';
import { type Given, given } from '../helpers/builder';

/**
 * Review of c8befe6 (strays met by a run), cost. listAndPlan hands findStrays / releaseStrayClaims every in-flight
 * claim whose batch the open-batches read did not list: with an overlapping run (it wrote its intents after this
 * run's open-batches read, or the index lags), that is every claim of the other run. Each candidate is then read with
 * its own GetItem-sized getClaims and its own consistent getBatch: a batch of 100 entries is read once per entry
 * (a ~30 KB item, 8 RCU each time), on the critical path before the draft, and a single throttled read of another
 * run's claim fails this run. One BatchGet per 100 claims and one getBatch per batch id read the same facts.
 */

const N = 300;
const LAG_MS = 1_000;

/** `ledger` whose open-batches index does not show batches created less than LAG_MS ago; counts reads. */
function lagging(t: Given, ledger: Ledger, counts: Record<string, number>): Ledger {
  return new Proxy(ledger, {
    get(target, prop, receiver) {
      if (prop === 'listOpenBatches')
        return async () => (await target.listOpenBatches()).filter((b) => b.createdAtMs <= t.clock.now() - LAG_MS);
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        counts[String(prop)] = (counts[String(prop)] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

test('an overlapping run of 300 claims costs one read per batch, not two reads per claim', async () => {
  const names = Array.from({ length: N }, (_, i) => `d${i}.com+1d`);
  const t = await given({
    domains: names,
    policy: { window: { daysAfterExpiry: 0 }, limits: { maxDomainsPerRun: N, maxSpendPerRun: '1000000' } },
    balance: '1000000',
  });
  // Run 1 has claimed all 300 (three intents of 100) and waits at its first budget take.
  let release = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let intentsWritten = () => {};
  const intents = new Promise<void>((r) => {
    intentsWritten = r;
  });
  const gated = new Proxy(t.ledger, {
    get(target, prop, receiver) {
      if (prop === 'takeBudget')
        return async (request: Parameters<typeof target.takeBudget>[0]) => {
          intentsWritten();
          await gate;
          return target.takeBudget(request);
        };
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const run1 = t.renew({ deps: { billing: t.billing as NonNullable<Given['billing']>, ledger: gated } });
  await intents;

  // Run 2 plans meanwhile: every domain is in flight under run 1's intents, which its open-batches read missed.
  const counts: Record<string, number> = {};
  const second = await executeRenew(t.deps({ ledger: lagging(t, t.ledger, counts) }), {
    policy: t.policy,
    dryRun: false,
    runId: 'r2',
  });
  release();
  await run1;
  expect(second.plan.decisions.filter((d) => d.reason === 'in-flight')).toHaveLength(N);
  expect(t.registrar.submissions()).toHaveLength(N);

  const batches = new Set((await t.ledger.listLiveClaims()).map((c) => c.batchId)).size;
  expect(batches).toBeLessThanOrEqual(3);
  // Stray candidates read per batch (and their claims in BatchGets of 100), not one GetItem pair per claim.
  const reads = { getBatch: counts.getBatch ?? 0, getClaims: counts.getClaims ?? 0 };
  expect(reads.getBatch <= 2 * batches && reads.getClaims <= 2 * Math.ceil(N / 100) + 10 ? 'bounded' : reads).toBe(
    'bounded',
  );
});
