// The bench's job process: runs the real renew and check jobs (or the naive baseline) once against the sandbox
// and reports its timings and peak RSS to the parent. Bundled by bench/child.ts, started with fork().
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAlibabaRegistrar } from '../lib/alibaba';
import { createAlibabaBilling } from '../lib/alibaba/billing';
import { createCaller } from '../lib/alibaba/call';
import { createRateLimiter } from '../lib/alibaba/rate-limit';
import { systemClock } from '../lib/clock';
import { executeCheck, executeRenew } from '../lib/jobs';
import { createDynamoLedger } from '../lib/ledger/dynamodb';
import { createLogger } from '../lib/log';
import { parsePolicyText } from '../lib/policy/load';
import { assembleDeps } from '../lib/runtime';
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
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: req.dynamoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
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
    ledger: createDynamoLedger({ tableName: req.tableName, client }),
    // The digest is rendered as in production; publishing is the only part left out (no SNS here).
    notifier: { publish: async () => ({}) },
    clock: systemClock,
    log,
  });
  const policy = parsePolicyText(req.policyText, 'bench-policy.json');
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
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const renew = await executeRenew(deps, { policy, dryRun: false });
  const renewCpuMs = cpuMsSince(c0);
  const renewMs = performance.now() - t0;
  const renewPeakRssBytes = readPeakRssBytes();
  const liveAfterRenew = req.memoryProbe ? liveMemory() : undefined;
  snapshot('after-renew');
  await sleep(req.gapMs);
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  const check = await executeCheck(deps, { policy });
  const checkCpuMs = cpuMsSince(c1);
  const checkMs = performance.now() - t1;
  if (sampler) clearInterval(sampler);
  const liveAfterCheck = req.memoryProbe ? liveMemory() : undefined;
  snapshot('after-check');
  client.destroy();
  return {
    ...(liveStart && liveAfterRenew && liveAfterCheck
      ? { live: { start: liveStart, afterRenew: liveAfterRenew, afterCheck: liveAfterCheck, atPeakRss: peak } }
      : {}),
    ...(snapshots.length > 0 ? { heapSnapshots: snapshots } : {}),
    mode: 'job',
    renewMs,
    checkMs,
    renewCpuMs,
    checkCpuMs,
    peakRssBytes: readPeakRssBytes(),
    renewPeakRssBytes,
    startupRssBytes,
    startupMs,
    listed: renew.summary.listed,
    planned: renew.summary.planned,
    submitted: renew.summary.submitted,
    renewed: check.renewed,
    pending: check.pending,
    failed: check.failed,
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
    fetch: globalThis.fetch,
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
