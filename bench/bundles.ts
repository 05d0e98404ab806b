import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { childEnv, functionNodeOptions, REPO_ROOT } from './child';

/** One handler bundle as built by scripts/build.mjs. */
export interface BundleMeasure {
  name: string;
  /** Size of dist/<name>/index.js (without its source map), bytes. */
  bytes: number;
  /** The function's NODE_OPTIONS in serverless.yml (its heap flags): both loads below run with them. */
  nodeOptions: string[];
  /** Median wall time of `node <nodeOptions> entry.mjs <bundle>` (an ES module that requires it), ms. */
  loadMedianMs: number;
  /** The same for an empty file, ms. */
  emptyMedianMs: number;
  /** loadMedianMs minus emptyMedianMs: the cost of loading the handler itself, as the function loads it, ms. */
  overheadMs: number;
}

export interface BundleReport {
  runs: number;
  /** An empty file with no flags at all, ms (for reference: what node itself takes here). */
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

/**
 * What starts the process: an ES module that requires the file, as Lambda's bootstrap (`/var/runtime/index.mjs`) loads
 * a CommonJS handler. Its loader takes some built-in modules in first (node:fs/promises among them), so a handler is
 * charged only for what it adds to such a process; until 2026-12-07 it was `node -e "require(file)"`, which charged
 * a handler for those too (~4 ms of node:fs/promises with the heap flags).
 */
const ENTRY = `import { createRequire } from 'node:module';
createRequire(import.meta.url)(process.argv[2]);
`;

function timeRequire(entry: string, file: string, flags: readonly string[] = []): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, [...flags, entry, file], { env: childEnv() });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`loading ${file} failed: ${run.stderr.toString().slice(0, 500)}`);
  return ms;
}

/**
 * Sizes and load times of the renew and check bundles against an empty file: `runs` interleaved rounds of
 * `node <flags> entry.mjs <file>` (ENTRY), medians. Each bundle and its empty file load with its function's NODE_OPTIONS:
 * a V8 flag (the heap sizes; in Lambda also the bootstrap's --expose-gc) makes Node compile the built-in modules the bundle
 * requires (node:crypto) instead of using their code cache, ~10 ms here; without the flags the figure left out that
 * much of a cold start (and, until 2026-12-07, ~10 ms more of parsing the source map with --enable-source-maps).
 * The AWS SDK is external in the bundles (the Lambda runtime provides it); here it resolves from node_modules.
 */
export function measureBundles(runs = 20): BundleReport {
  const dir = buildHandlers();
  try {
    const empty = join(dir, 'empty', 'index.js');
    mkdirSync(join(dir, 'empty'));
    writeFileSync(empty, '');
    const entry = join(dir, 'entry.mjs');
    writeFileSync(entry, ENTRY);
    const names = ['renew', 'check'] as const;
    const loads = names.map((name) => ({
      name,
      file: join(dir, 'dist', name, 'index.js'),
      flags: functionNodeOptions(name),
      times: [] as number[],
      emptyTimes: [] as number[],
    }));
    const plain: number[] = [];
    timeRequire(entry, empty); // warms the file cache and the node binary's pages
    for (let i = 0; i < runs; i++) {
      plain.push(timeRequire(entry, empty));
      for (const load of loads) {
        load.emptyTimes.push(timeRequire(entry, empty, load.flags));
        load.times.push(timeRequire(entry, load.file, load.flags));
      }
    }
    return {
      runs,
      emptyMedianMs: median(plain),
      bundles: loads.map(({ name, file, flags, times, emptyTimes }) => {
        const loadMedianMs = median(times);
        const emptyMedianMs = median(emptyTimes);
        return {
          name,
          bytes: statSync(file).size,
          nodeOptions: flags,
          loadMedianMs,
          emptyMedianMs,
          overheadMs: loadMedianMs - emptyMedianMs,
        };
      }),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
