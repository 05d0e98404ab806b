import { randomUUID } from 'node:crypto';
import { executeCheck, executeRenew } from '../../lib/jobs';
import type { ClaimRequest, ClaimResult, Ledger } from '../../lib/ledger/port';
import { createLogger } from '../../lib/log';
import type { Notifier, RenderedMessage } from '../../lib/notify/port';
import type { SandboxFixtureDomain } from '../../lib/sandbox';
import {
  doubleRenewals,
  failedEntries,
  failedKeysOf,
  illegalResubmissions,
  lostTasks,
  type NoticeKey,
  readLedger,
} from './chaos-checks';
import { type CrashController, createCrashController, SimulatedCrash, wrapCrashable } from './chaos-crash';
import { startWorld } from './world';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface ChaosOptions {
  seed: number;
  /** Simulated days to run (renew once a day, check every step). */
  days: number;
  /** Simulated hours between steps (default 6). */
  stepHours?: number;
  /** Portfolio size (default 60); expiries spread over `spreadDays` from the start. */
  domains?: number;
  /** Days over which the first expiries are spread (default: min(days, 365)). */
  spreadDays?: number;
  /** Domains whose renewal always fails at the registrar (price above the balance). Default 2. */
  failingDomains?: number;
  /** Probability a run is armed with a crash (default 0.3). */
  crashRate?: number;
  /** Probability the daily renew is delivered twice, as two overlapping runs (default 0.3). */
  overlapRate?: number;
  /** Probability of a step with random registrar faults (default 0.5). */
  faultRate?: number;
  /** TEST-ONLY fault switch: the ledger's claim ignores its condition (proves the checks can fail). */
  breakClaims?: boolean;
  /** Called once per simulated day (for the soak's progress line). */
  onDay?: (day: number) => void;
}

export interface ChaosReport {
  seed: number;
  days: number;
  renewRuns: number;
  checkRuns: number;
  crashes: number;
  /** Runs that failed on their own (not crashed): registrar or ledger trouble under faults. */
  failedRuns: number;
  faultsInjected: { throttled: number; errored: number; lost: number };
  submissions: number;
  renewals: number;
  /** (domain, expiry) submitted again without the registrar having reported the earlier attempt failed (M1). */
  duplicates: string[];
  /** Renewals executed twice from the same expiry (money spent twice). */
  doubleRenewals: string[];
  /** Tasks the sandbox accepted whose TaskNo the ledger does not know (M2). */
  lostTasks: string[];
  /** Domains that expired without a renewal or a failure notice. */
  silentlyLapsed: string[];
  /** FAILED outcomes in the ledger never notified. */
  unnotifiedFailures: NoticeKey[];
  /** Failures notified more than once, beyond the at-least-once repeat a crash right after a publish allows. */
  repeatedFailureNotices: NoticeKey[];
  failureNotices: number;
  /** Batches still open after the final drain. */
  openAtEnd: number;
  elapsedMs: number;
}

/** Small seeded PRNG (mulberry32): the whole scenario is a function of the seed. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** TEST-ONLY: a ledger whose claim takes over any existing claim, ignoring the condition (the M1 guard). */
export function breakClaimCondition(ledger: Ledger): Ledger {
  return {
    ...ledger,
    async claim(request: ClaimRequest): Promise<ClaimResult> {
      const result = await ledger.claim(request);
      if (result.ok) return result;
      const forced = {
        ...result.existing,
        status: 'CLAIMED' as const,
        batchId: request.batchId,
        attemptId: request.attemptId,
        years: request.years,
        claimedAtMs: request.nowMs,
        updatedAtMs: request.nowMs,
      };
      try {
        return { ok: true, claim: await ledger.saveClaim(forced) };
      } catch {
        return { ok: true, claim: forced };
      }
    },
  };
}

function buildPortfolio(
  o: Required<Pick<ChaosOptions, 'domains' | 'failingDomains'>>,
  startMs: number,
  spreadDays: number,
) {
  const domains: SandboxFixtureDomain[] = [];
  for (let i = 0; i < o.domains; i++) {
    const failing = i < o.failingDomains;
    domains.push({
      domainName: failing ? `pricey${i}.com` : `chaos${i}.com`,
      // Expiries from 2 days to spreadDays ahead, at odd times of day.
      expiresAtMs: startMs + 2 * DAY_MS + Math.floor(((spreadDays - 2) * DAY_MS * i) / o.domains) + i * 37_000,
      ...(failing ? { price: 1e12 } : {}),
    });
  }
  return { domains, balance: 1e11 };
}

/**
 * Runs the chaos scenario: a portfolio whose domains keep coming due, renew daily (sometimes delivered twice as
 * overlapping runs), check every step (sometimes delivered twice), random registrar faults, random in-process crashes
 * at any ledger/registrar/notifier call; then a fault-free drain; then the money-safety checks. Never throws for a
 * failed check: the report lists the violations (the caller asserts and prints the seed).
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const rng = createRng(options.seed);
  const stepMs = (options.stepHours ?? 6) * HOUR_MS;
  const startMs = Date.UTC(2026, 0, 1);
  const domainCount = options.domains ?? 60;
  const failingDomains = options.failingDomains ?? 2;
  const fixture = buildPortfolio(
    { domains: domainCount, failingDomains },
    startMs,
    options.spreadDays ?? Math.min(options.days, 365),
  );
  const world = await startWorld({
    sandbox: { nowMs: startMs, seed: options.seed, fixture, rejectStaleExpiry: false, taskMs: 60_000 },
    policy: {
      window: { daysBeforeExpiry: 30, daysAfterExpiry: 0 },
      limits: { maxBatchSize: 7, maxDomainsPerRun: 10_000, maxAttempts: 3, retryAfterHours: 24 },
    },
  });
  const ledger = options.breakClaims ? breakClaimCondition(world.ledger) : world.ledger;
  const crashRate = options.crashRate ?? 0.3;
  const overlapRate = options.overlapRate ?? 0.3;
  const faultRate = options.faultRate ?? 0.5;
  const report = { renewRuns: 0, checkRuns: 0, crashes: 0, failedRuns: 0 };
  const published: { message: RenderedMessage; ctl: CrashController }[] = [];
  const log = createLogger({ level: 'error', sink: () => {} });

  function runDeps(crash: boolean, maxCall: number) {
    const ctl = createCrashController(
      crash ? { atCall: 1 + Math.floor(rng() * maxCall), afterEffect: rng() < 0.5 } : undefined,
    );
    const notifier: Notifier = {
      publish: async (message) => {
        published.push({ message, ctl });
        return {};
      },
    };
    const deps = world.deps({
      ledger: wrapCrashable(ledger, ctl, 'ledger'),
      registrar: wrapCrashable(world.registrar, ctl, 'registrar'),
      notifier: wrapCrashable(notifier, ctl, 'notifier'),
      log,
      newId: randomUUID,
    });
    return { deps, ctl };
  }

  async function runJob(job: 'renew' | 'check', allowCrash: boolean): Promise<void> {
    // A check with nothing open makes ~3 calls; a renew ~20 per batch.
    const { deps, ctl } = runDeps(allowCrash && rng() < crashRate, job === 'renew' ? 60 : 8);
    try {
      if (job === 'renew') {
        report.renewRuns += 1;
        await executeRenew(deps, { policy: world.policy, dryRun: false });
      } else {
        report.checkRuns += 1;
        await executeCheck(deps, { policy: world.policy });
      }
    } catch (err) {
      if (!ctl.dead && !(err instanceof SimulatedCrash)) report.failedRuns += 1;
    }
    if (ctl.dead) report.crashes += 1;
  }

  function randomFaults() {
    if (rng() >= faultRate) return {};
    return {
      latencyMs: Math.floor(rng() * 3),
      throttleRate: rng() * 0.2,
      errorRate: rng() * 0.1,
      loseRate: rng() * 0.1,
    };
  }

  try {
    const stepsPerDay = Math.max(1, Math.round(DAY_MS / stepMs));
    for (let day = 0; day < options.days; day++) {
      options.onDay?.(day);
      for (let step = 0; step < stepsPerDay; step++) {
        world.sandbox.setClock({ nowMs: startMs + day * DAY_MS + step * stepMs });
        world.sandbox.setFaults(randomFaults());
        if (step === 0) {
          if (rng() < overlapRate) await Promise.all([runJob('renew', true), runJob('renew', true)]);
          else await runJob('renew', true);
        }
        await runJob('check', true);
        if (rng() < 0.1) await runJob('check', true); // a duplicate delivery of the schedule
      }
    }
    // Drain: no faults, no crashes; let tasks finish and unknown submits pass the safe delay.
    world.sandbox.setFaults({});
    const endMs = startMs + options.days * DAY_MS;
    for (let i = 0; i < 4; i++) {
      world.sandbox.setClock({ nowMs: endMs + (i + 1) * HOUR_MS });
      await runJob('check', false);
    }
    const state = world.sandbox.state();
    const names = state.domains.map((d) => d.domainName);
    const snapshot = await readLedger(world.ledger, names);

    const noticeCounts = new Map<NoticeKey, number>();
    const excused = new Map<NoticeKey, number>();
    for (const { message, ctl } of published) {
      for (const key of failedKeysOf(message)) {
        noticeCounts.set(key, (noticeCounts.get(key) ?? 0) + 1);
        // At-least-once delivery: a run that dies after its publish, before marking it sent, repeats it once.
        if (ctl.dead) excused.set(key, (excused.get(key) ?? 0) + 1);
      }
    }
    const failed = failedEntries(snapshot);
    const notifiedDomains = new Set([...noticeCounts.keys()].map((k) => k.split('|')[0]));
    const nowMs = state.nowMs;
    return {
      seed: options.seed,
      days: options.days,
      ...report,
      faultsInjected: {
        throttled: state.requests.throttled,
        errored: state.requests.errored,
        lost: state.requests.lost,
      },
      submissions: state.submissions.length,
      renewals: state.renewals.length,
      duplicates: illegalResubmissions(state),
      doubleRenewals: doubleRenewals(state),
      lostTasks: lostTasks(state, snapshot),
      silentlyLapsed: state.domains
        .filter((d) => d.expiresAtMs < nowMs && !notifiedDomains.has(d.domainName.toLowerCase()))
        .map((d) => d.domainName),
      unnotifiedFailures: failed.filter((k) => !noticeCounts.has(k)),
      repeatedFailureNotices: [...noticeCounts].filter(([k, n]) => n > 1 + (excused.get(k) ?? 0)).map(([k]) => k),
      failureNotices: [...noticeCounts.values()].reduce((a, b) => a + b, 0),
      openAtEnd: (await world.ledger.listOpenBatches()).length,
      elapsedMs: Date.now() - started,
    };
  } finally {
    await world.stop();
  }
}

/** One line per violation kind, empty when the run was clean; for assertion messages. */
export function describeViolations(r: ChaosReport): string[] {
  const out: string[] = [];
  const add = (name: string, list: readonly string[]) => {
    if (list.length > 0) out.push(`${name} (${list.length}): ${list.slice(0, 5).join(', ')}`);
  };
  add('duplicate submissions', r.duplicates);
  add('double renewals', r.doubleRenewals);
  add('lost tasks', r.lostTasks);
  add('silently lapsed domains', r.silentlyLapsed);
  add('unnotified failures', r.unnotifiedFailures);
  add('repeated failure notices', r.repeatedFailureNotices);
  return out;
}
