// The bench's job process: runs the real renew and check jobs (or the naive baseline) once against the sandbox
// and reports its timings and peak RSS to the parent. Bundled by bench/child.ts, started with fork().
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { createAlibabaRegistrar } from '../lib/alibaba';
import { createAlibabaBilling } from '../lib/alibaba/billing';
import { createCaller } from '../lib/alibaba/call';
import { createRateLimiter } from '../lib/alibaba/rate-limit';
import { systemClock } from '../lib/clock';
import { assembleDeps } from '../lib/compose/adapters';
import { createHttpPost } from '../lib/http-post';
import { executeCheck, executeRenew } from '../lib/jobs';
import { createDynamoLedger } from '../lib/ledger/dynamodb';
import { createLogger } from '../lib/log';
import { parsePolicyText } from '../lib/policy/load';
import { runNaiveCheck, runNaiveRenew } from './baseline';
import type { ChildMessage, ChildRequest, ChildResult, LiveMemory } from './protocol';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Peak RSS in bytes: Linux reports maxRSS in KiB. */
function readPeakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** Live memory after a full GC (the child runs with --expose-gc under `memoryProbe`). */
function liveMemory(): LiveMemory {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the memory probe needs --expose-gc');
  gc();
  const m = process.memoryUsage();
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
  };
}

/**
 * Opt-in (BENCH_TRACE=1): counts and times every ledger and registrar method; one stderr line per method at exit
 * (calls, summed ms, first start and last end in ms since the wrap); with BENCH_TRACE_EACH=name,name one line per
 * call of the methods named (start ms since the wrap, duration ms).
 */
function traceCalls(...targets: object[]): void {
  const origin = performance.now();
  const trace = new Map<string, { n: number; ms: number; first: number; last: number }>();
  for (const target of targets as Record<string, unknown>[]) {
    for (const [name, fn] of Object.entries(target)) {
      if (typeof fn !== 'function') continue;
      target[name] = async (...args: unknown[]) => {
        const start = performance.now();
        try {
          return await (fn as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          const end = performance.now();
          if (process.env.BENCH_TRACE_EACH?.split(',').includes(name))
            process.stderr.write(`each ${name} ${(start - origin).toFixed(0)} +${(end - start).toFixed(1)}\n`);
          const r = trace.get(name) ?? { n: 0, ms: 0, first: start - origin, last: 0 };
          r.n += 1;
          r.ms += end - start;
          r.last = end - origin;
          trace.set(name, r);
        }
      };
    }
  }
  process.on('exit', () => {
    for (const [name, r] of trace)
      process.stderr.write(
        `trace ${name}: ${r.n} calls, ${r.ms.toFixed(0)} ms summed, ${r.first.toFixed(0)}..${r.last.toFixed(0)} ms\n`,
      );
  });
}

function credentialsOf(req: ChildRequest) {
  const creds = { accessKeyId: req.accessKeyId, accessKeySecret: req.accessKeySecret };
  return { get: async () => creds, refresh: async () => creds };
}

async function runJob(req: ChildRequest): Promise<ChildResult> {
  if (!req.dynamoEndpoint || !req.tableName) throw new Error('job mode needs dynamoEndpoint and tableName');
  const problems: string[] = [];
  const log = createLogger({
    level: 'warn',
    sink: (line) => {
      if (problems.length < 20) problems.push(line);
    },
  });
  // The ledger's own HTTP client, as the deployed functions use it (no injected SDK client).
  const ledger = createDynamoLedger({
    tableName: req.tableName,
    clientConfig: {
      endpoint: req.dynamoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    },
  });
  const deps = assembleDeps({
    registrar: createAlibabaRegistrar({
      endpoint: req.endpoint,
      credentials: credentialsOf(req),
      qps: req.qps,
      pageSize: req.pageSize,
      listConcurrency: req.listConcurrency,
    }),
    // The balance is read before buying, as in production (BSS on the sandbox's port).
    billing: createAlibabaBilling({ endpoint: req.endpoint, credentials: credentialsOf(req), qps: req.qps }),
    ledger,
    // The digest is rendered as in production; publishing is the only part left out (no SNS here).
    notifier: { publish: async () => ({}) },
    clock: systemClock,
    log,
  });
  const policy = parsePolicyText(req.policyText, 'bench-policy.json');
  if (process.env.BENCH_TRACE) traceCalls(deps.ledger, deps.registrar);
  const startupMs = performance.now();
  const startupRssBytes = readPeakRssBytes();
  const liveStart = req.memoryProbe ? liveMemory() : undefined;
  // Under the probe, process.memoryUsage() every 20 ms: which part of the RSS makes its peak.
  const peak = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  const sampler = req.memoryProbe
    ? setInterval(() => {
        const m = process.memoryUsage();
        if (m.rss > peak.rss) Object.assign(peak, m);
      }, 20)
    : undefined;
  const snapshots: string[] = [];
  const snapshot = (name: string) => {
    if (req.heapSnapshotDir) snapshots.push(writeHeapSnapshot(join(req.heapSnapshotDir, `${name}.heapsnapshot`)));
  };
  // Renew and check run in separate processes by default, as the two Lambda functions do (`req.job`): each
  // process's peak RSS is then one function's own.
  const job = req.job ?? 'both';
  let renew: Awaited<ReturnType<typeof executeRenew>> | undefined;
  let renewMs = 0;
  let renewCpuMs = 0;
  let renewPeakRssBytes = 0;
  let liveAfterRenew: LiveMemory | undefined;
  if (job !== 'check') {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    renew = await executeRenew(deps, { policy, dryRun: false });
    renewCpuMs = cpuMsSince(c0);
    renewMs = performance.now() - t0;
    renewPeakRssBytes = readPeakRssBytes();
    liveAfterRenew = req.memoryProbe ? liveMemory() : undefined;
    snapshot('after-renew');
  }
  let check: Awaited<ReturnType<typeof executeCheck>> | undefined;
  let checkMs = 0;
  let checkCpuMs = 0;
  if (job !== 'renew') {
    if (job === 'both') await sleep(req.gapMs);
    const t1 = performance.now();
    const c1 = process.cpuUsage();
    check = await executeCheck(deps, { policy });
    checkCpuMs = cpuMsSince(c1);
    checkMs = performance.now() - t1;
  }
  if (sampler) clearInterval(sampler);
  const liveAfterCheck = req.memoryProbe && job !== 'renew' ? liveMemory() : undefined;
  if (job !== 'renew') snapshot('after-check');
  ledger.destroy();
  return {
    ...(liveStart && sampler
      ? {
          live: {
            start: liveStart,
            ...(liveAfterRenew ? { afterRenew: liveAfterRenew } : {}),
            ...(liveAfterCheck ? { afterCheck: liveAfterCheck } : {}),
            atPeakRss: peak,
          },
        }
      : {}),
    ...(snapshots.length > 0 ? { heapSnapshots: snapshots } : {}),
    mode: 'job',
    renewMs,
    checkMs,
    renewCpuMs,
    checkCpuMs,
    peakRssBytes: readPeakRssBytes(),
    renewPeakRssBytes,
    checkPeakRssBytes: job === 'renew' ? 0 : readPeakRssBytes(),
    startupRssBytes,
    startupMs,
    listed: renew?.summary.listed ?? 0,
    planned: renew?.summary.planned ?? 0,
    submitted: renew?.summary.submitted ?? 0,
    renewed: check?.renewed ?? 0,
    pending: check?.pending ?? 0,
    failed: check?.failed ?? 0,
    problems,
  };
}

/** CPU time (user + system) since `start`, ms. */
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

async function runBaseline(req: ChildRequest): Promise<ChildResult> {
  const now = Date.now;
  const caller = createCaller({
    endpoint: req.endpoint,
    credentials: credentialsOf(req),
    timeoutMs: 10_000,
    caller: { lang: 'en' },
    maxAttempts: 5,
    limiter: createRateLimiter(req.qps, now, sleep),
    post: createHttpPost().post,
    sleep,
    random: Math.random,
    now,
  });
  const policy = parsePolicyText(req.policyText, 'bench-policy.json');
  const startupMs = performance.now();
  const startupRssBytes = readPeakRssBytes();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const renew = await runNaiveRenew(caller, policy, req.pageSize, now());
  const renewCpuMs = cpuMsSince(c0);
  const renewMs = performance.now() - t0;
  const renewPeakRssBytes = readPeakRssBytes();
  await sleep(req.gapMs);
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  const check = await runNaiveCheck(caller, renew.taskNos);
  const checkCpuMs = cpuMsSince(c1);
  const checkMs = performance.now() - t1;
  return {
    mode: 'baseline',
    renewMs,
    checkMs,
    renewCpuMs,
    checkCpuMs,
    peakRssBytes: readPeakRssBytes(),
    renewPeakRssBytes,
    checkPeakRssBytes: readPeakRssBytes(),
    startupRssBytes,
    startupMs,
    listed: renew.listed,
    planned: renew.taskNos.length,
    submitted: renew.taskNos.length,
    ...check,
    problems: [],
  };
}

function reply(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      process.stdout.write(`${JSON.stringify(message)}\n`);
      resolve();
      return;
    }
    process.send(message, () => resolve());
  });
}

process.once('message', (req: ChildRequest) => {
  (req.mode === 'job' ? runJob(req) : runBaseline(req))
    .then((result) => reply({ kind: 'result', result }))
    .catch((err: unknown) =>
      reply({ kind: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    )
    .finally(() => process.disconnect?.());
});
