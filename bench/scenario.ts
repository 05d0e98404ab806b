import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../lib/ledger/create-table';
import { createDynamoLedger } from '../lib/ledger/dynamodb';
import { startSandbox } from '../lib/sandbox';
import { type ChildBundle, childEnv, runChild } from './child';
import { baselineCalls, type CallCounts, checkListPages, minimumCalls } from './minimum';
import { type BenchPortfolio, buildPortfolio, type PortfolioShares } from './portfolio';
import type { ChildResult } from './protocol';

/** Settings shared by every size. */
export interface BenchSettings {
  /** Injected latency per API call, ms. */
  latencyMs: number;
  /** Client-side call budget, calls/s, for the job and the baseline alike. */
  qps: number;
  /** QueryDomainList page size (the client's and the config's default, 100). */
  pageSize: number;
  /** Pages after the first fetched concurrently (the client's default, 4). */
  listConcurrency: number;
  /** Policy maxBatchSize and the sandbox's maxBatch. */
  maxBatchSize: number;
  shares: PortfolioShares;
  /** Sandbox PRNG seed (the same for the job's and the baseline's sandbox). */
  seed: number;
  /**
   * Opt-in: ms the bench ledger (dynalite) waits before it handles each request (`--ledger-latency-ms`; default 0).
   * dynalite answers in about a millisecond on loopback, DynamoDB in a few: this shows what the ledger round trips
   * left on the critical path would cost a deployed run. Not in the critical path, which counts API calls only.
   */
  ledgerLatencyMs?: number;
  /** Opt-in: live memory after forced GCs in the job process (`--memory-probe`). */
  memoryProbe?: boolean;
  /** Opt-in: heap snapshots of the job process into this directory (`--heap-snapshot DIR`). */
  heapSnapshotDir?: string;
}

export interface ScenarioRun {
  result: ChildResult;
  /** Calls per Action as counted by the sandbox (authenticated API requests). */
  calls: CallCounts;
  /** Renewals the sandbox executed. */
  sandboxRenewals: number;
}

function apiCounts(requests: Record<string, number>): CallCounts {
  const fixed = new Set(['total', 'lost', 'throttled', 'errored', 'authFailed']);
  return Object.fromEntries(Object.entries(requests).filter(([k, v]) => !fixed.has(k) && v > 0));
}

/** Starts dynalite in its own process; resolves with its port. */
const LEDGER_SERVER_SCRIPT = `
const server = require('dynalite')({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
const delayMs = Number(process.env.BENCH_LEDGER_LATENCY_MS || 0);
if (delayMs > 0) {
  const handlers = server.listeners('request');
  server.removeAllListeners('request');
  server.on('request', (req, res) => setTimeout(() => { for (const h of handlers) h.call(server, req, res); }, delayMs));
}
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
`;

async function startLedgerServer(
  latencyMs = 0,
): Promise<{ endpoint: string; tableName: string; stop(): Promise<void> }> {
  // In-memory dynalite in a process of its own: the job process talks to it over HTTP, as a Lambda talks to
  // DynamoDB, so the job's peak RSS is its own; and its CPU (dynalite parses every condition expression with a
  // slow PEG parser: most of the bench's own CPU at N = 10 000) is not added to the sandbox's process.
  const server = spawn(process.execPath, ['-e', LEDGER_SERVER_SCRIPT], {
    env: { ...childEnv(), BENCH_LEDGER_LATENCY_MS: String(latencyMs) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((ok, fail) => {
    server.once('message', (m: { port: number }) => ok(m.port));
    server.once('error', fail);
    server.once('exit', (code) => fail(new Error(`the bench ledger (dynalite) exited with ${code} before listening`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const tableName = `bench-${randomUUID().slice(0, 8)}`;
  const stop = () =>
    new Promise<void>((ok) => {
      if (server.exitCode !== null) return ok();
      server.once('exit', () => ok());
      server.kill();
    });
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  try {
    await ensureTable(client, tableName);
  } catch (err) {
    await stop();
    throw err;
  } finally {
    client.destroy();
  }
  return { endpoint, tableName, stop };
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One job result from the renew process and the check process. */
export function mergeJobRuns(renew: ChildResult, check: ChildResult): ChildResult {
  const live =
    renew.live && check.live
      ? {
          live: {
            start: renew.live.start,
            ...(renew.live.afterRenew ? { afterRenew: renew.live.afterRenew } : {}),
            ...(check.live.afterCheck ? { afterCheck: check.live.afterCheck } : {}),
            atPeakRss:
              renew.live.atPeakRss.rss >= check.live.atPeakRss.rss ? renew.live.atPeakRss : check.live.atPeakRss,
          },
        }
      : {};
  const snapshots = [...(renew.heapSnapshots ?? []), ...(check.heapSnapshots ?? [])];
  return {
    ...live,
    ...(snapshots.length > 0 ? { heapSnapshots: snapshots } : {}),
    mode: 'job',
    renewMs: renew.renewMs,
    checkMs: check.checkMs,
    renewCpuMs: renew.renewCpuMs,
    checkCpuMs: check.checkCpuMs,
    peakRssBytes: Math.max(renew.peakRssBytes, check.peakRssBytes),
    renewPeakRssBytes: renew.renewPeakRssBytes,
    checkPeakRssBytes: check.checkPeakRssBytes,
    startupRssBytes: Math.max(renew.startupRssBytes, check.startupRssBytes),
    startupMs: Math.max(renew.startupMs, check.startupMs),
    listed: renew.listed,
    planned: renew.planned,
    submitted: renew.submitted,
    renewed: check.renewed,
    pending: check.pending,
    failed: check.failed,
    problems: [...renew.problems, ...check.problems],
  };
}

/** Runs the real jobs (or the naive baseline) once against a fresh sandbox holding a fresh portfolio of `n`. */
export async function runScenario(
  mode: 'job' | 'baseline',
  n: number,
  settings: BenchSettings,
  bundle: ChildBundle,
): Promise<ScenarioRun & { portfolio: BenchPortfolio }> {
  const nowMs = Date.now();
  const portfolio = buildPortfolio(nowMs, n, settings.shares, settings.maxBatchSize);
  const sandbox = await startSandbox({
    fixture: portfolio.fixture,
    nowMs,
    seed: settings.seed,
    taskMs: 0,
    maxBatch: settings.maxBatchSize,
    maxPageSize: Math.max(100, settings.pageSize),
    faults: { latencyMs: settings.latencyMs },
  });
  const ledger = mode === 'job' ? await startLedgerServer(settings.ledgerLatencyMs) : undefined;
  try {
    // The daily path: the weekly whole-account listing (lib/renewal/inventory.ts) was taken yesterday. Its own cost,
    // once a week, is one listing of every domain of the account (bench/README.md).
    if (ledger) await seedInventory(ledger, portfolio, nowMs);
    // 15 minutes (a Lambda's limit) plus 20 ms per listed domain: the bench's own stand-ins (dynalite's condition
    // parser, the sandbox's listing) grow faster than the job, and N = 100 000 on a shared 2-core machine needs it.
    const timeoutMs = 15 * 60_000 + n * 20;
    const request = {
      mode,
      endpoint: sandbox.url,
      accessKeyId: sandbox.accessKeyId,
      accessKeySecret: sandbox.accessKeySecret,
      ...(ledger ? { dynamoEndpoint: ledger.endpoint, tableName: ledger.tableName } : {}),
      policyText: portfolio.policyText,
      qps: settings.qps,
      pageSize: settings.pageSize,
      listConcurrency: settings.listConcurrency,
      gapMs: 20,
      ...(mode === 'job' && settings.memoryProbe ? { memoryProbe: true } : {}),
      ...(mode === 'job' && settings.heapSnapshotDir ? { heapSnapshotDir: settings.heapSnapshotDir } : {}),
    };
    // The job: renew, then check in a second process, as the two Lambda functions run (each with its own peak RSS).
    // The ledger and the registrar live in this process, so the check sees what renew wrote.
    const result =
      mode === 'job'
        ? mergeJobRuns(
            await runChild(bundle, { ...request, job: 'renew' }, timeoutMs),
            await pause(request.gapMs).then(() => runChild(bundle, { ...request, job: 'check' }, timeoutMs)),
          )
        : await runChild(bundle, request, timeoutMs);
    const state = sandbox.state();
    return { portfolio, result, calls: apiCounts(state.requests), sandboxRenewals: state.renewals.length };
  } finally {
    await sandbox.close();
    await ledger?.stop();
  }
}

/** Stores an inventory of every domain of the portfolio, taken a day before `nowMs` (epoch ms). */
async function seedInventory(
  ledger: { endpoint: string; tableName: string },
  portfolio: BenchPortfolio,
  nowMs: number,
): Promise<void> {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: ledger.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  try {
    await createDynamoLedger({ tableName: ledger.tableName, client }).putInventory(
      {
        takenAtMs: nowMs - 86_400_000,
        entries: portfolio.fixture.domains.map((d) => ({ domain: d.domainName, expiryMs: d.expiresAtMs })),
      },
      nowMs - 86_400_000,
    );
  } finally {
    client.destroy();
  }
}

/** The expected minimum for the job and the baseline's own count for this portfolio. */
export function expectedCalls(
  portfolio: BenchPortfolio,
  settings: BenchSettings,
): { minimum: CallCounts; checkListPages: number; baseline: CallCounts } {
  const input = {
    listed: portfolio.listed,
    groups: portfolio.groups,
    pageSize: settings.pageSize,
    maxBatchSize: settings.maxBatchSize,
    confirmation: portfolio.confirmation,
  };
  return {
    minimum: minimumCalls(input),
    checkListPages: checkListPages(input),
    baseline: baselineCalls({ listed: portfolio.listed, renewed: portfolio.renew.total, pageSize: settings.pageSize }),
  };
}
