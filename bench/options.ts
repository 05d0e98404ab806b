import { resolve } from 'node:path';
import { InputError } from '../lib/errors';
import { DEFAULT_SHARES } from './portfolio';
import type { BenchSettings } from './scenario';

export interface BenchOptions extends BenchSettings {
  sizes: number[];
  /** Also run the naive baseline (default true). */
  baseline: boolean;
  /** Also measure the handler bundles (default true). */
  bundles: boolean;
  /** Also check the wall-clock budgets of bench/budgets.ts: planning, packaging (default true). */
  budgets: boolean;
  /**
   * Also run every size again without a call budget (QPS LIMITS.noBudgetQps, no baseline), against issue 19's
   * looser wall/path limit (default true; nothing to add when `qps` is already that high).
   */
  unbudgeted: boolean;
  /** `node -e require()` runs per bundle. */
  loadRuns: number;
  /**
   * Job runs per size, each on a fresh sandbox and ledger; the run with the median wall time is reported (the
   * others' wall/path and CPU are listed), so one noisy moment on a shared machine neither fails nor flatters it.
   */
  repeat: number;
  /** Where to write the JSON results; undefined = do not write. */
  out?: string;
  /** Print the usage and stop. */
  help?: boolean;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  sizes: [100, 1000, 10_000],
  latencyMs: 50,
  qps: 10,
  pageSize: 100,
  listConcurrency: 4,
  maxBatchSize: 100,
  shares: DEFAULT_SHARES,
  seed: 7,
  baseline: true,
  bundles: true,
  budgets: true,
  unbudgeted: true,
  loadRuns: 20,
  repeat: 3,
  out: 'bench/results.json',
};

export const USAGE = `npm run bench -- [flags]
  --sizes 100,1000,10000   portfolio sizes N (listed domains)
  --latency-ms 50          injected latency per API call
  --ledger-latency-ms 0    injected latency per ledger request (dynalite), as DynamoDB's round trip
  --qps 10                 call budget, calls/s, for the job and the baseline
  --concurrency 4          list pages in flight after the first
  --page-size 100          QueryDomainList page size
  --max-batch 100          domains per renew batch
  --due-share 0.1          share of listed domains renewed
  --load-runs 20           node -e require() runs per bundle
  --repeat 3               job runs per size; the median (by wall time) is reported
  --no-baseline            skip the naive baseline
  --no-bundles             skip the bundle measurements
  --no-budgets             skip the wall-clock budgets (planning 10 000 domains, packaging)
  --no-unbudgeted          skip the second pass of every size without a call budget (QPS 1000)
  --out bench/results.json where to write the results ('-' = nowhere)
  --memory-probe           job process with --expose-gc: live heap after a forced GC at start, after renew, after check
  --heap-snapshot DIR      job process writes a V8 heap snapshot into DIR after renew and after check`;

function readNumber(flag: string, text: string | undefined, min: number, max: number, integer: boolean): number {
  const value = Number(text);
  if (
    text === undefined ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    throw new InputError(
      `bench: ${flag} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${text ?? 'nothing'}. ${USAGE}`,
    );
  }
  return value;
}

/** Parses the bench flags over the defaults; throws InputError naming the flag on a bad value. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const o: BenchOptions = { ...DEFAULT_OPTIONS, shares: { ...DEFAULT_OPTIONS.shares } };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const next = () => argv[++i];
    switch (flag) {
      case '--sizes':
        o.sizes = (next() ?? '').split(',').map((s) => readNumber('--sizes', s.trim(), 1, 1_000_000, true));
        break;
      case '--latency-ms':
        o.latencyMs = readNumber(flag, next(), 0, 10_000, false);
        break;
      case '--ledger-latency-ms':
        o.ledgerLatencyMs = readNumber(flag, next(), 0, 1_000, false);
        break;
      case '--qps':
        o.qps = readNumber(flag, next(), 0.1, 1_000_000, false);
        break;
      case '--concurrency':
        o.listConcurrency = readNumber(flag, next(), 1, 64, true);
        break;
      case '--page-size':
        o.pageSize = readNumber(flag, next(), 1, 100, true);
        break;
      case '--max-batch':
        o.maxBatchSize = readNumber(flag, next(), 1, 1000, true);
        break;
      case '--due-share':
        o.shares.due = readNumber(flag, next(), 0, 0.98, false);
        break;
      case '--load-runs':
        o.loadRuns = readNumber(flag, next(), 1, 1000, true);
        break;
      case '--repeat':
        o.repeat = readNumber(flag, next(), 1, 99, true);
        break;
      case '--help':
        o.help = true;
        break;
      case '--no-baseline':
        o.baseline = false;
        break;
      case '--no-bundles':
        o.bundles = false;
        break;
      case '--no-budgets':
        o.budgets = false;
        break;
      case '--no-unbudgeted':
        o.unbudgeted = false;
        break;
      case '--memory-probe':
        o.memoryProbe = true;
        break;
      case '--heap-snapshot': {
        const dir = next();
        if (!dir) throw new InputError(`bench: --heap-snapshot needs a directory. ${USAGE}`);
        o.heapSnapshotDir = resolve(dir);
        break;
      }
      case '--out': {
        const out = next();
        if (!out) throw new InputError(`bench: --out needs a file name or '-'. ${USAGE}`);
        if (out === '-') delete o.out;
        else o.out = out;
        break;
      }
      default:
        throw new InputError(`bench: unknown flag ${flag}. ${USAGE}`);
    }
  }
  return o;
}
