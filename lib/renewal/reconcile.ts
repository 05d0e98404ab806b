import type { Batch, BatchEntry, Claim } from '../ledger/port';
import { describeError } from '../log';
import type { Policy } from '../policy/schema';
import type { TaskInfo } from '../registrar/port';
import { costOf, giveBack, periodsTaken } from './budgets';
import { applyToClaims, isLive, transitions } from './claims';
import { DAY_MS, HOUR_MS } from './dates';
import type { JobDeps } from './deps';
import { judgeExpiry } from './expiry';
import { isRenewalTask, JUST_RENEWED_MS, queuedTaskMark } from './foreign-tasks';
import { readKnownElsewhere } from './known-tasks';
import { storedLastBuyMs } from './plan';
import { rowsByDomain } from './task-rows';
import { createOutOfTime } from './time-margin';

/**
 * How long after a submit was started before an UNKNOWN or stale INTENT batch is first read against the
 * registrar's records. A read this early is only a first look: nothing is released on it (see the release rule).
 */
export const SAFE_RECONCILE_DELAY_MS = 20 * 60_000;
/** The release rule needs two empty task-list reads at least this far apart, ms. */
export const RELEASE_READ_GAP_MS = HOUR_MS;
/** A task created this long before the recorded submit start may still be ours (clock skew between us and Alibaba). */
export const TASK_CLOCK_SKEW_MS = 10 * 60_000;

/**
 * The rules check settles by. Production always uses DEFAULT_SETTLE_RULES (with the policy's releaseAfterHours);
 * the chaos suite swaps single rules for weaker ones to show it catches the holes they would reopen (TEST-ONLY).
 */
export interface SettleRules {
  /** Minimum gap between the two empty task-list reads a release needs, ms. */
  releaseReadGapMs: number;
  /** Overrides limits.releaseAfterHours (TEST-ONLY; the policy never allows less than 24 h). */
  releaseAfterMs?: number;
  judgeExpiry: typeof judgeExpiry;
}

export const DEFAULT_SETTLE_RULES: SettleRules = { releaseReadGapMs: RELEASE_READ_GAP_MS, judgeExpiry };

export type ReconcileResult =
  | { kind: 'waiting'; batch: Batch }
  | { kind: 'adopted'; batch: Batch }
  | { kind: 'released'; batch: Batch; released: number };

/** One batch's view of the registrar's task list: what may be ours, and what merely touches our domains. */
interface TaskSearch {
  /** Tasks created at or after the submit start (minus skew) whose domains are exactly the batch's. */
  exact: string[];
  /** Every unknown renewal task in the read range that contains any of the batch's domains. */
  touching: string[];
  /** Those of `touching` not finished yet: something may still execute for the batch while any is left. */
  unfinished: string[];
  /**
   * Finished tasks that read short and ran less than JUST_RENEWED_MS ago: they may have renewed one of the batch's
   * domains while its expiry still lags, so they hold a release; they are not `touching` (any task reading short
   * would, and would block the adoption of the batch's own task found exactly, for 2 days: review 2026-12-04).
   */
  holding: string[];
}

/**
 * Settles an UNKNOWN batch or a stale INTENT. In order:
 * 1. A submit that never started is released: nothing can have been bought.
 * 2. A TaskNo ever seen for this batch (on the batch or its claims) is adopted; such a batch is never released.
 * 3. The task list is read (±1 day around the submit, since the registrar filters by day): one task created after
 *    the submit with exactly our domains, and no other unknown task touching them, is adopted. A task whose details
 *    are fewer than its TaskNum counts as touching them (it may be ours). More than one
 *    candidate: neither adopt nor release; the batch stays and alerts as stuck.
 * 4. Release needs ALL of: `limits.releaseAfterHours` (>= 24) since the submit started (and, for a batch the sweep
 *    re-homed, since it was made); two empty reads at least
 *    1 h apart (this one included); and each domain's expiry exactly unchanged. A domain whose expiry reads as
 *    about old + years is recorded renewed; any other move is `expiry-moved` and stays open for a person.
 * Never resubmits. A release fences the batch (a version-checked write) before its claims, then records it; a failed
 * claim write leaves the batch open.
 */
export async function reconcileBatch(
  deps: JobDeps,
  batch: Batch,
  policy: Policy,
  safeDelayMs: number,
  rules: SettleRules = DEFAULT_SETTLE_RULES,
): Promise<ReconcileResult> {
  const now = deps.clock.now();
  const log = deps.log.child({ batchId: batch.batchId, runId: batch.runId });
  const startedAt = batch.submitStartedAtMs ?? batch.createdAtMs;
  if (now - startedAt < safeDelayMs) return { kind: 'waiting', batch };

  if (batch.status === 'INTENT' && batch.submitStartedAtMs === undefined) {
    // The submit never started (we write submitStartedAtMs before the paid call): nothing can have been bought.
    log.warn('stale intent never submitted; releasing its claims');
    return release(deps, batch, batch.entries, new Map(), 'the run stopped before submitting');
  }

  const claims = await deps.ledger.getClaims(batch.entries.map((e) => ({ domain: e.domain, expiryMs: e.expiryMs })));
  const seen = new Set([
    ...(batch.taskNo ? [batch.taskNo] : []),
    ...claims.filter((c) => c.batchId === batch.batchId && c.taskNo).map((c) => c.taskNo as string),
  ]);
  // A TaskNo the ledger knows as an earlier attempt's or another batch's cannot be this submit's task, whatever the
  // paid call's error answer named: adopted, its old failed row closed the batch while this submit's own task waited
  // in the queue, and the next run bought the domain again (review 2026-12-07, twenty-sixth session). The task list
  // is searched instead; the batch is never released on an empty one, as the answer said a task was made.
  const only = seen.size === 1 ? ([...seen][0] as string) : undefined;
  const misnamed =
    only !== undefined && (await readKnownElsewhere(deps.ledger, batch, deps.peerClaims)).has(only) ? only : undefined;
  if (only !== undefined && !misnamed) return adopt(deps, batch, only, 'its TaskNo was recorded on the claims');
  if (seen.size > 1) return waitWithAlert(deps, batch, 'stuck', `several TaskNos recorded: ${[...seen].join(', ')}`);

  // Near the function's time limit the look-ups stop (one per entry or task, unbounded by the run's own check
  // between batches): the entries left stay open and the run still records and reports (review 2026-12-04: a big
  // batch touched by a finished task took the whole run every hour, and the run was killed before its digest).
  const outOfTime = createOutOfTime(deps);
  const search = await searchTasks(
    deps,
    batch,
    startedAt,
    now,
    () => readKnownElsewhere(deps.ledger, batch, deps.peerClaims),
    outOfTime,
  );
  if (!search) return { kind: 'waiting', batch };
  // A domain released before the task showed is no longer held by this batch: adopted, the task would be skipped as
  // ours by the buying run's guard for other tasks while its row for that domain still waited, and the domain bought
  // again (review 2026-12-07: released while a batch-mate's look-up failed, then the task came out of the queue's
  // lag). Left unadopted, the task is someone else's to that guard, which holds the domain while it may run.
  const released = batch.entries.filter((e) => e.outcome === 'NOT_SUBMITTED').map((e) => e.domain);
  if (search.exact.length === 1 && search.touching.length === 1 && released.length === 0) {
    return adopt(deps, batch, search.exact[0] as string, 'found in the task list');
  }
  if (search.touching.length > 0) {
    log.warn('tasks touch this batch, but not exactly one of them can be ours: a person must look', {
      tasks: search.touching,
      ...(released.length > 0 ? { releasedBefore: released } : {}),
    });
    // The empty reads before this one no longer count towards a release: a task touched the batch since.
    const cleared = batch.emptyTaskReadsAtMs?.length
      ? await deps.ledger.saveBatch({ ...batch, emptyTaskReadsAtMs: [], updatedAtMs: now })
      : batch;
    // Every task touching it has finished, so nothing more will execute for it: a domain whose expiry reads about
    // old + years was renewed (by one of them; whose does not matter) and is recorded so. Before, such a batch
    // stayed UNKNOWN for good, stuck daily, holding the domain at its next expiry (review 2026-12-03). The others
    // still wait for a person.
    const renewed =
      search.unfinished.length === 0 ? await readRenewed(deps, cleared, rules, log, outOfTime) : new Map();
    if (renewed.size > 0) await markRenewedBy(deps, [...search.touching, ...search.holding]);
    const settled = renewed.size > 0 ? (await release(deps, cleared, [], renewed, 'settled')).batch : cleared;
    if (settled.status === 'CLOSED') return { kind: 'released', batch: settled, released: 0 };
    const why = released.length
      ? `; not adopted: ${released.join(', ')} released before it showed, and it may still renew them`
      : '';
    return waitWithAlert(deps, settled, 'stuck', `candidate tasks ${search.touching.join(', ')}${why}`);
  }

  // An empty read: it counts towards the release rule (one with `holding` tasks too; the release itself waits).
  const reads = [...(batch.emptyTaskReadsAtMs ?? []), now].slice(-10);
  let current = await deps.ledger.saveBatch({ ...batch, emptyTaskReadsAtMs: reads, updatedAtMs: now });
  // A batch the sweep re-homed (`repaired`) starts at its claims' time, a day or more before it was made, and the
  // lost batch's TaskNo did not come with it: counted from the re-homing too, its task gets the whole wait to show in
  // a lagging task list (review 2026-12-07, twenty-seventh session: released an hour after it was made while the
  // task still waited in the queue, and the domain was bought again).
  const releaseFrom = batch.repaired?.length ? Math.max(startedAt, batch.createdAtMs) : startedAt;
  const releaseAt = releaseFrom + (rules.releaseAfterMs ?? policy.limits.releaseAfterHours * HOUR_MS);
  const spread = Math.max(...reads) - Math.min(...reads);
  if (now < releaseAt || spread < rules.releaseReadGapMs || search.holding.length > 0) {
    if (search.holding.length > 0 && now >= releaseAt) {
      log.warn('a finished task that reads short ran recently: the release waits until it is 2 days past', {
        tasks: search.holding,
      });
      // What reads renewed meanwhile is recorded so (by it or by us: whose does not matter), as for a batch that
      // finished tasks touch; the unchanged wait.
      const renewed = await readRenewed(deps, current, rules, log, outOfTime);
      if (renewed.size > 0) {
        await markRenewedBy(deps, search.holding);
        current = (await release(deps, current, [], renewed, 'settled')).batch;
      }
      if (current.status === 'CLOSED') return { kind: 'released', batch: current, released: 0 };
    }
    current = await flagLapseRisk(deps, current, releaseAt, now);
    current = await flagUnrecordedUnknown(deps, current, claims, now);
    return { kind: 'waiting', batch: current };
  }

  const unchanged: BatchEntry[] = [];
  const renewed = new Map<string, number>();
  const moved: { domain: string; expiryMs: number }[] = [];
  for (const entry of current.entries.filter((e) => !e.outcome)) {
    if (outOfTime()) break; // the entries not looked up stay open, neither released nor renewed
    try {
      const info = await deps.registrar.getDomain(entry.domain);
      const verdict = rules.judgeExpiry(entry.expiryMs, entry.years, info.expiresAtMs);
      if (verdict === 'unchanged') unchanged.push(entry);
      else if (verdict === 'renewed') renewed.set(entry.domain, info.expiresAtMs);
      else moved.push({ domain: entry.domain, expiryMs: info.expiresAtMs });
    } catch (err) {
      // One domain's look-up failing holds back only that domain; the others are settled.
      log.warn('expiry look-up failed; this domain waits for the next run', {
        domain: entry.domain,
        ...describeError(err),
      });
    }
  }
  if (moved.length > 0) current = await recordMoved(deps, current, moved);
  if (misnamed) {
    // What reads renewed is settled; the rest waits for a person (close-batch once the task list shows no task of it).
    if (renewed.size > 0) current = (await release(deps, current, [], renewed, 'settled')).batch;
    if (current.status === 'CLOSED') return { kind: 'released', batch: current, released: 0 };
    return waitWithAlert(
      deps,
      current,
      'stuck',
      `the paid call's error answer named TaskNo ${misnamed}, an earlier attempt's or another batch's task, and no task of this submit has shown in the task list: it may still be queued; look it up in the console task list before closing the batch`,
    );
  }
  log.warn('no task found for the unknown submit after the release rule held', {
    released: unchanged.length,
    renewed: renewed.size,
    moved: moved.length,
  });
  return release(deps, current, unchanged, renewed, 'no task was created; released for the next run', true);
}

/**
 * Marks the finished tasks that may have made the renewals a batch records without adopting a task, before they are
 * recorded (queuedTaskMark, not ranTaskMark: that one says a task is ours, and these may be someone else's). One of
 * them may be ours, its claims then carry no TaskNo, and a buying run that did not read it (made more than 2 days
 * before) bought the domain again from a listing that lagged and read the old expiry a little differently (review
 * 2026-12-05). A failed write fails the batch's step: it stays open.
 */
async function markRenewedBy(deps: JobDeps, taskNos: readonly string[]): Promise<void> {
  if (taskNos.length > 0) await deps.ledger.putMarks(taskNos.map(queuedTaskMark), deps.clock.now());
}

/** The unsettled entries whose expiry reads about old + years (a failed look-up leaves its entry out). */
async function readRenewed(
  deps: JobDeps,
  batch: Batch,
  rules: SettleRules,
  log: JobDeps['log'],
  outOfTime: () => boolean,
): Promise<Map<string, number>> {
  const renewed = new Map<string, number>();
  for (const entry of batch.entries.filter((e) => !e.outcome)) {
    if (outOfTime()) break;
    try {
      const info = await deps.registrar.getDomain(entry.domain);
      if (rules.judgeExpiry(entry.expiryMs, entry.years, info.expiresAtMs) === 'renewed')
        renewed.set(entry.domain, info.expiresAtMs);
    } catch (err) {
      log.warn('expiry look-up failed; this domain waits for the next run', {
        domain: entry.domain,
        ...describeError(err),
      });
    }
  }
  return renewed;
}

async function searchTasks(
  deps: JobDeps,
  batch: Batch,
  startedAt: number,
  now: number,
  readKnown: () => Promise<ReadonlySet<string>>,
  outOfTime: () => boolean,
): Promise<TaskSearch | undefined> {
  const want = new Set(batch.entries.map((e) => e.domain));
  const search: TaskSearch = { exact: [], touching: [], unfinished: [], holding: [] };
  // Creation times are filtered by day on the registrar side, in an UNCONFIRMED zone: widen by a day each way.
  const renewals = (await deps.registrar.listTasks({ fromMs: startedAt - DAY_MS, toMs: now + DAY_MS })).filter(
    isRenewalTask,
  );
  if (renewals.length === 0) return search;
  const known = await readKnown();
  const unknown = renewals.filter((t) => !known.has(t.taskNo));
  // One detail read at a time, as before: the task list of a busy account can be long.
  const read: { task: TaskInfo; got: Set<string> }[] = [];
  for (const task of unknown) {
    if (outOfTime()) return undefined; // a search not finished decides nothing
    read.push({ task, got: new Set(rowsByDomain(await deps.registrar.listTaskDetails(task.taskNo)).keys()) });
  }
  const short = read.filter(({ task, got }) => got.size < task.taskNum || got.size === 0);
  const recent = await readRanRecently(
    deps,
    short.map((r) => r.task),
    now,
  );
  for (const { task, got } of read) {
    if ((got.size < task.taskNum || got.size === 0) && task.finished && recent.has(task.taskNo)) {
      // Finished, reading short, and run (or last seen unfinished) less than JUST_RENEWED_MS ago: its rows may have
      // renewed ours while the expiry still lags. It holds the batch for that long: released then, the lagging
      // expiry read as unchanged and the next run bought a second year (review 2026-12-04). Not for ever: one task
      // that always reads short would hold every batch near it for good. It holds only the release: our own task,
      // found exactly, is still adopted.
      search.holding.push(task.taskNo);
      continue;
    }
    if ((got.size < task.taskNum || got.size === 0) && !task.finished) {
      // Fewer details than the task holds (details lagging, or an answer cut short), or none at all whatever its
      // TaskNum says (0 read as "holds nothing" counted towards a release: review 2026-12-04): what it renews is not known.
      // Never read as "not ours", which would count towards a release. Whatever its creation time says: that is
      // read in an UNCONFIRMED zone, and a release must never rest on it (review 2026-12-03). A finished task is
      // not held against the batch: had it renewed one of ours, the expiry moved, and the release rule needs it
      // unchanged (without this, one task that always reads short would hold every batch near it for good).
      search.touching.push(task.taskNo);
      search.unfinished.push(task.taskNo);
      continue;
    }
    if (![...got].some((d) => want.has(d))) continue;
    search.touching.push(task.taskNo);
    if (!task.finished) search.unfinished.push(task.taskNo);
    const exact = got.size === want.size && [...want].every((d) => got.has(d));
    if (exact && createdAfter(task, startedAt)) search.exact.push(task.taskNo);
  }
  return search;
}

/**
 * Of these tasks that read short, those that ran recently: created, or last seen unfinished by a run (the
 * queuedTaskMark this function puts for each unfinished one: best effort), less than JUST_RENEWED_MS before `now`.
 * A finished task with no readable time and no mark is not recent here, unlike in foreign-tasks.ts (there it is taken
 * as just run, marked on first sight): a release on it is safe, as the next renew run holds the domains that task
 * may have renewed until 2 days after first seeing it.
 */
async function readRanRecently(deps: JobDeps, tasks: readonly TaskInfo[], now: number): Promise<Set<string>> {
  if (tasks.length === 0) return new Set();
  const unfinished = tasks.filter((t) => !t.finished).map((t) => queuedTaskMark(t.taskNo));
  if (unfinished.length > 0) {
    try {
      await deps.ledger.putMarks(unfinished, now);
    } catch (err) {
      deps.log.warn(
        'could not mark renewal tasks seen unfinished; their creation time bounds them',
        describeError(err),
      );
    }
  }
  const finished = tasks.filter((t) => t.finished);
  const marks =
    finished.length > 0 ? await deps.ledger.getMarks(finished.map((t) => queuedTaskMark(t.taskNo))) : new Map();
  return new Set(
    finished
      .filter((t) => {
        const at = Math.max(
          t.createdAtMs ?? Number.NEGATIVE_INFINITY,
          marks.get(queuedTaskMark(t.taskNo)) ?? Number.NEGATIVE_INFINITY,
        );
        return now - at < JUST_RENEWED_MS;
      })
      .map((t) => t.taskNo),
  );
}

/** A task whose creation time cannot be read is not excluded by it (the other checks still apply). */
function createdAfter(task: TaskInfo, startedAt: number): boolean {
  return task.createdAtMs === undefined || task.createdAtMs >= startedAt - TASK_CLOCK_SKEW_MS;
}

async function adopt(deps: JobDeps, batch: Batch, taskNo: string, how: string): Promise<ReconcileResult> {
  const now = deps.clock.now();
  deps.log.warn('adopting the task the lost submit created', { batchId: batch.batchId, taskNo, how });
  // The batch first, version-checked: it is the fence, as in release. Whichever of a release and an adoption of the
  // same batch writes it first wins; the other's write fails before it touched a claim (review 2026-12-03: with
  // the claims first, a release could free a claim between an adoption's claim writes). A SUBMITTED batch over
  // claims still UNKNOWN is just as live; if their write fails, the results step settles them from the batch.
  // Why it could not be settled is over: a later stuck alert (task not finished in time) must not repeat it.
  const { error: _settled, ...rest } = batch;
  const adopted = await deps.ledger.saveBatch({
    ...rest,
    status: 'SUBMITTED',
    taskNo,
    submittedAtMs: now,
    updatedAtMs: now,
    pendingNotices: withResolved(batch),
  });
  await applyToClaims(deps, batch, (c) => (isLive(c) ? transitions.adopt(c, taskNo) : c));
  return { kind: 'adopted', batch: adopted };
}

/**
 * Someone was told "unknown", "stuck" or, for a batch the sweep re-homed, "orphaned" (whether it was bought is
 * unknown): they hear how it ended.
 */
function withResolved(batch: Batch): Batch['pendingNotices'] {
  const told = [...batch.pendingNotices, ...batch.sentNotices].some(
    (n) => n === 'unknown' || n === 'stuck' || n === 'orphaned',
  );
  return told && !batch.pendingNotices.includes('resolved')
    ? [...batch.pendingNotices, 'resolved']
    : batch.pendingNotices;
}

/**
 * A release so late that the next daily renew run may come after the last time this tool buys the domain is told,
 * even when nobody was told anything before: a renew run killed by its timeout after claiming ahead left claims that
 * check released in silence, and the domain on its last buying day lapsed unnamed (review 2026-12-07). The
 * `resolved` notice renders the urgent will-lapse line for it (notices.ts).
 */
function withLateRelease(
  notices: Batch['pendingNotices'],
  entries: readonly BatchEntry[],
  nowMs: number,
): Batch['pendingNotices'] {
  const late = entries.some((e) => e.outcome === 'NOT_SUBMITTED' && storedLastBuyMs(e) < nowMs + DAY_MS + HOUR_MS);
  return late && !notices.includes('resolved') ? [...notices, 'resolved'] : notices;
}

async function waitWithAlert(deps: JobDeps, batch: Batch, notice: 'stuck', why: string): Promise<ReconcileResult> {
  const now = deps.clock.now();
  // Repeated daily while it lasts, never more often.
  const recently = batch.stuckNotifiedAtMs !== undefined && now - batch.stuckNotifiedAtMs < DAY_MS;
  if (batch.pendingNotices.includes(notice) || recently) return { kind: 'waiting', batch };
  deps.log.warn('unknown batch cannot be settled automatically', { batchId: batch.batchId, why });
  const saved = await deps.ledger.saveBatch({
    ...batch,
    error: { message: `not settled automatically: ${why}` },
    pendingNotices: [...batch.pendingNotices, notice],
    stuckNotifiedAtMs: now,
    updatedAtMs: now,
  });
  return { kind: 'waiting', batch: saved };
}

/**
 * A domain that expires before the first daily renew run that may buy it once released (release + 1 day + 1 h of
 * schedule slack) cannot wait for the rule: alert (once per batch) instead. Not only before the release itself: the
 * run of the release day plans before the check releases, and one expiring in that day was released with "the next
 * renew run buys it", a run after its expiry (review 2026-12-05, round 5, K).
 */
async function flagLapseRisk(deps: JobDeps, batch: Batch, releaseAt: number, now: number): Promise<Batch> {
  const lapseBefore = releaseAt + DAY_MS + HOUR_MS;
  const atRisk = batch.entries.filter((e) => !e.outcome && e.expiryMs < lapseBefore);
  if (atRisk.length === 0) return batch;
  if (batch.pendingNotices.includes('lapse-risk') || batch.sentNotices.includes('lapse-risk')) return batch;
  deps.log.error('unknown renewal of a domain that expires before it may be released: a person must act', {
    batchId: batch.batchId,
    domains: atRisk.map((e) => e.domain),
  });
  return deps.ledger.saveBatch({
    ...batch,
    pendingNotices: [...batch.pendingNotices, 'lapse-risk'],
    lapseRiskBeforeMs: lapseBefore,
    updatedAtMs: now,
  });
}

/**
 * An intent whose submit started and whose outcome its run never recorded (the UNKNOWN write failed, and maybe the
 * run's digest too, which carried the alert only in memory): the `unknown` alert is added here, once, so a person
 * hears "may have executed: do not resubmit" before the stuck alert a day later (review 2026-12-03). Not when none
 * of its claims is live: the registrar refused it and the refusal was written to the claims, only the batch write
 * failed (its run's line named the refusal), nor when another batch holds every one of them (taken over after that).
 */
async function flagUnrecordedUnknown(
  deps: JobDeps,
  batch: Batch,
  claims: readonly Claim[],
  now: number,
): Promise<Batch> {
  if (batch.status !== 'INTENT' || batch.submitStartedAtMs === undefined) return batch;
  if (batch.pendingNotices.includes('unknown') || batch.sentNotices.includes('unknown')) return batch;
  const own = claims.filter((c) => c.batchId === batch.batchId);
  if (own.length > 0 && !own.some(isLive)) return batch;
  // Every claim another batch's: only a claim that was no longer live (refused, released) can be taken over, so
  // nothing of this batch can have run (review 2026-12-04).
  if (own.length === 0 && claims.length > 0) return batch;
  return deps.ledger.saveBatch({
    ...batch,
    pendingNotices: [...batch.pendingNotices, 'unknown'],
    error: batch.error ?? {
      message: 'the order may have been sent, and its answer was not recorded (a ledger write failed)',
    },
    updatedAtMs: now,
  });
}

/** Records expiries that moved to something other than old + years, alerting once per (domain, value). */
export async function recordMoved(
  deps: JobDeps,
  batch: Batch,
  moved: readonly { domain: string; expiryMs: number }[],
): Promise<Batch> {
  const had = new Set((batch.movedExpiries ?? []).map((m) => `${m.domain}#${m.expiryMs}`));
  const fresh = moved.filter((m) => !had.has(`${m.domain}#${m.expiryMs}`));
  if (fresh.length === 0) return batch;
  deps.log.error('expiry moved, but not to old + years: a person must look', { batchId: batch.batchId, moved: fresh });
  const others = (batch.movedExpiries ?? []).filter((m) => !fresh.some((f) => f.domain === m.domain));
  return deps.ledger.saveBatch({
    ...batch,
    movedExpiries: [...others, ...fresh],
    pendingNotices: batch.pendingNotices.includes('expiry-moved')
      ? batch.pendingNotices
      : [...batch.pendingNotices, 'expiry-moved'],
    updatedAtMs: deps.clock.now(),
  });
}

/**
 * An entry whose expiry moved while no claim of this batch may have bought it (another batch holds the claim, or it
 * was refused, or there is none): whoever renewed it reports it.
 */
const NOT_THIS_BATCH = 'renewed, but not by this batch (no claim of it was in flight): nothing bought here';

/**
 * Releases and records: a version-checked write of the batch first (the fence: unchanged but for its version), then
 * the claims, then the batch's outcome. A renew run that started this intent's submit meanwhile, or another check
 * that adopted a task for it, wrote the batch, so the fence fails and no claim is touched (before, the claims were
 * released first and only the batch write failed: the domain could be bought twice; review 2026-12-03). A claim
 * that carries a TaskNo is never released (a task was seen for it): its entry stays open, and the next run adopts
 * the task. A failed claim write leaves the batch open, so the step repeats.
 */
async function release(
  deps: JobDeps,
  batch: Batch,
  notSubmitted: readonly BatchEntry[],
  renewed: ReadonlyMap<string, number>,
  message: string,
  /** No task was created: what the submit kept of the budgets goes back (giveBackUnbought). */
  unbought = false,
): Promise<ReconcileResult> {
  const now = deps.clock.now();
  const touched = new Set([...notSubmitted.map((e) => e.domain), ...renewed.keys()]);
  if (touched.size === 0) return { kind: 'waiting', batch };
  const fenced = await deps.ledger.saveBatch({ ...batch, updatedAtMs: now });
  const renewedNote = 'expiry moved to old + years, though no task of ours was found';
  // The last decision per domain: applyToClaims re-applies the transition to a re-read claim after a conflict.
  const keptLive = new Map<string, boolean>();
  const releasedNow = new Map<string, boolean>();
  const mayHaveBought = new Set<string>();
  await applyToClaims(
    deps,
    fenced,
    (c) => {
      // Only claims of this batch reach here (applyToClaims). One that was not in flight (refused, released) or is
      // another batch's, or none, did not buy the domain, whatever its expiry now says (review 2026-12-04).
      if (isLive(c) || c.status === 'RENEWED') mayHaveBought.add(c.domain);
      keptLive.set(c.domain, false);
      releasedNow.set(c.domain, false);
      const newExpiryMs = renewed.get(c.domain);
      // Released meanwhile (a person's close-batch that released the claims, then lost its batch write to this
      // fence) while the expiry reads about old + years: confirmed all the same, as check's recording does; left
      // released, a listing lagging past the renew run's look at recent tasks bought the key again (review
      // 2026-12-04). Confirming buys nothing, and the entry still says nothing was bought here.
      if (newExpiryMs !== undefined && c.status === 'FAILED' && c.code === 'not-submitted')
        return { ...transitions.confirm(c, { newExpiryMs }), message: renewedNote };
      if (!isLive(c)) return c;
      if (newExpiryMs !== undefined) return { ...transitions.confirm(c, { newExpiryMs }), message: renewedNote };
      if (c.taskNo) {
        deps.log.error('not releasing a claim that carries a TaskNo; the next run adopts its task', {
          batchId: batch.batchId,
          domain: c.domain,
          taskNo: c.taskNo,
        });
        keptLive.set(c.domain, true);
        return c;
      }
      releasedNow.set(c.domain, true);
      return transitions.release(c, { message, nowMs: now });
    },
    touched,
  );
  const stillHeld = new Set([...keptLive].filter(([, kept]) => kept).map(([domain]) => domain));
  const entries = fenced.entries.map((e): BatchEntry => {
    const newExpiryMs = renewed.get(e.domain);
    // A renewal is this batch's only with its claim (review 2026-12-04: a refused order whose close failed, its
    // domain bought by a later batch, was reported renewed twice, the refused one with a cost).
    if (newExpiryMs !== undefined && mayHaveBought.has(e.domain))
      return { ...e, outcome: 'RENEWED', newExpiryMs, message: renewedNote };
    if (newExpiryMs !== undefined) return { ...e, outcome: 'NOT_SUBMITTED', message: NOT_THIS_BATCH };
    return touched.has(e.domain) && !stillHeld.has(e.domain) ? { ...e, outcome: 'NOT_SUBMITTED', message } : e;
  });
  const done = entries.every((e) => e.outcome);
  const closed = await deps.ledger.saveBatch({
    ...fenced,
    entries,
    updatedAtMs: now,
    ...(done ? { status: 'CLOSED' as const, closedAtMs: now } : {}),
    pendingNotices: done ? [...withLateRelease(withResolved(fenced), entries, now), 'final'] : fenced.pendingNotices,
  });
  if (unbought) {
    const entries = fenced.entries.filter((e) => releasedNow.get(e.domain) === true && !renewed.has(e.domain));
    await giveBackUnbought(deps, fenced, entries);
  }
  return { kind: 'released', batch: closed, released: notSubmitted.filter((e) => !stillHeld.has(e.domain)).length };
}

/**
 * Gives back what an UNKNOWN submit kept of the budgets (handleSubmitError keeps them: the order may have gone
 * through) once the release rule says no task was created: exactly the counters its send took (Batch.budgetTaken;
 * the policy or the UTC day may have changed since: a cap added later, or a submit that started past midnight, gave
 * back to counters never taken and let the month spend past its cap). Kept, a refusal with a code the classifier
 * does not know (a coupon's, say) came back UNKNOWN every day and filled the month's cap with money never spent, and
 * a domain without a coupon lapsed "because the cap is reached" (review 2026-12-07, twenty-eighth session). Only
 * after the release is durable (the batch write is versioned, so one run does it; a crash before it only
 * under-spends), and only for a batch the renew run marked UNKNOWN: a re-homed one (the sweep) or one left as its
 * submit start left it may have given back already.
 */
async function giveBackUnbought(deps: JobDeps, batch: Batch, unbought: readonly BatchEntry[]): Promise<void> {
  const taken = batch.budgetTaken;
  if (batch.status !== 'UNKNOWN' || batch.repaired !== undefined || !taken || unbought.length === 0) return;
  await giveBack(deps, periodsTaken(taken), { count: unbought.length, spend: costOf(unbought) });
}
