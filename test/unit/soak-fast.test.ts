import { AmbiguousOutcomeError, RejectedRetryableError } from '../../lib/errors';
import { DEFAULT_SETTLE_RULES, type SettleRules } from '../../lib/renewal/reconcile';
import { createPrng } from '../../lib/sandbox/prng';
import { given } from '../helpers/builder';

/**
 * A seeded mini-soak on the fast layer: renew and check runs interleaved with lost answers, submits that never
 * arrive, throttled listings and failing ledger writes, at random times. Then the faults stop and time passes.
 * M1: no (domain, expiry) is ever sent twice. Liveness: every due domain ends up renewed exactly once.
 * Each seed runs in milliseconds; the sandbox-based chaos suite (test/reliability/chaos.test.ts) stays the real one.
 */

const SEEDS = Array.from({ length: 25 }, (_, i) => i + 1);

/** Fault rates: `heavy` loses half the answers and delays every task's listing and execution. */
const RATES = {
  normal: { lost: 0.2, neverArrived: 0.15, lagged: 0.5, queued: 0.5 },
  heavy: { lost: 0.5, neverArrived: 0.15, lagged: 1, queued: 1 },
};

/** One seeded soak; returns the M1 violations ((domain, expiry) sent twice) and each domain's years renewed. */
async function soak(
  seed: number,
  options: { rules?: SettleRules; rates?: keyof typeof RATES } = {},
): Promise<{ doubles: string[]; years: Map<string, number> }> {
  const { rules } = options;
  const rates = RATES[options.rates ?? 'normal'];
  const rng = createPrng(seed);
  const domains = Array.from({ length: 12 }, (_, i) => `s${i}.com+${rng.int(3, 25)}d`);
  const t = await given({ domains, policy: { limits: { maxBatchSize: rng.int(1, 5) } } });
  const original = new Map([...t.registrar.domains.values()].map((d) => [d.domainName, d.expiresAtMs]));

  let faulty = true;
  t.registrar.faults = {
    before: (op) => {
      if (!faulty) return;
      if (op === 'submitRenewBatch' && rng.next() < rates.neverArrived)
        throw new AmbiguousOutcomeError('never arrived');
      if (op === 'listDomains' && rng.next() < 0.05) throw new RejectedRetryableError('throttled');
    },
    // Tasks may stay out of the task list for up to 6 h (the registrar's list lag) and queue for up to 12 h.
    listLagMs: () => (rng.next() < rates.lagged ? rng.int(0, 6 * 60) * 60_000 : 0),
    queueMs: () => (rng.next() < rates.queued ? rng.int(0, 12 * 60) * 60_000 : 0),
    afterSubmit: () => {
      if (faulty && rng.next() < rates.lost) throw new AmbiguousOutcomeError('answer lost');
    },
  };
  t.ledger.faults.before = (op) => {
    if (faulty && (op === 'saveClaim' || op === 'saveBatch') && rng.next() < 0.05) {
      throw new Error('ledger write failed (injected)');
    }
  };
  const step = async () => {
    const job = rng.next() < 0.5 ? t.renew() : t.check(rules ? { rules } : {});
    await job.catch(() => {}); // a failing run is a fact of life here; the ledger carries on
    t.advance(rng.int(5, 3 * 60) * 60_000);
  };
  for (let i = 0; i < 40; i++) await step();

  faulty = false;
  for (let i = 0; i < 12; i++) {
    await t.renew();
    t.advance('3h');
    await t.check(rules ? { rules } : {});
  }

  const seen = new Set<string>();
  const doubles: string[] = [];
  for (const s of t.registrar.submissions()) {
    const key = `${s.domainName}#${s.currentExpiryMs}`;
    if (seen.has(key)) doubles.push(key);
    seen.add(key);
  }
  const years = new Map(
    [...original].map(([name, expiry]) => [name, Math.round(((t.expiry(name) as number) - expiry) / YEAR_MS)]),
  );
  return { doubles, years };
}

const YEAR_MS = 365 * 86_400_000;

test.each(SEEDS)('seed %i: no double submission, every due domain renewed once', async (seed) => {
  const { doubles, years } = await soak(seed, { rates: seed % 2 === 0 ? 'heavy' : 'normal' });
  expect(doubles).toEqual([]);
  expect(new Set(years.values())).toEqual(new Set([1]));
});

test('the soak has teeth: with the release rule weakened to "first empty read", some seed buys twice', async () => {
  const weak: SettleRules = { ...DEFAULT_SETTLE_RULES, releaseAfterMs: 20 * 60_000, releaseReadGapMs: 0 };
  const caught = [];
  for (const seed of SEEDS)
    if ((await soak(seed, { rules: weak, rates: 'heavy' })).doubles.length > 0) caught.push(seed);
  expect(caught.length).toBeGreaterThan(0);
});
