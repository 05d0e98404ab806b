import { executeRenew } from '../../lib/jobs';
import { runRenew } from '../../lib/renewal/run-renew';
import { checkOnce } from '../helpers/check-once';
import { duplicateSubmissions, portfolio, startWorld, type World } from '../helpers/world';

const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const MIN_MS = 60_000;
/**
 * For tests whose second run must find the first run's renewals still in flight. A task waits taskMs and then
 * executes for taskMs of the sandbox's simulated clock, which runs with real time: at the largest taskMs the sandbox
 * accepts, no task can finish in under 2 minutes, longer than this project's per-test timeout, however slowly
 * the machine runs. (world.ts's default of 1 s lets a loaded machine finish early tasks between the runs.)
 */
const IN_FLIGHT_TASK_MS = 60_000;

describe('renew job against the sandbox and a dynalite ledger', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('submits each due domain once; a second run submits nothing (in-flight claims)', async () => {
    world = await startWorld({
      sandbox: { nowMs: NOW, fixture: portfolio(NOW, 30, 20), taskMs: IN_FLIGHT_TASK_MS },
      policy: { limits: { maxBatchSize: 8 } },
    });
    const first = await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
    expect(first.summary.planned).toBe(30);
    expect(first.summary.submitted).toBe(30);
    expect(first.summary.batches.map((b) => b.status)).toEqual(['submitted', 'submitted', 'submitted', 'submitted']);
    const second = await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r2' });
    expect(second.summary.submitted).toBe(0);
    expect(second.plan.totals.byReason['in-flight']).toBe(30);
    const state = world.sandbox.state();
    expect(state.submissions).toHaveLength(30);
    expect(state.requests.SaveBatchTaskForCreatingOrderRenew).toBe(4);
    // Every TaskNo the sandbox issued is in the ledger.
    const recent = await world.ledger.listRecentBatches(50);
    const recorded = new Set(recent.map((b) => b.taskNo).filter(Boolean));
    for (const t of state.tasks) expect(recorded.has(t.taskNo)).toBe(true);
  });

  it('dry run plans but never calls a paid operation nor writes the ledger', async () => {
    world = await startWorld({ sandbox: { nowMs: NOW, fixture: portfolio(NOW, 5) } });
    const run = await runRenew(world.deps(), { policy: world.policy, dryRun: true, runId: 'dry' });
    expect(run.summary.planned).toBe(5);
    expect(world.sandbox.state().requests.SaveBatchTaskForCreatingOrderRenew ?? 0).toBe(0);
    expect(await world.ledger.listRecentBatches(10)).toEqual([]);
  });

  it('lost responses on 20% of submits: no double submission; affected batches UNKNOWN, then adopted by check', async () => {
    world = await startWorld({
      sandbox: {
        nowMs: NOW,
        seed: 3,
        fixture: portfolio(NOW, 60),
        faults: { loseRate: 0.2, actions: ['SaveBatchTaskForCreatingOrderRenew'] },
      },
      policy: { limits: { maxBatchSize: 3 } },
    });
    const run = await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'lossy' });
    const unknown = run.summary.batches.filter((b) => b.status === 'unknown');
    expect(unknown.length).toBeGreaterThan(0);
    expect(world.sandbox.state().requests.lost).toBe(unknown.length);
    for (const b of unknown) expect((await world.ledger.getBatch(b.batchId))?.status).toBe('UNKNOWN');
    // Runs again right away: the UNKNOWN claims are live, nothing is resubmitted.
    await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'again' });
    expect(duplicateSubmissions(world.sandbox)).toEqual([]);

    world.sandbox.setFaults({});
    world.sandbox.setClock({ advanceMs: 25 * MIN_MS });
    const check = await checkOnce(world.deps(), { policy: world.policy, runId: 'c1' });
    expect(check.adopted).toBe(unknown.length);
    const taskNos = new Set(world.sandbox.state().tasks.map((t) => t.taskNo));
    for (const b of unknown) {
      const batch = await world.ledger.getBatch(b.batchId);
      expect(batch?.taskNo && taskNos.has(batch.taskNo)).toBe(true);
    }
    // After every task finished, every due domain renewed exactly once.
    world.sandbox.setClock({ advanceMs: 10 * MIN_MS });
    await checkOnce(world.deps(), { policy: world.policy, runId: 'c2' });
    await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'after' });
    const renewals = world.sandbox.state().renewals;
    expect(renewals).toHaveLength(60);
    expect(new Set(renewals.map((r) => r.domainName)).size).toBe(60);
    expect(duplicateSubmissions(world.sandbox)).toEqual([]);
  });

  it('an ambiguous submit that never reached the registrar is released after the release rule holds and renewed once later', async () => {
    world = await startWorld({
      sandbox: {
        nowMs: NOW,
        // 5 to 8 days left: still due after the day the release rule waits.
        fixture: portfolio(NOW + 4 * 86_400_000, 4),
        faults: { errorRate: 1, actions: ['SaveBatchTaskForCreatingOrderRenew'] },
      },
    });
    const run = await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r503' });
    expect(run.summary.unknown).toBe(4);
    world.sandbox.setFaults({});
    // Too early: nothing is settled yet.
    const early = await checkOnce(world.deps(), { policy: world.policy, runId: 'early' });
    expect(early.unknown).toBe(1);
    expect(early.released).toBe(0);
    // Reads at +21 min and +2 h are empty, but the release rule also needs 24 h since the submit started.
    world.sandbox.setClock({ advanceMs: 21 * MIN_MS });
    expect((await checkOnce(world.deps(), { policy: world.policy, runId: 'late' })).released).toBe(0);
    world.sandbox.setClock({ advanceMs: 2 * 60 * MIN_MS });
    expect((await checkOnce(world.deps(), { policy: world.policy, runId: 'later' })).released).toBe(0);
    world.sandbox.setClock({ advanceMs: 22 * 60 * MIN_MS });
    const check = await checkOnce(world.deps(), { policy: world.policy, runId: 'day' });
    expect(check.released).toBe(4);
    expect(world.sandbox.state().submissions).toHaveLength(0);
    const next = await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'retry' });
    expect(next.summary.submitted).toBe(4);
    world.sandbox.setClock({ advanceMs: 10 * MIN_MS });
    await checkOnce(world.deps(), { policy: world.policy, runId: 'done' });
    expect(world.sandbox.state().renewals).toHaveLength(4);
    expect(duplicateSubmissions(world.sandbox)).toEqual([]);
    expect(world.notifier.sent.map((m) => m.event)).toContain('unknown');
  });

  it('throttling on 30% of calls: every due domain still renewed exactly once', async () => {
    world = await startWorld({
      sandbox: { nowMs: NOW, seed: 5, fixture: portfolio(NOW, 40, 40), faults: { throttleRate: 0.3 } },
      policy: { limits: { maxBatchSize: 7 } },
    });
    const run = await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'thr' });
    expect(run.summary.submitted).toBe(40);
    expect(world.sandbox.state().requests.throttled).toBeGreaterThan(0);
    world.sandbox.setClock({ advanceMs: 5 * MIN_MS });
    const check = await checkOnce(world.deps(), { policy: world.policy, runId: 'thr-c' });
    expect(check.renewed).toBe(40);
    expect(world.sandbox.state().renewals).toHaveLength(40);
    expect(duplicateSubmissions(world.sandbox)).toEqual([]);
  });

  it('an unreachable registrar stops the run before any paid call and leaves the ledger unchanged', async () => {
    world = await startWorld({ sandbox: { nowMs: NOW, fixture: portfolio(NOW, 3) } });
    const url = world.sandbox.url;
    await world.sandbox.close();
    const { createAlibabaRegistrar } = await import('../../lib/alibaba');
    const registrar = createAlibabaRegistrar({
      endpoint: url,
      credentials: {
        get: async () => ({ accessKeyId: 'a', accessKeySecret: 'b' }),
        refresh: async () => ({ accessKeyId: 'a', accessKeySecret: 'b' }),
      },
      sleep: async () => {},
      maxAttempts: 2,
    });
    await expect(
      executeRenew(world.deps({ registrar, clock: { now: () => NOW } }), { policy: world.policy, dryRun: false }),
    ).rejects.toThrow(/QueryDomainList/);
    expect(await world.ledger.listRecentBatches(10)).toEqual([]);
    expect(world.notifier.sent.map((m) => m.event)).toEqual(['error']);
    world.sandbox = { ...world.sandbox, close: async () => {} };
  });

  it('stops starting new batches when the remaining time is under the margin', async () => {
    world = await startWorld({
      sandbox: { nowMs: NOW, fixture: portfolio(NOW, 10) },
      policy: { limits: { maxBatchSize: 2 } },
    });
    // Each batch "takes" 50 s: 150 s left before the first, 50 s (under the margin) after the second.
    const deps = world.deps({
      remainingMs: () => 150_000 - 25_000 * world.sandbox.state().submissions.length,
    });
    const run = await runRenew(deps, { policy: world.policy, dryRun: false, runId: 'tight', timeMarginMs: 60_000 });
    expect(run.summary.batches).toHaveLength(2);
    expect(run.summary.batchesLeftForTime).toBe(3);
    expect(world.sandbox.state().submissions).toHaveLength(4);
  });

  it('a TaskNo that cannot be written is logged at ERROR with the TaskNo, counted, and fails the job', async () => {
    world = await startWorld({ sandbox: { nowMs: NOW, fixture: portfolio(NOW, 2) } });
    const metrics: Record<string, number>[] = [];
    const ledger = world.ledger;
    const broken = Object.create(ledger) as typeof ledger;
    broken.saveBatch = async (batch) => {
      if (batch.status === 'SUBMITTED') throw new Error('DynamoDB unavailable (test)');
      return ledger.saveBatch(batch);
    };
    const deps = world.deps({ ledger: broken, metrics: (m) => metrics.push(m as Record<string, number>) });
    await expect(executeRenew(deps, { policy: world.policy, dryRun: false })).rejects.toThrow(
      /1 TaskNo\(s\) not recorded/,
    );
    const taskNo = world.sandbox.state().tasks[0]?.taskNo;
    expect(taskNo).toBeDefined();
    const errorLine = world.logs.find((l) => l.includes('TaskNo NOT RECORDED'));
    expect(errorLine).toContain(`"taskNo":"${taskNo}"`);
    expect(errorLine).toContain('"level":"error"');
    expect(metrics).toContainEqual({ TaskNoNotRecorded: 1 });
    // The claims stay live: a later run does not buy these domains again.
    const again = await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'later' });
    expect(again.summary.submitted).toBe(0);
    expect(duplicateSubmissions(world.sandbox)).toEqual([]);
    // And the check job recovers the TaskNo from the registrar once the safe delay has passed.
    world.sandbox.setClock({ advanceMs: 21 * MIN_MS });
    const check = await checkOnce(world.deps(), { policy: world.policy, runId: 'recover' });
    expect(check.adopted).toBe(1);
    const recorded = (await world.ledger.listRecentBatches(10)).map((b) => b.taskNo);
    expect(recorded).toContain(taskNo);
  });
});

describe('renew job: the TaskNo is written while the next batch is sent', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('sends the next batch before the first TaskNo write ends; that write failing holds nothing back', async () => {
    world = await startWorld({
      sandbox: { nowMs: NOW, fixture: portfolio(NOW, 4), taskMs: IN_FLIGHT_TASK_MS },
      policy: { limits: { maxBatchSize: 2 } },
    });
    const events: string[] = [];
    let secondSubmitStarted!: () => void;
    const secondSubmit = new Promise<void>((resolve) => {
      secondSubmitStarted = resolve;
    });
    let submits = 0;
    const registrar = {
      ...world.registrar,
      submitRenewBatch: async (request: Parameters<typeof world.registrar.submitRenewBatch>[0]) => {
        submits += 1;
        events.push(`submit ${submits}`);
        if (submits === 2) secondSubmitStarted();
        return world.registrar.submitRenewBatch(request);
      },
    };
    // The first batch's TaskNo write is held until the second submit has started (a slow, then failing, write:
    // the partial fault), and fails on every retry; every other write goes through.
    const ledger = world.ledger;
    let firstBatchId: string | undefined;
    const slow = Object.create(ledger) as typeof ledger;
    slow.saveBatch = async (batch) => {
      if (batch.status === 'SUBMITTED') firstBatchId ??= batch.batchId;
      if (batch.status === 'SUBMITTED' && firstBatchId === batch.batchId) {
        events.push('first TaskNo write');
        await secondSubmit;
        throw new Error('DynamoDB unavailable (test)');
      }
      return ledger.saveBatch(batch);
    };
    const run = await runRenew(world.deps({ registrar, ledger: slow }), {
      policy: world.policy,
      dryRun: false,
      runId: 'pipelined',
    });
    expect(events.slice(0, 3)).toEqual(['submit 1', 'first TaskNo write', 'submit 2']);
    // Results in plan order: the first batch's TaskNo not recorded (logged, counted), the second recorded.
    const tasks = world.sandbox.state().tasks.map((t) => t.taskNo);
    expect(run.summary.batches.map((b) => [b.status, b.taskNo])).toEqual([
      ['not-recorded', tasks[0]],
      ['submitted', tasks[1]],
    ]);
    expect(run.summary.taskNoNotRecorded).toBe(1);
    expect(run.summary.submitted).toBe(4);
    expect(world.logs.find((l) => l.includes('TaskNo NOT RECORDED'))).toContain(`"taskNo":"${tasks[0]}"`);
    const recorded = (await world.ledger.listRecentBatches(10)).map((b) => b.taskNo);
    expect(recorded).toContain(tasks[1]);
    expect(duplicateSubmissions(world.sandbox)).toEqual([]);
  });
});

describe('renew job: a listing that disagrees with the ledger about a domain being renewed', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('does not buy a domain again when its listed expiry changes while a renewal is in flight or confirmed', async () => {
    world = await startWorld({ sandbox: { nowMs: NOW, fixture: portfolio(NOW, 1), taskMs: IN_FLIGHT_TASK_MS } });
    const first = await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
    expect(first.summary.submitted).toBe(1);
    const listed = (await world.registrar.listDomains({}))[0]!;
    // A registrar listing that reports a slightly different expiry (e.g. a rounding or a stale cache).
    const skewed = {
      ...world.registrar,
      listDomains: async () => [{ ...listed, expiresAtMs: listed.expiresAtMs + 1_000 }],
    };
    const second = await runRenew(world.deps({ registrar: skewed }), {
      policy: world.policy,
      dryRun: false,
      runId: 'r2',
    });
    expect(second.summary.submitted).toBe(0);
    expect(second.plan.decisions[0]?.reason).toBe('in-flight');
    expect(world.sandbox.state().submissions).toHaveLength(1);
  });
});
