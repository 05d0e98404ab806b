import { performance } from 'node:perf_hooks';
import { parsePolicyText } from '../lib/policy/load';
import type { ListedDomain } from '../lib/registrar/port';
import { DAY_MS } from '../lib/renewal/dates';
import { planRenewals } from '../lib/renewal/plan';
import { copyPackagingTree, removeTree, runNode } from '../test/helpers/cfn-package';
import { median } from './bundles';
import { REPO_ROOT } from './child';

/**
 * Wall-clock budgets that used to be assertions inside `npm test`, where a busy machine turned them red with no code
 * change. Measured here, on a machine the operator chose to keep quiet, they fail the bench instead; the tests keep
 * the functional half (what the step produces).
 */
export const BUDGETS = {
  /** Planning 10 000 listed domains (median of the runs), formerly in test/unit/plan.test.ts. */
  planMs: 1000,
  /** `scripts/package.mjs` (esbuild + osls, offline) with no parameters, formerly in test/integration/deploy.test.ts. */
  packageMs: 60_000,
} as const;

export interface BudgetResult {
  name: string;
  /** What was measured, for the table. */
  what: string;
  measuredMs: number;
  limitMs: number;
  passed: boolean;
}

const PLAN_RUNS = 5;

/** Plans 10 000 domains (5 000 renewed in 5 batches of 1 000) PLAN_RUNS times; the median against the budget. */
export function measurePlan(): BudgetResult {
  const nowMs = Date.UTC(2026, 10, 29, 5, 45, 30);
  const policy = parsePolicyText(
    // No advance notice: every due domain is bought on this run (with the default 7 days, the ones not yet announced
    // would wait for their notice).
    JSON.stringify({ version: 1, limits: { maxDomainsPerRun: 5000, maxBatchSize: 1000 }, notify: { advanceDays: 0 } }),
    'bench-plan-policy.json',
  );
  const domains: ListedDomain[] = Array.from({ length: 10_000 }, (_, i) => ({
    domainName: `d${i}.com`,
    instanceId: `S-d${i}.com`,
    expiresAtMs: nowMs + (i % 60) * DAY_MS,
    standing: 'normal' as const,
    premium: false,
  }));
  const times: number[] = [];
  for (let run = 0; run < PLAN_RUNS; run++) {
    const started = performance.now();
    const plan = planRenewals({ domains, policy, inFlight: new Map(), nowMs });
    times.push(performance.now() - started);
    if (plan.totals.renew !== 5000 || plan.batches.length !== 5) {
      throw new Error(
        `plan budget: expected 5000 renewals in 5 batches, got ${plan.totals.renew} in ${plan.batches.length}`,
      );
    }
  }
  const measuredMs = median(times);
  return {
    name: 'plan',
    what: `plan 10 000 domains (median of ${PLAN_RUNS})`,
    measuredMs,
    limitMs: BUDGETS.planMs,
    passed: measuredMs < BUDGETS.planMs,
  };
}

/** Runs `node scripts/package.mjs` once in a scratch copy of the repository (the real dist/ is left alone). */
export async function measurePackage(): Promise<BudgetResult> {
  const dir = await copyPackagingTree(REPO_ROOT);
  try {
    const run = await runNode(dir, 'scripts/package.mjs', []);
    if (run.code !== 0) throw new Error(`package budget: packaging failed (exit ${run.code}):\n${run.output}`);
    return {
      name: 'package',
      what: 'npm run package, no parameters',
      measuredMs: run.ms,
      limitMs: BUDGETS.packageMs,
      passed: run.ms < BUDGETS.packageMs,
    };
  } finally {
    await removeTree(dir);
  }
}

/** Every budget, one after another (so they do not compete with each other for the CPU). */
export async function measureBudgets(progress: (line: string) => void = () => {}): Promise<BudgetResult[]> {
  const results: BudgetResult[] = [];
  for (const measure of [measurePlan, measurePackage]) {
    const result = await measure();
    progress(`budget ${result.name}: ${result.measuredMs.toFixed(0)} ms (limit ${result.limitMs} ms)`);
    results.push(result);
  }
  return results;
}
