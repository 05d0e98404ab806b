import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import type { ChildMessage, ChildRequest, ChildResult } from './protocol';

// The options every Node bundle of the project shares (scripts/bundles.cjs).
const { NODE_BUNDLE } = require('../scripts/bundles.cjs') as { NODE_BUNDLE: Record<string, unknown> };

/** The repository root (every bench module lives directly in bench/, also when bundled by bench/run.js). */
export const REPO_ROOT = resolve(__dirname, '..');

/** A bundled child entry in a temporary directory; `dispose()` removes it. */
export interface ChildBundle {
  file: string;
  dispose(): void;
}

/** Bundles bench/child-entry.ts (packages external, resolved through NODE_PATH) into a temporary file. */
export function bundleChild(): ChildBundle {
  const dir = mkdtempSync(join(tmpdir(), 'autorenew-bench-'));
  const file = join(dir, 'child.js');
  buildSync({
    entryPoints: [join(REPO_ROOT, 'bench', 'child-entry.ts')],
    outfile: file,
    ...NODE_BUNDLE,
    packages: 'external',
    logLevel: 'silent',
  });
  return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Environment for a process that loads a bundle from outside the repository. */
export function childEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_PATH: join(REPO_ROOT, 'node_modules'),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/**
 * The Node flags a function runs with in production: NODE_OPTIONS from its `environment` in serverless.yml, else
 * the provider's. The job process gets the same flags (the heap sizes decide much of the peak RSS), so the bench
 * measures the memory the deployed function will see. A plain text read: the file's shape is fixed by the tests.
 */
export function functionNodeOptions(
  fn: 'renew' | 'check',
  yml = readFileSync(join(REPO_ROOT, 'serverless.yml'), 'utf8'),
): string[] {
  const lines = yml.split('\n');
  const functionsAt = lines.indexOf('functions:');
  const start = lines.findIndex((l, i) => i > functionsAt && l === `  ${fn}:`);
  let own: string | undefined;
  for (let i = start + 1; start > 0 && i < lines.length && !/^ {0,2}\S/.test(lines[i] as string); i++) {
    const m = /^ {6}NODE_OPTIONS: (.*)$/.exec(lines[i] as string);
    if (m) own = m[1];
  }
  const provider = lines
    .slice(0, functionsAt)
    .map((l) => /^ {4}NODE_OPTIONS: (.*)$/.exec(l)?.[1])
    .find(Boolean);
  return (own ?? provider ?? '').split(' ').filter((a) => a.length > 0);
}

/**
 * Extra Node flags for the job process from BENCH_CHILD_NODE_ARGS (space-separated), for profiling by hand, e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` or `--max-semi-space-size=4` (flags NODE_OPTIONS refuses).
 */
function extraExecArgv(): string[] {
  return (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter((a) => a.length > 0);
}

/**
 * Runs one job (or baseline) in a fresh Node process and resolves with its measurements; rejects when the child
 * reports an error, exits without a result or runs longer than `timeoutMs`.
 */
export function runChild(bundle: ChildBundle, request: ChildRequest, timeoutMs = 15 * 60_000): Promise<ChildResult> {
  return new Promise((done, fail) => {
    const child = fork(bundle.file, [], {
      execArgv: [
        ...(request.mode === 'job' && request.job && request.job !== 'both' ? functionNodeOptions(request.job) : []),
        ...(request.memoryProbe ? ['--expose-gc'] : []),
        ...extraExecArgv(),
      ],
      env: childEnv(),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: ChildResult | undefined;
    let error: string | undefined;
    const timer = setTimeout(() => {
      error = `the ${request.mode} process ran longer than ${timeoutMs} ms and was stopped`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (m: ChildMessage) => {
      if (m.kind === 'result') result = m.result;
      else error = m.message;
    });
    child.on('error', (err) => {
      error = err.message;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (result) done(result);
      else fail(new Error(`bench ${request.mode} process failed (exit ${code ?? signal}): ${error ?? 'no result'}`));
    });
    child.send(request);
  });
}
