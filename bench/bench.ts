import { cpus, platform, release, totalmem } from 'node:os';
import { type BudgetResult, measureBudgets } from './budgets';
import { type BundleReport, measureBundles } from './bundles';
import { bundleChild } from './child';
import type { BenchOptions } from './options';
import { describeSize, LIMITS, type SizeReport } from './report';
import { type BenchSettings, expectedCalls, runScenario, type ScenarioRun } from './scenario';

export interface BenchReport {
  startedAt: string;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; os: string };
  settings: BenchSettings & { baseline: boolean };
  sizes: SizeReport[];
  /** The same sizes again without a call budget (options.unbudgeted), against the looser wall/path limit. */
  unbudgeted?: { qps: number; sizes: SizeReport[] };
  bundles?: BundleReport & { limitBytes: number; allUnderLimit: boolean };
  /** The wall-clock budgets moved out of `npm test` (bench/budgets.ts). */
  budgets?: BudgetResult[];
  /** Every acceptance check of every size (and the bundles) passed. */
  passed: boolean;
}

function describeMachine(): BenchReport['machine'] {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${platform()} ${release()}`,
  };
}

/**
 * Runs the benchmark: for each size the real jobs in a child process against a fresh sandbox (and the naive
 * baseline against another fresh sandbox with the same seed), then the bundle measurements. `progress` gets one
 * line per finished step.
 */
export async function runBench(
  options: BenchOptions,
  progress: (line: string) => void = () => {},
): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const settings: BenchSettings = {
    latencyMs: options.latencyMs,
    ...(options.ledgerLatencyMs ? { ledgerLatencyMs: options.ledgerLatencyMs } : {}),
    qps: options.qps,
    pageSize: options.pageSize,
    listConcurrency: options.listConcurrency,
    maxBatchSize: options.maxBatchSize,
    shares: options.shares,
    seed: options.seed,
    ...(options.memoryProbe ? { memoryProbe: true } : {}),
    ...(options.heapSnapshotDir ? { heapSnapshotDir: options.heapSnapshotDir } : {}),
  };
  const bundle = bundleChild();
  let sizes: SizeReport[];
  let unbudgeted: BenchReport['unbudgeted'];
  try {
    sizes = await measureSizes(options, settings, bundle, options.baseline, progress);
    if (options.unbudgeted && options.qps < LIMITS.noBudgetQps) {
      const qps = LIMITS.noBudgetQps;
      const free = await measureSizes(options, { ...settings, qps }, bundle, false, (line) =>
        progress(`QPS ${qps} ${line}`),
      );
      unbudgeted = { qps, sizes: free };
    }
  } finally {
    bundle.dispose();
  }
  let bundles: BenchReport['bundles'];
  if (options.bundles) {
    const measured = measureBundles(options.loadRuns);
    bundles = {
      ...measured,
      limitBytes: LIMITS.bundleBytes,
      allUnderLimit: measured.bundles.every(
        (b) => b.bytes <= LIMITS.bundleBytes && b.overheadMs <= LIMITS.loadOverheadMs,
      ),
    };
    progress('bundles measured');
  }
  const budgets = options.budgets ? await measureBudgets(progress) : undefined;
  const passed =
    [...sizes, ...(unbudgeted?.sizes ?? [])].every((s) => Object.values(s.acceptance).every(Boolean)) &&
    (bundles ? bundles.allUnderLimit : true) &&
    (budgets ?? []).every((b) => b.passed);
  return {
    startedAt,
    machine: describeMachine(),
    settings: { ...settings, baseline: options.baseline },
    sizes,
    ...(unbudgeted ? { unbudgeted } : {}),
    ...(bundles ? { bundles } : {}),
    ...(budgets ? { budgets } : {}),
    passed,
  };
}

/** Runs each size `options.repeat` times (and the baseline once, with `baseline`) and describes it. */
async function measureSizes(
  options: BenchOptions,
  settings: BenchSettings,
  bundle: ReturnType<typeof bundleChild>,
  baseline: boolean,
  progress: (line: string) => void,
): Promise<SizeReport[]> {
  const timing = { latencyMs: settings.latencyMs, qps: settings.qps };
  const sizes: SizeReport[] = [];
  for (const n of options.sizes) {
    const runs: Awaited<ReturnType<typeof runScenario>>[] = [];
    for (let i = 0; i < options.repeat; i++) {
      const run = await runScenario('job', n, settings, bundle);
      progress(`N=${n}: job ${((run.result.renewMs + run.result.checkMs) / 1000).toFixed(1)} s`);
      runs.push(run);
    }
    const job = pickMedianRun(runs);
    const naive = baseline ? await runScenario('baseline', n, settings, bundle) : undefined;
    if (naive) {
      progress(`N=${n}: baseline ${((naive.result.renewMs + naive.result.checkMs) / 1000).toFixed(1)} s`);
    }
    const expected = expectedCalls(job.portfolio, settings);
    sizes.push(
      describeSize({
        portfolio: job.portfolio,
        job,
        ...(naive ? { baseline: naive } : {}),
        minimum: expected.minimum,
        checkListPages: expected.checkListPages,
        baselineExpected: expected.baseline,
        timing,
        concurrency: options.listConcurrency,
        repeats: runs,
      }),
    );
  }
  return sizes;
}

/** The run with the median wall time (renew + check); with an even count, the lower of the two middle ones. */
export function pickMedianRun<R extends ScenarioRun>(runs: readonly R[]): R {
  const wall = (r: R) => r.result.renewMs + r.result.checkMs;
  const sorted = [...runs].sort((a, b) => wall(a) - wall(b));
  const picked = sorted[Math.floor((sorted.length - 1) / 2)];
  if (!picked) throw new Error('pickMedianRun: no runs');
  return picked;
}
