import { randomUUID } from 'node:crypto';
import { peerClaimsOf } from '../../lib/compose/accounts';
import { AmbiguousOutcomeError, LedgerConflictError, LedgerError, RejectedFinalError } from '../../lib/errors';
import { executeCheck, executeRenew } from '../../lib/jobs';
import { createAccountsRoom, runAccounts } from '../../lib/jobs/accounts';
import type { Claim, ClaimRequest, ClaimResult, Ledger } from '../../lib/ledger/port';
import { createLogger } from '../../lib/log';
import type { Notifier, RenderedMessage } from '../../lib/notify/port';
import { normalizeDomain } from '../../lib/registrar/domain-name';
import type { Registrar } from '../../lib/registrar/port';
import type { JobDeps } from '../../lib/renewal/deps';
import { ranTaskMark } from '../../lib/renewal/foreign-tasks';
import { DEFAULT_SETTLE_RULES, type SettleRules } from '../../lib/renewal/reconcile';
import type { RenewRun } from '../../lib/renewal/run-renew';
import type { SandboxFaults, SandboxFixtureDomain, SandboxState } from '../../lib/sandbox';
import {
  accountSections,
  alertedDomainsOf,
  doubleRenewals,
  failedEntries,
  failedKeysOf,
  falseRenewals,
  illegalResubmissions,
  type LedgerSnapshot,
  lostTasks,
  type NoticeKey,
  orphanedClaims,
  readLedger,
  repairedDomainsOf,
} from './chaos-checks';
import { type CrashController, createCrashController, SimulatedCrash, wrapCrashable } from './chaos-crash';
import { staleBalance, startWorld } from './world';

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
  /**
   * Partial faults a crash cannot model (issue 12), default on: ledger calls that fail once with a non-conditional
   * error, paid calls that execute then answer an error, queued tasks (minutes to days), a lagging task list, tasks
   * finishing out of order, look-ups truncated to the day, listings flipping IDN forms, pages shifting.
   */
  partialFaults?: boolean;
  /** Probability a ledger call fails with a transient error when partial faults are on (default 0.01). */
  ledgerFaultRate?: number;
  /** TEST-ONLY switches that reopen the holes of issue 12 items 1-5 (proves the suite catches each). */
  holes?: Holes;
  /** Registrar faults for every step instead of random ones (targets one kind of fault). */
  profile?: SandboxFaults;
  /** The ledger behind the jobs: the DynamoDB adapter on dynalite (default) or the in-memory fake (see startWorld). */
  ledger?: 'dynalite' | 'memory';
  /** Called once per simulated day (for the soak's progress line). */
  onDay?: (day: number) => void;
  /**
   * Alibaba accounts (default 1, the scenario as it always was). 2: a second sandbox account `b` with its own
   * portfolio (a few names also held by the primary, with the same expiry), its own key, client and ledger keyspace;
   * every scheduled run (and every duplicate or overlapping delivery) runs both accounts through one accounts room
   * (lib/jobs/accounts.ts), each with its own crash switch (sometimes one for the whole process), and one combined
   * digest per run; the checks run per account and the report's violations are labelled `account:`.
   */
  accounts?: 1 | 2;
  /**
   * Two accounts: probability a simulated day has a global daily cap across the accounts (AUTORENEW_GLOBAL_MAX_DOMAINS,
   * 1 to 20 domains, skewed small), which all its renew runs share (default 0.3).
   */
  globalCapRate?: number;
  /** TEST-ONLY fault switch (two accounts): account b's ledger uses the primary's keyspace ('' instead of 'b'). */
  sharedKeyspace?: boolean;
}

export interface Holes {
  /** Item 1: a claim write that fails is swallowed (the batch is then closed over a live claim). */
  swallowClaimWrites?: boolean;
  /** Item 2: release on the first empty read after the old 20-minute delay. */
  releaseOnFirstRead?: boolean;
  /** Item 3: adoption ignores task creation times and the TaskNos the ledger knows. */
  adoptAnyTask?: boolean;
  /** Item 4: any different expiry counts as renewed. */
  renewedOnAnyMove?: boolean;
  /** Item 5: an unlisted 4xx answer to the paid call counts as a refusal (nothing executed). */
  unlisted4xxFinal?: boolean;
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
  /** (domain, expiry) renewed in both accounts (M1 is per domain and expiry, whatever the account). */
  crossAccountDuplicates?: string[];
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
  /** RENEWED claims with no executed renewal of that (domain, expiry) at the registrar. */
  falseRenewed: string[];
  /** Live claims whose batch is closed or missing after the drain. */
  orphanedClaims: string[];
  /** Claims check had to repair (a healthy run never leaves one behind): `domain` per repair notice line. */
  repairs: string[];
  partial: { ledgerFaults: number; executeThenFail: number };
  /** Batches still open after the final drain. */
  openAtEnd: number;
  /** One line per batch still open after the drain (status, entries, pending notices, error). */
  openDetail: string[];
  /** Two accounts: each account's own figures (runs, crashes and violations above are over both). */
  perAccount?: { label: string; submissions: number; renewals: number; failureNotices: number }[];
  /**
   * Two accounts: renew runs under a global daily cap across the accounts, and the domains those runs left for a
   * later day because the cap (or an account's share of it) was used.
   */
  globalCap?: { runs: number; deferred: number };
  /** Two accounts: days with a global cap on which the accounts together submitted more domains than the cap. */
  globalCapExceeded?: string[];
  /** Two accounts: runs in which the whole process died (both parts and the room's publish; in `crashes` too). */
  processCrashes?: number;
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

/** A ledger whose calls fail at random with a transient, non-conditional error (the call before and after succeed). */
export function flakyAtRandom(
  ledger: Ledger,
  rng: () => number,
  rate: number,
  count: { n: number; off?: boolean },
): Ledger {
  const out = {} as Record<string, unknown>;
  for (const key of Object.keys(ledger) as (keyof Ledger)[]) {
    const fn = ledger[key] as unknown as (...a: unknown[]) => Promise<unknown>;
    if (typeof fn !== 'function') continue;
    out[key] = async (...args: unknown[]) => {
      if (!count.off && rng() < rate) {
        count.n += 1;
        throw new LedgerError(`ledger ${key} failed (chaos: transient fault)`);
      }
      return fn.apply(ledger, args);
    };
  }
  return out as unknown as Ledger;
}

/** Item 1 hole: claim writes that fail are swallowed, as markClaims once did. */
export function swallowClaimWrites(ledger: Ledger): Ledger {
  return {
    ...ledger,
    async saveClaim(claim: Claim) {
      try {
        return await ledger.saveClaim(claim);
      } catch (err) {
        if (err instanceof LedgerConflictError) throw err;
        return claim;
      }
    },
  };
}

/** Item 3 hole: the ledger forgets the TaskNos it knows, and tasks lose their creation times. */
export function forgetTaskNos(ledger: Ledger): Ledger {
  const strip = (c: Claim): Claim => {
    const { previousTaskNos: _p, ...rest } = c;
    return rest;
  };
  return {
    ...ledger,
    listClaimsForDomain: async (d) =>
      (await ledger.listClaimsForDomain(d)).map((c) => ({ ...strip(c), taskNo: undefined as never })),
    getClaims: async (k) => (await ledger.getClaims(k)).map(strip),
    // The marks that name a task of ours as run are forgotten too (a just-finished task would read as renewed
    // elsewhere, and the run would send nothing to adopt).
    getMarks: async (keys) => ledger.getMarks(keys.filter((k) => !k.startsWith(ranTaskMark('')))),
  };
}

export function withHoles(registrar: Registrar, holes: Holes): Registrar {
  return {
    ...registrar,
    listTasks: holes.adoptAnyTask
      ? async (r) => (await registrar.listTasks(r)).map(({ createdAtMs: _c, ...t }) => t)
      : registrar.listTasks,
    // Every task time unreadable, the detail rows' too, so reconcile cannot tell an older task by its creation. A
    // renew run takes such a task as someone else's just-run renewal (foreign-tasks.ts `undated`) and holds its
    // domain: scenarios that need the run to send hide the task list from renew.
    ...(holes.adoptAnyTask
      ? {
          listTaskDetails: async (no: string) =>
            (await registrar.listTaskDetails(no)).map(({ updatedAtMs: _u, ...d }) => d),
        }
      : {}),
    submitRenewBatch: holes.unlisted4xxFinal
      ? async (req) => {
          try {
            return await registrar.submitRenewBatch(req);
          } catch (err) {
            const status = err instanceof AmbiguousOutcomeError ? err.context.httpStatus : undefined;
            if (err instanceof AmbiguousOutcomeError && status !== undefined && status >= 400 && status < 500) {
              throw new RejectedFinalError(err.message, err.context);
            }
            throw err;
          }
        }
      : registrar.submitRenewBatch,
  };
}

function buildPortfolio(
  o: Required<Pick<ChaosOptions, 'domains' | 'failingDomains'>>,
  startMs: number,
  spreadDays: number,
  /** Name prefix (the second account's portfolio) and an offset of its expiries, ms. */
  variant: { prefix: string; offsetMs: number } = { prefix: '', offsetMs: 0 },
) {
  const domains: SandboxFixtureDomain[] = [];
  const p = variant.prefix;
  for (let i = 0; i < o.domains; i++) {
    const failing = i < o.failingDomains;
    domains.push({
      // Every 7th name is an IDN, so listings that flip between Unicode and punycode are exercised.
      domainName: failing ? `${p}pricey${i}.com` : i % 7 === 3 ? `混沌${p}${i}.中国` : `${p}chaos${i}.com`,
      // Expiries from 2 days to spreadDays ahead, at odd times of day.
      expiresAtMs:
        startMs + 2 * DAY_MS + Math.floor(((spreadDays - 2) * DAY_MS * i) / o.domains) + i * 37_000 + variant.offsetMs,
      ...(failing ? { price: 1e12 } : {}),
    });
  }
  return { domains, balance: 1e11 };
}

/**
 * The second account's portfolio: the same generator under the prefix `b`, expiries a few hours later, and the last
 * few entries replaced by names the primary also holds, with the primary's exact expiry (same claim key in two
 * keyspaces): one that fails in the primary but renews in b, one that renews in the primary but fails in b, and
 * two (one an IDN) that renew in both. A name held by both at one expiry is one (domain, expiry): two keys of one
 * Alibaba account, or a domain pushed between accounts. It is bought once, by whichever account takes it first in
 * a run (JobDeps.runClaims), never by both (the check `bought by both accounts`), and where it fails in that
 * account the other may still buy it on a later run. Its own failing name, expiring mid-scenario, keeps b's
 * failures notified whichever account takes the shared ones.
 */
function secondPortfolio(
  primary: SandboxFixtureDomain[],
  o: Required<Pick<ChaosOptions, 'domains' | 'failingDomains'>>,
  startMs: number,
  spreadDays: number,
) {
  const own = buildPortfolio(o, startMs, spreadDays, { prefix: 'b', offsetMs: 5 * HOUR_MS + 1_234 });
  const normal = primary.filter((d) => d.price === undefined);
  const pick = (pred: (d: SandboxFixtureDomain) => boolean) => normal.find(pred);
  const shared: SandboxFixtureDomain[] = [];
  const failingInPrimary = primary.find((d) => d.price !== undefined);
  if (failingInPrimary)
    shared.push({ domainName: failingInPrimary.domainName, expiresAtMs: failingInPrimary.expiresAtMs });
  const ascii = normal.filter((d) => /^[a-z0-9.-]+$/.test(d.domainName));
  const failingInB = ascii[0];
  if (failingInB) shared.push({ ...failingInB, price: 1e12 });
  for (const d of ascii.slice(1, 2)) shared.push({ ...d });
  const idn = pick((d) => !/^[a-z0-9.-]+$/.test(d.domainName));
  if (idn) shared.push({ ...idn });
  const keep = Math.max(o.failingDomains, own.domains.length - shared.length);
  const lateFailing = {
    domainName: 'bpricey-late.com',
    expiresAtMs: startMs + (spreadDays / 2) * DAY_MS + 12_345,
    price: 1e12,
  };
  return { domains: [...own.domains.slice(0, keep), ...shared, lateFailing], balance: own.balance };
}

/** One account of a chaos run: its sandbox name, label in digests, and ports (wrapped with the run's faults). */
interface ChaosAccount {
  name: string;
  label: string;
  ledger: Ledger;
  registrar: Registrar;
  billing?: JobDeps['billing'];
  /** The unwrapped ledger view, for the final snapshot. */
  plainLedger: Ledger;
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
  const spreadDays = options.spreadDays ?? Math.min(options.days, 365);
  const fixture = buildPortfolio({ domains: domainCount, failingDomains }, startMs, spreadDays);
  const two = options.accounts === 2;
  const world = await startWorld({
    sandbox: {
      nowMs: startMs,
      seed: options.seed,
      fixture,
      rejectStaleExpiry: false,
      taskMs: 60_000,
      ...(two
        ? {
            accounts: [
              {
                name: 'b',
                accessKeyId: 'chaos-b-key-id',
                accessKeySecret: 'chaos-b-key-secret',
                fixture: secondPortfolio(
                  fixture.domains,
                  { domains: domainCount, failingDomains },
                  startMs,
                  spreadDays,
                ),
              },
            ],
          }
        : {}),
    },
    policy: {
      window: { daysBeforeExpiry: 30, daysAfterExpiry: 0 },
      limits: { maxBatchSize: 7, maxDomainsPerRun: 10_000, maxAttempts: 3, retryAfterHours: 24 },
    },
    ...(options.ledger ? { ledger: options.ledger } : {}),
  });
  const holes = options.holes ?? {};
  const partial = options.partialFaults ?? true;
  const ledgerFaults: { n: number; off?: boolean } = { n: 0 };
  const faultyLedger = (base: Ledger, random: () => number): Ledger => {
    let ledger: Ledger = options.breakClaims ? breakClaimCondition(base) : base;
    if (partial) ledger = flakyAtRandom(ledger, random, options.ledgerFaultRate ?? 0.01, ledgerFaults);
    if (holes.swallowClaimWrites) ledger = swallowClaimWrites(ledger);
    if (holes.adoptAnyTask) ledger = forgetTaskNos(ledger);
    return ledger;
  };
  const accounts: ChaosAccount[] = [
    {
      name: '',
      label: 'default',
      // Two accounts: each its own stream of ledger faults (the parts run concurrently, and a stream shared with the
      // schedule would tie the whole scenario to how their calls interleave); one account: the schedule's, as always.
      ledger: faultyLedger(world.ledger, two ? createRng(options.seed ^ 0x27d4eb2f) : rng),
      registrar: withHoles(world.registrar, holes),
      plainLedger: world.ledger,
    },
  ];
  if (two) {
    const b = world.account('b', options.sharedKeyspace ? '' : 'b');
    accounts.push({
      name: 'b',
      label: 'b',
      ledger: faultyLedger(b.ledger, createRng(options.seed ^ 0x5bd1e995)),
      registrar: withHoles(b.registrar, holes),
      billing: b.billing,
      plainLedger: b.ledger,
    });
  }
  const rules: SettleRules = {
    ...DEFAULT_SETTLE_RULES,
    ...(holes.releaseOnFirstRead ? { releaseAfterMs: 20 * 60_000, releaseReadGapMs: 0 } : {}),
    ...(holes.renewedOnAnyMove
      ? {
          judgeExpiry: (old: number, _y: number, now: number): 'unchanged' | 'renewed' =>
            now === old ? 'unchanged' : 'renewed',
        }
      : {}),
  };
  const crashRate = options.crashRate ?? 0.3;
  const overlapRate = options.overlapRate ?? 0.3;
  const faultRate = options.faultRate ?? 0.5;
  const globalCapRate = options.globalCapRate ?? 0.3;
  const report = { renewRuns: 0, checkRuns: 0, crashes: 0, failedRuns: 0 };
  const globalCapped = { runs: 0, deferred: 0 };
  let processCrashes = 0;
  /** Two accounts: the global daily cap of each simulated day that had one (all its renew runs share it). */
  const capOfDay = new Map<number, number>();
  /** What reached people, per account (a combined digest is split into its accounts' sections). */
  const published: { account: string; message: RenderedMessage; ctl: CrashController }[] = [];
  const log = createLogger({ level: 'error', sink: () => {} });

  /** A run's crash switch: armed at a random call among the first `maxCall` when `crash`. */
  function crashSwitch(crash: boolean, maxCall: number): CrashController {
    return createCrashController(
      crash ? { atCall: 1 + Math.floor(rng() * maxCall), afterEffect: rng() < 0.5 } : undefined,
    );
  }

  function runDeps(
    account: ChaosAccount,
    ctl: CrashController,
    stale: boolean,
    notifierOf: (ctl: CrashController) => Notifier,
  ) {
    const deps = world.deps({
      ledger: wrapCrashable(account.ledger, ctl, 'ledger'),
      registrar: wrapCrashable(account.registrar, ctl, 'registrar'),
      notifier: wrapCrashable(notifierOf(ctl), ctl, 'notifier'),
      log,
      newId: randomUUID,
      ...(account.billing ? { billing: account.billing } : {}),
      ...(stale ? staleBalance(1e15) : {}),
    });
    return { deps, ctl };
  }

  async function runJob(job: 'renew' | 'check', allowCrash: boolean, globalCap?: number): Promise<void> {
    if (two) return runJobOverAccounts(job, allowCrash, globalCap);
    // A check with nothing open makes ~3 calls; a renew ~20 per batch.
    // Every other renew run reads a stale balance (the money went elsewhere before the charge): both the pre-check
    // (deferred, never sent) and the registrar's own refusal for balance (failed, notified) are exercised.
    const stale = job === 'renew' && report.renewRuns % 2 === 0;
    const account = accounts[0] as ChaosAccount;
    const ctl = crashSwitch(allowCrash && rng() < crashRate, job === 'renew' ? 60 : 8);
    const { deps } = runDeps(account, ctl, stale, (c) => ({
      publish: async (message) => {
        published.push({ account: account.label, message, ctl: c });
        return {};
      },
    }));
    try {
      if (job === 'renew') {
        report.renewRuns += 1;
        await executeRenew(deps, { policy: world.policy, dryRun: false });
      } else {
        report.checkRuns += 1;
        await executeCheck(deps, { policy: world.policy, rules });
      }
    } catch (err) {
      if (!ctl.dead && !(err instanceof SimulatedCrash)) report.failedRuns += 1;
    }
    if (ctl.dead) report.crashes += 1;
  }

  /**
   * One scheduled run over both accounts, as handlers/renew.ts and handlers/check.ts do it: one room, each account's
   * part concurrently with its own ports and crash switch (a part that dies leaves the other running), one combined
   * message to the recording notifier. Sometimes the whole process dies instead (a Lambda timeout or OOM): one switch
   * for both parts and the room's publish. `globalCap`: the day's global daily cap across the accounts, if any.
   */
  async function runJobOverAccounts(job: 'renew' | 'check', allowCrash: boolean, globalCap?: number): Promise<void> {
    const stale = job === 'renew' && report.renewRuns % 2 === 0;
    if (job === 'renew') report.renewRuns += 1;
    else report.checkRuns += 1;
    const runId = randomUUID();
    if (globalCap !== undefined) globalCapped.runs += 1;
    const maxCall = job === 'renew' ? 60 : 8;
    const processCrash = allowCrash && rng() < crashRate / 3 ? crashSwitch(true, 2 * maxCall) : undefined;
    const ctls = new Map<string, CrashController>();
    const recorder: Notifier = {
      publish: async (message) => {
        const sections = accountSections(message);
        if (sections.length === 0) published.push({ account: '(no section)', message, ctl: createCrashController() });
        for (const section of sections) {
          published.push({
            account: section.label,
            message: section.message,
            ctl: ctls.get(section.label) ?? createCrashController(),
          });
        }
        return {};
      },
    };
    const primary = processCrash ? wrapCrashable(recorder, processCrash, 'notifier') : recorder;
    const room = createAccountsRoom({
      job,
      runId,
      labels: accounts.map((a) => a.label),
      primary,
      log,
      ...(globalCap !== undefined ? { globalCap } : {}),
    });
    const parts = accounts.map((account) => {
      const ctl = processCrash ?? crashSwitch(allowCrash && rng() < crashRate, maxCall);
      const { deps: own } = runDeps(account, ctl, stale, () => room.notifierFor(account.label));
      // As compose/accounts.ts wires an account of several: the others' keyspaces for the planner, and the room's
      // run-wide claim keys before each paid call (a name both hold at one expiry is one renewal, M1).
      const take = room.claimsFor(account.label);
      const peers = accounts.filter((o) => o !== account).map((o) => o.plainLedger);
      const deps: JobDeps = {
        ...own,
        ...(take ? { runClaims: take } : {}),
        ...(options.sharedKeyspace ? {} : { peerClaims: peerClaimsOf(peers) }),
      };
      ctls.set(account.label, ctl);
      const share = room.shareFor(account.label);
      return {
        label: account.label,
        deps,
        ...(share && globalCap !== undefined ? { global: { cap: globalCap, share } } : {}),
      };
    });
    const results = await runAccounts(
      room,
      runId,
      parts,
      (part): Promise<unknown> =>
        job === 'renew'
          ? executeRenew(part.deps, {
              policy: world.policy,
              dryRun: false,
              runId,
              ...(part.global ? { global: part.global } : {}),
            })
          : executeCheck(part.deps, { policy: world.policy, rules, runId }),
    );
    for (const result of results) {
      const ctl = ctls.get(result.label) as CrashController;
      if (!result.ok && !ctl.dead && !(result.error instanceof SimulatedCrash)) report.failedRuns += 1;
      if (ctl.dead && !processCrash) report.crashes += 1;
      const summary = result.ok ? (result.value as Partial<RenewRun>).summary : undefined;
      if (globalCap !== undefined && summary) globalCapped.deferred += summary.overBudget;
    }
    if (processCrash?.dead) {
      report.crashes += 1;
      processCrashes += 1;
    }
  }

  function randomFaults(): SandboxFaults {
    if (options.profile) return options.profile;
    if (rng() >= faultRate) return {};
    const classic = {
      latencyMs: Math.floor(rng() * 3),
      throttleRate: rng() * 0.2,
      errorRate: rng() * 0.1,
      loseRate: rng() * 0.1,
    };
    if (!partial) return classic;
    return {
      ...classic,
      executeThenFailRate: rng() * 0.15,
      executeThenFailStatus: rng() < 0.5 ? 400 : 503,
      executeThenFailCode: 'InternalError.Backend',
      // Most tasks wait minutes; some wait in the queue for up to two days.
      taskQueueMs: rng() < 0.2 ? Math.floor(rng() * 2 * DAY_MS) : Math.floor(rng() * 30 * 60_000),
      taskListLagMs: Math.floor(rng() * 2 * HOUR_MS),
      taskJitterMs: Math.floor(rng() * 6 * HOUR_MS),
      expiryTruncation: rng() < 0.1 ? ('day' as const) : ('none' as const),
      nameFormFlipRate: rng() * 0.5,
      pageShiftRate: rng() < 0.1 ? 0.05 : 0,
    };
  }

  try {
    const stepsPerDay = Math.max(1, Math.round(DAY_MS / stepMs));
    // Steps longer than a day (the soak's) skip days: the jobs then run every `daysPerStep` days.
    const daysPerStep = Math.max(1, Math.floor(stepMs / DAY_MS));
    for (let day = 0; day < options.days; day += daysPerStep) {
      for (let d = day; d < day + daysPerStep; d++) options.onDay?.(d);
      for (let step = 0; step < stepsPerDay; step++) {
        world.sandbox.setClock({ nowMs: startMs + day * DAY_MS + step * stepMs });
        world.sandbox.setFaults(randomFaults());
        if (step === 0) {
          // Mostly small caps (1 to 20, skewed low), so that a slow portfolio (the soak's) meets them too.
          const cap = two && rng() < globalCapRate ? 1 + Math.floor(rng() * rng() * 20) : undefined;
          if (cap !== undefined) capOfDay.set(day, cap);
          if (rng() < overlapRate) await Promise.all([runJob('renew', true, cap), runJob('renew', true, cap)]);
          else await runJob('renew', true, cap);
        }
        await runJob('check', true);
        if (rng() < 0.1) await runJob('check', true); // a duplicate delivery of the schedule
      }
    }
    // Drain: no faults, no crashes; let queued tasks finish and unknown submits meet the release rule (24 h, two
    // reads 1 h apart): checks every 2 h for 3 days.
    world.sandbox.setFaults({});
    ledgerFaults.off = true;
    const endMs = startMs + options.days * DAY_MS;
    const drainSteps = partial || holes.releaseOnFirstRead ? 36 : 4;
    for (let i = 0; i < drainSteps; i++) {
      world.sandbox.setClock({ nowMs: endMs + (i + 1) * 2 * HOUR_MS });
      await runJob('check', false);
    }
    const openAtEnd = (await Promise.all(accounts.map((a) => a.plainLedger.listOpenBatches()))).flat();
    const perAccount: AccountChecks[] = [];
    const submittedOnDay = new Map<number, number>();
    for (const account of accounts) {
      const state = account.name === '' ? world.sandbox.state() : world.sandbox.state(account.name);
      for (const s of state.submissions) {
        const day = Math.floor((s.atMs - startMs) / DAY_MS);
        submittedOnDay.set(day, (submittedOnDay.get(day) ?? 0) + 1);
      }
      const names = state.domains.map((d) => d.domainName);
      const snapshot = await readLedger(account.plainLedger, names);
      const mine = published.filter((p) => p.account === account.label);
      perAccount.push(checkAccount(account.label, state, snapshot, mine));
    }
    // Notices nobody can attribute to an account (a combined message without account sections).
    const unattributed = published.filter((p) => !accounts.some((a) => a.label === p.account));
    const label = (a: AccountChecks, list: readonly string[]) => (two ? list.map((x) => `${a.label}:${x}`) : list);
    const all = (pick: (a: AccountChecks) => readonly string[]) => perAccount.flatMap((a) => label(a, pick(a)));
    const state = world.sandbox.state();
    const submittedBy = new Map<string, Set<string>>();
    for (const account of accounts) {
      const own = account.name === '' ? state : world.sandbox.state(account.name);
      for (const s of own.renewals) {
        const key = `${normalizeDomain(s.domainName)}@${new Date(s.fromExpiryMs).toISOString()}`;
        submittedBy.set(key, new Set([...(submittedBy.get(key) ?? []), account.label]));
      }
    }
    return {
      seed: options.seed,
      days: options.days,
      ...report,
      // Request counters are sandbox-wide (every account's requests).
      faultsInjected: {
        throttled: state.requests.throttled,
        errored: state.requests.errored,
        lost: state.requests.lost,
      },
      submissions: perAccount.reduce((n, a) => n + a.submissions, 0),
      renewals: perAccount.reduce((n, a) => n + a.renewals, 0),
      duplicates: all((a) => a.duplicates),
      doubleRenewals: all((a) => a.doubleRenewals),
      lostTasks: all((a) => a.lostTasks),
      silentlyLapsed: all((a) => a.silentlyLapsed),
      unnotifiedFailures: all((a) => a.unnotifiedFailures),
      repeatedFailureNotices: all((a) => a.repeatedFailureNotices),
      failureNotices: perAccount.reduce((n, a) => n + a.failureNotices, 0),
      falseRenewed: all((a) => a.falseRenewed),
      orphanedClaims: all((a) => a.orphanedClaims),
      repairs: [...all((a) => a.repairs), ...unattributed.map((p) => `${p.account}:${p.message.subject}`)],
      partial: { ledgerFaults: ledgerFaults.n, executeThenFail: state.requests.executeThenFailed ?? 0 },
      openAtEnd: openAtEnd.length,
      openDetail: openAtEnd.map(
        (b) =>
          `${b.status} ${b.entries.map((e) => `${e.domain}=${e.outcome ?? 'open'}`).join(' ')} pending=[${b.pendingNotices.join(',')}] sent=[${b.sentNotices.join(',')}] start=${b.submitStartedAtMs} created=${b.createdAtMs} reads=${b.emptyTaskReadsAtMs?.length ?? 0} moved=${JSON.stringify(b.movedExpiries ?? [])} ${b.error?.message ?? ''}`,
      ),
      ...(two
        ? {
            perAccount: perAccount.map((a) => ({
              label: a.label,
              submissions: a.submissions,
              renewals: a.renewals,
              failureNotices: a.failureNotices,
            })),
            globalCap: globalCapped,
            crossAccountDuplicates: [...submittedBy].filter(([, by]) => by.size > 1).map(([key]) => key),
            globalCapExceeded: [...capOfDay]
              .filter(([day, cap]) => (submittedOnDay.get(day) ?? 0) > cap)
              .map(([day, cap]) => `day ${day}: ${submittedOnDay.get(day)} submitted, cap ${cap}`),
            processCrashes,
          }
        : {}),
      elapsedMs: Date.now() - started,
    };
  } finally {
    await world.stop();
  }
}

/** The checks of one account: its sandbox records, its ledger keyspace, and the notices of its own sections. */
type AccountChecks = { label: string } & Pick<
  ChaosReport,
  | 'submissions'
  | 'renewals'
  | 'duplicates'
  | 'doubleRenewals'
  | 'lostTasks'
  | 'silentlyLapsed'
  | 'unnotifiedFailures'
  | 'repeatedFailureNotices'
  | 'failureNotices'
  | 'falseRenewed'
  | 'orphanedClaims'
  | 'repairs'
>;

function checkAccount(
  label: string,
  state: SandboxState,
  snapshot: LedgerSnapshot,
  published: readonly { message: RenderedMessage; ctl: CrashController }[],
): AccountChecks {
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
  const alerted = new Set(published.flatMap(({ message }) => alertedDomainsOf(message)));
  const nowMs = state.nowMs;
  return {
    label,
    submissions: state.submissions.length,
    renewals: state.renewals.length,
    duplicates: illegalResubmissions(state),
    doubleRenewals: doubleRenewals(state),
    lostTasks: lostTasks(state, snapshot),
    silentlyLapsed: state.domains
      .filter((d) => d.expiresAtMs < nowMs && !alerted.has(normalizeDomain(d.domainName)))
      .map((d) => d.domainName),
    unnotifiedFailures: failed.filter((k) => !noticeCounts.has(k)),
    repeatedFailureNotices: [...noticeCounts].filter(([k, n]) => n > 1 + (excused.get(k) ?? 0)).map(([k]) => k),
    failureNotices: [...noticeCounts.values()].reduce((a, b) => a + b, 0),
    falseRenewed: falseRenewals(state, snapshot),
    orphanedClaims: orphanedClaims(snapshot),
    repairs: published.flatMap(({ message }) => repairedDomainsOf(message)),
  };
}

/** One line per violation kind, empty when the run was clean; for assertion messages. */
export function describeViolations(r: ChaosReport): string[] {
  const out: string[] = [];
  const add = (name: string, list: readonly string[]) => {
    if (list.length > 0) out.push(`${name} (${list.length}): ${list.slice(0, 5).join(', ')}`);
  };
  add('duplicate submissions', r.duplicates);
  add('bought by both accounts', r.crossAccountDuplicates ?? []);
  add('double renewals', r.doubleRenewals);
  add('lost tasks', r.lostTasks);
  add('silently lapsed domains', r.silentlyLapsed);
  add('unnotified failures', r.unnotifiedFailures);
  add('repeated failure notices', r.repeatedFailureNotices);
  add('false renewed', r.falseRenewed);
  add('orphaned claims', r.orphanedClaims);
  add('claims left live under a closed batch (repaired by the sweep)', r.repairs);
  add('global daily cap exceeded', r.globalCapExceeded ?? []);
  return out;
}
