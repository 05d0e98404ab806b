import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { childEnv, REPO_ROOT } from './child';

/** One handler bundle as built by scripts/build.mjs. */
export interface BundleMeasure {
  name: string;
  /** Size of dist/<name>/index.js (without its source map), bytes. */
  bytes: number;
  /** Median wall time of `node -e "require(bundle)"`, ms. */
  loadMedianMs: number;
  /** loadMedianMs minus the same for an empty file: the cost of loading the handler itself, ms. */
  overheadMs: number;
}

export interface BundleReport {
  runs: number;
  emptyMedianMs: number;
  bundles: BundleMeasure[];
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Builds the handlers with the project's own scripts/build.mjs in a scratch directory (symlinks to the sources, so
 * the shared dist/ is left alone) and returns the directory; the caller removes it.
 */
function buildHandlers(): string {
  const dir = mkdtempSync(join(tmpdir(), 'autorenew-bundles-'));
  for (const entry of ['handlers', 'lib', 'node_modules', 'package.json', 'tsconfig.json']) {
    symlinkSync(join(REPO_ROOT, entry), join(dir, entry));
  }
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs')], { cwd: dir, stdio: 'pipe' });
  return dir;
}

function timeRequire(file: string): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(file)})`], { env: childEnv() });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`loading ${file} failed: ${run.stderr.toString().slice(0, 500)}`);
  return ms;
}

/**
 * Sizes and load times of the renew and check bundles against an empty one: `runs` interleaved rounds of
 * `node -e "require(file)"` each, medians. The AWS SDK is external in the bundles (the Lambda runtime provides
 * it); here it resolves from node_modules, so the load time includes requiring it as the runtime would.
 */
export function measureBundles(runs = 20): BundleReport {
  const dir = buildHandlers();
  try {
    const empty = join(dir, 'empty', 'index.js');
    mkdirSync(join(dir, 'empty'));
    writeFileSync(empty, '');
    const names = ['renew', 'check'];
    const files = names.map((name) => join(dir, 'dist', name, 'index.js'));
    const times: number[][] = [[], ...names.map(() => [])];
    timeRequire(empty); // warms the file cache and the node binary's pages
    for (let i = 0; i < runs; i++) {
      [empty, ...files].forEach((file, j) => {
        times[j]?.push(timeRequire(file));
      });
    }
    const emptyMedianMs = median(times[0] ?? []);
    return {
      runs,
      emptyMedianMs,
      bundles: names.map((name, j) => {
        const loadMedianMs = median(times[j + 1] ?? []);
        return {
          name,
          bytes: statSync(files[j] as string).size,
          loadMedianMs,
          overheadMs: loadMedianMs - emptyMedianMs,
        };
      }),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
