import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../../lib/ledger/create-table';
import { createDynamoLedger, type DynamoLedger } from '../../lib/ledger/dynamodb';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { Sleeper } from '../../lib/sandbox/sleeper';
import { type CliResult, runCliInProcess, runCliProcess, spawnCli, waitUntil } from '../helpers/cli-process';
import { type DynamoDbLocal, dynamoDbLocalForFile } from '../helpers/dynamodb-local';
import { PROCESS_TEST_TIMEOUT_MS, START_HOOK_TIMEOUT_MS } from '../helpers/timeouts';
import { duplicateSubmissions, portfolio } from '../helpers/world';

/**
 * Issue 4 acceptance with real processes: `autorenew renew` children on one DynamoDB Local ledger against a sandbox
 * in this process. rejectStaleExpiry is off, so a double submission would really show up as a double renewal.
 */

// Every step waits on a process's exit or on a bounded poll of the sandbox or the ledger, never on a sleep; the
// timeouts only decide how long a hung process takes to be reported.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const MIN_MS = 60_000;
const SAVE = 'SaveBatchTaskForCreatingOrderRenew';

let dynamo: DynamoDbLocal;
let dir: string;
let tableSeq = 0;

beforeAll(async () => {
  dynamo = await dynamoDbLocalForFile();
  dir = mkdtempSync(join(tmpdir(), 'autorenew-proc-'));
  // Batches of 5 over 50 domains: ten batches for five processes to race for (300 in batches of 25 gave twelve, 100
  // in batches of 10 gave ten at twice the DynamoDB Local writes).
  writeFileSync(
    join(dir, 'policy.json'),
    JSON.stringify({ version: 1, limits: { maxDomainsPerRun: 1000, maxBatchSize: 5 }, notify: { advanceDays: 0 } }),
  );
  writeFileSync(
    join(dir, 'small.json'),
    JSON.stringify({ version: 1, limits: { maxBatchSize: 5 }, notify: { advanceDays: 0 } }),
  );
}, START_HOOK_TIMEOUT_MS);

/**
 * The sandbox Sleepers holding a request (its latency fault), so a test can end the holds at once, as the sandbox's
 * close does, instead of waiting them out: a held request then goes on as it does when its hold ends.
 */
const holding = new Set<Sleeper>();
const sleep = Sleeper.prototype.sleep;
jest.spyOn(Sleeper.prototype, 'sleep').mockImplementation(function (this: Sleeper, ms: number) {
  holding.add(this);
  return sleep.call(this, ms);
});

function endHolds(): void {
  for (const sleeper of holding) sleeper.releaseAll();
  holding.clear();
}

afterAll(async () => {
  await dynamo?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Setup {
  sandbox: Sandbox;
  ledger: DynamoLedger;
  env: Record<string, string>;
  /** CLI args that pin the job clock to the sandbox's simulated now. */
  at(): string[];
  close(): Promise<void>;
}

async function setUp(due: number, policyFile: string): Promise<Setup> {
  const sandbox = await startSandbox({ fixture: portfolio(Date.now(), due), rejectStaleExpiry: false, taskMs: 1_000 });
  const table = `procs-${process.pid}-${++tableSeq}`;
  // The CLI uses these fixed local credentials; DynamoDB Local keeps one database per key and region.
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'autorenewlocal', secretAccessKey: 'autorenewlocal' },
  });
  await ensureTable(client, table);
  const ledger = createDynamoLedger({ tableName: table, client: DynamoDBDocumentClient.from(client) });
  const env = {
    AUTORENEW_ENDPOINT: sandbox.url,
    ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
    AUTORENEW_TABLE: table,
    AUTORENEW_DYNAMODB_ENDPOINT: dynamo.endpoint,
    AUTORENEW_POLICY: join(dir, policyFile),
    AUTORENEW_QPS: '1000',
  };
  return {
    sandbox,
    ledger,
    env,
    at: () => ['--at', new Date(sandbox.now()).toISOString()],
    close: async () => {
      client.destroy();
      await sandbox.close();
    },
  };
}

/** TaskNos the sandbox accepted that no batch of the ledger records (M2). */
async function tasksMissingFromLedger(s: Setup): Promise<string[]> {
  const batches = await s.ledger.listRecentBatches(10_000);
  const known = new Set(batches.map((b) => b.taskNo).filter((t): t is string => !!t));
  return s.sandbox
    .state()
    .tasks.map((t) => t.taskNo)
    .filter((t) => !known.has(t));
}

function describeRun(r: CliResult): string {
  return `exit ${r.code} signal ${r.signal}\n${r.stdout.slice(-800)}\n${r.stderr.slice(-800)}`;
}

describe('renew as real processes on one DynamoDB Local ledger', () => {
  it('5 concurrent `renew --yes` processes submit each of 50 due domains exactly once', async () => {
    const s = await setUp(50, 'policy.json');
    try {
      const runs = await Promise.all(
        Array.from({ length: 5 }, () =>
          runCliProcess(['renew', '--yes', '--no-run-check', '--json', ...s.at()], s.env),
        ),
      );
      for (const r of runs) expect({ code: r.code, out: describeRun(r) }).toMatchObject({ code: 0 });
      const submitted = runs.map((r) => (JSON.parse(r.stdout) as { submitted: number }).submitted);
      expect(submitted.reduce((a, b) => a + b, 0)).toBe(50);

      const state = s.sandbox.state();
      expect(state.submissions).toHaveLength(50);
      expect(new Set(state.submissions.map((x) => x.domainName)).size).toBe(50);
      expect(duplicateSubmissions(s.sandbox)).toEqual([]);

      s.sandbox.setClock({ advanceMs: 5 * MIN_MS });
      // The race is over: the confirming check runs in process (the same runCli a child runs), saving a start-up.
      const check = await runCliInProcess(['check', '--json', ...s.at()], s.env);
      expect({ code: check.code, out: describeRun(check) }).toMatchObject({ code: 0 });
      expect((JSON.parse(check.stdout) as { renewed: number }).renewed).toBe(50);
      const renewals = s.sandbox.state().renewals;
      expect(renewals).toHaveLength(50);
      expect(new Set(renewals.map((r) => r.domainName)).size).toBe(50);
      expect(await tasksMissingFromLedger(s)).toEqual([]);
    } finally {
      await s.close();
    }
  });

  type KillPoint = 'during-listing' | 'submit-in-flight' | 'between-batches' | 'after-intent';

  /**
   * Starts a renew process and SIGKILLs it at `point`. A latency fault holds the request that marks the point at the
   * sandbox, so the kill lands while that request is held: the hold only has to outlast the lag between the sandbox
   * counting the request and this poll sending the kill, never the duration of any step.
   */
  async function killAt(s: Setup, point: KillPoint): Promise<CliResult> {
    const counts = () => s.sandbox.state().requests;
    // A held listing has no effect to wait for after the kill, so its hold can be far longer than any lag (the
    // sandbox's close releases it); a held submit is waited for below, so its hold is only a comfortable margin.
    if (point === 'during-listing') s.sandbox.setFaults({ latencyMs: 30_000, actions: ['QueryDomainList'] });
    else s.sandbox.setFaults({ latencyMs: point === 'between-batches' ? 150 : 2_000, actions: [SAVE] });
    const proc = spawnCli(['renew', '--yes', '--no-run-check', ...s.at()], s.env);
    if (point === 'during-listing') await waitUntil(() => (counts().QueryDomainList ?? 0) >= 1, 'the listing');
    if (point === 'submit-in-flight') await waitUntil(() => (counts()[SAVE] ?? 0) >= 1, 'the first submit');
    if (point === 'between-batches') await waitUntil(() => (counts()[SAVE] ?? 0) >= 3, 'the third submit');
    // The first batch intent is written: the run is taking its claims (its submit is held by the latency).
    if (point === 'after-intent') {
      await waitUntil(
        async () => proc.child.exitCode !== null || (await s.ledger.listRecentBatches(5)).length > 0,
        'the first batch intent',
      );
    }
    const result = await proc.kill();
    s.sandbox.setFaults({});
    // The kill has landed, so the holds have done their job: end them now rather than wait out their latency.
    endHolds();
    // A submit the sandbox received before the kill still executes when its hold ends: wait until each one has
    // created its task (every accepted submit creates exactly one), so what follows sees all the killed run left.
    await waitUntil(() => {
      const state = s.sandbox.state();
      return state.tasks.length >= (state.requests[SAVE] ?? 0);
    }, "the killed run's held submits to land");
    return result;
  }

  it.each<KillPoint>(['submit-in-flight', 'between-batches', 'after-intent', 'during-listing'])(
    'SIGKILL %s: later runs never submit a domain twice and every accepted TaskNo reaches the ledger',
    async (point) => {
      // 20 domains in batches of 5: four batches, so the between-batches kill (after the third submit) still leaves
      // one for the later runs (was 40: the same kills and checks at twice the writes).
      const s = await setUp(20, 'small.json');
      try {
        const killed = await killAt(s, point);
        expect(killed.signal).toBe('SIGKILL');
        const accepted = s.sandbox.state().submissions.length;
        if (point === 'submit-in-flight') expect(accepted).toBe(5);
        if (point === 'between-batches') expect(accepted).toBeGreaterThanOrEqual(15);
        if (point === 'during-listing') expect(accepted).toBe(0);

        // Only the killed run has to be a real process (it dies at whatever line it is on); the runs that then read
        // what it left in DynamoDB Local run in process through runCli, the entry point bin/autorenew.js calls.
        // Right away, a new run must leave the killed run's claims alone (they may have been submitted).
        const again = await runCliInProcess(['renew', '--yes', '--no-run-check', '--json', ...s.at()], s.env);
        expect({ code: again.code, out: describeRun(again) }).toMatchObject({ code: 0 });
        expect(duplicateSubmissions(s.sandbox)).toEqual([]);

        // Past the safe delay: check adopts or releases the killed run's batches (one pass settles every batch);
        // renew buys what was released and must leave everything else alone; the last check confirms its tasks.
        s.sandbox.setClock({ advanceMs: 25 * MIN_MS });
        for (const args of [['check'], ['renew', '--yes', '--no-run-check']]) {
          const r = await runCliInProcess([...args, ...s.at()], s.env);
          expect({ args, code: r.code, out: describeRun(r) }).toMatchObject({ code: 0 });
          s.sandbox.setClock({ advanceMs: 5 * MIN_MS });
        }
        const final = await runCliInProcess(['check', ...s.at()], s.env);
        expect(final.code).toBe(0);

        expect(duplicateSubmissions(s.sandbox)).toEqual([]);
        expect(await tasksMissingFromLedger(s)).toEqual([]);
        const renewals = s.sandbox.state().renewals;
        expect(new Set(renewals.map((r) => r.domainName)).size).toBe(20);
        expect(renewals).toHaveLength(20);
        expect(await s.ledger.listOpenBatches()).toEqual([]);
      } finally {
        await s.close();
      }
    },
  );
});
