import { createTaskQueue, LEDGER_CONCURRENCY, mapWithLimit } from '../concurrency';
import { LedgerConflictError } from '../errors';
import type { Batch, BatchEntry, Claim } from '../ledger/port';
import { describeError } from '../log';
import { RENEWED_ANYWAY_PREFIX } from '../notify/text/advice';
import type { Policy } from '../policy/schema';
import { isNotInAccount } from '../registrar/not-in-account';
import type { TaskDetail } from '../registrar/port';
import { applyToClaims, isCouponSent, isFixableByPerson, isLive, transitions } from './claims';
import { closeAgeFromMs, MIN_CLOSE_AGE_MS } from './close-batch';
import { readCurrentExpiries } from './confirm-expiry';
import { actByMsOf, DAY_MS, formatDateUtc, HOUR_MS } from './dates';
import type { JobDeps } from './deps';
import {
  FINISHED_WITHOUT_ROW,
  FINISHED_WITHOUT_ROW_BY_HAND,
  FINISHED_WITHOUT_ROW_RECENTLY,
  hasHeldFailureNote,
  hasNote,
  hasUnknownRowNote,
  heldFailureNote,
  NOT_IN_ACCOUNT,
  TASK_SAYS_RENEWED,
  unknownRowNote,
} from './entry-notes';
import { finishedTaskMark, mayExpiryStillShow, ranTaskMark } from './foreign-tasks';
import { storedLastBuyMs } from './plan';
import { claimKey } from './plan-types';
import {
  DEFAULT_SETTLE_RULES,
  reconcileBatch,
  recordMoved,
  SAFE_RECONCILE_DELAY_MS,
  type SettleRules,
} from './reconcile';
import { sweepOrphanedClaims } from './sweep';
import { rowsByDomain, withoutUnknownRows } from './task-rows';
import { readTask, readTaskState } from './task-state';
import { boundText } from './text';
import { computeTimeMarginMs, createOutOfTime, withinDeadline } from './time-margin';

/**
 * How long a failed row may wait for its expiry look-up when a run has no time left for it, ms (after it failed):
 * two hourly runs. Then it is recorded a plain failure, its registrar reason told, and retried as usual.
 */
const FAILED_LOOKUP_WAIT_MS = 2 * HOUR_MS;

/**
 * Batches whose outcomes are recorded at once (step 3); each writes its claims LEDGER_CONCURRENCY at a time, so at
 * most 4 x 16 ledger writes are in flight.
 */
const BATCHES_IN_PARALLEL = 4;

export interface CheckSummary {
  runId: string;
  openBatches: number;
  /** Domains confirmed renewed in this run (new expiry read back from the registrar). */
  renewed: number;
  /** Domains the registrar reported failed in this run. */
  failed: number;
  /** Domains still waiting or executing. */
  pending: number;
  /** UNKNOWN/stale batches whose task was found and adopted. */
  adopted: number;
  /** Domains released after reconciliation proved nothing was submitted. */
  released: number;
  /** Batches still unknown (too recent to reconcile, or reconciliation not conclusive yet). */
  unknown: number;
  stuck: number;
  /** Live claims found under a closed or missing batch and repaired. */
  orphaned: number;
  /** Batches whose processing threw (registrar or ledger trouble); retried next run. */
  errors: number;
  /** Batches not read because the run was near its time limit (left to the next run, still flagged stuck). */
  leftForTime: number;
}

/** One open batch as step 1 read it: its task's rows (one per domain) when it has a task to read. */
interface CheckProgress {
  batch: Batch;
  details?: Map<string, TaskDetail>;
  /** The task may still run a row of an unsettled entry: a failed row waits (readWhetherTaskMayRun). */
  taskMayRun?: boolean;
  /** The task list shows the task finished while an unsettled entry has no row (readFinishedWithoutRows). */
  taskFinished?: true;
  /**
   * With `taskFinished`, or an entry already told to wait: when check first found the task finished so (its
   * finished-task mark), epoch ms; absent when that mark could not be read.
   */
  finishedSeenAtMs?: number;
  /** Domains whose row has a status nobody documented, with its TaskStatusCode (read as no row in `details`). */
  unknownRows?: ReadonlyMap<string, number>;
}

/** What a check run found: its counts, and every batch it saw, as stored after the run (for the digest). */
export interface CheckRun {
  summary: CheckSummary;
  batches: Batch[];
}

/**
 * The check job: turns open batches into facts. Submitted batches are read from QueryTaskDetailList; successes are
 * confirmed from the domains' expiries (one ranged listing for many, see confirm.ts) before they count; failures are
 * recorded (the planner retries them within limits); UNKNOWN and stale intents are reconciled. Each batch is
 * isolated. People are told by the caller (jobs/check.ts), from the batches returned.
 */
export async function runCheck(
  deps: JobDeps,
  options: { policy: Policy; runId: string; safeDelayMs?: number; rules?: SettleRules },
): Promise<CheckRun> {
  const rules = options.rules ?? DEFAULT_SETTLE_RULES;
  const { policy, runId } = options;
  const log = deps.log.child({ runId, job: 'check' });
  const open = await deps.ledger.listOpenBatches();
  const summary: CheckSummary = {
    runId,
    openBatches: open.length,
    renewed: 0,
    failed: 0,
    pending: 0,
    adopted: 0,
    released: 0,
    unknown: 0,
    stuck: 0,
    orphaned: 0,
    errors: 0,
    leftForTime: 0,
  };
  // Near the function's time limit the run stops reading batches, so that what it did is recorded and reported: a
  // run killed by its timeout sends no digest, and one that overran every hour would never send one (review
  // 2026-12-03). The batches left are read by the next run; they are still flagged stuck (ledger only).
  const margin = computeTimeMarginMs(deps.registrar.worstCaseCallMs);
  const outOfTime = createOutOfTime(deps);
  // 4, its read. Once a UTC day the live claims are read for the orphan sweep, beside the registrar calls of steps
  // 1-2 rather than after step 3: the Scan reads every claim of the account, and the repairs need only what it finds
  // under a batch that was not open when the run began (each one is re-read before it is repaired).
  const sweepRead = readForSweep(deps);
  // The claims step 3 writes for a batch already sent, read while its task details are (ledger work off the
  // critical path); a batch step 1 may still reconcile, whose claims it may change, is read after it.
  const claimsAhead = readClaimsAhead(deps, open, log);
  const delay = options.safeDelayMs ?? SAFE_RECONCILE_DELAY_MS;
  const isolated = async <T>(batch: Batch, step: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await step();
    } catch (err) {
      // Another check run (a duplicate schedule delivery, a CLI check) changed the batch first: its versioned save
      // lost, nothing is wrong, and the batch is re-read and finished by whichever run comes next. Counted as an
      // error, it failed the run and paged someone for an overlap (review 2026-12-04).
      if (err instanceof LedgerConflictError) {
        log.info('another run changed this batch meanwhile; left to it', { batchId: batch.batchId });
        return undefined;
      }
      summary.errors += 1;
      log.error('batch check failed; retried next run', {
        batchId: batch.batchId,
        taskNo: batch.taskNo,
        ...describeError(err),
      });
      return undefined;
    }
  };

  // 1. Settle unknown/stale batches and read the task details of submitted ones (each batch isolated).
  const progress: CheckProgress[] = [];
  for (const batch of open) {
    if (outOfTime()) {
      summary.leftForTime += 1;
      progress.push({ batch });
      continue;
    }
    const read = await isolated(batch, () => readBatch(deps, policy, batch, summary, delay, rules, outOfTime));
    // On failure the batch may have been saved meanwhile (e.g. adopted, then the detail read failed): re-read it
    // so the stuck check below works on the stored version.
    progress.push(read ?? { batch: (await deps.ledger.getBatch(batch.batchId).catch(() => undefined)) ?? batch });
  }
  // 2. Confirm every reported success in one go: the new expiry must be visible before a renewal counts. A domain
  // whose look-up fails stays pending alone; the others are confirmed. A domain the task's details do not list at
  // all is looked up too: at about old + years it was renewed, whatever the details say (review 2026-12-03: a
  // detail row that never shows left a bought renewal open for good, and its domain blocked at the next expiry).
  // Such an entry is looked up only once its task has shown rows and all of them have run, or once the batch is
  // past notify.stuckAfterHours: a fresh task whose rows simply lag costs no look-up per domain every hour.
  const lookUpUnlisted = (batch: Batch, details: ReadonlyMap<string, TaskDetail>) =>
    (details.size > 0 && [...details.values()].every((d) => d.state === 'success' || d.state === 'failure')) ||
    deps.clock.now() - (batch.submitStartedAtMs ?? batch.createdAtMs) >= computeStuckAfterMs(policy, batch);
  const succeeded = progress.flatMap(({ batch, details }) => {
    if (!details) return [];
    const unlisted = lookUpUnlisted(batch, details);
    return batch.entries
      .filter((e) => {
        const state = details.get(e.domain)?.state;
        return !e.outcome && (state === 'success' || (state === undefined && unlisted));
      })
      .map((entry) => ({ batch, entry }));
  });
  // A failed row about to be made final is looked up too, best effort (not one held while its task may run; a bulk
  // failure costs one look-up per row, once; a failed look-up leaves it an ordinary failure): at old + years the
  // domain was renewed all the same, and its line must not read "unchanged, retried" (review 2026-12-04: that
  // invites a renewal by hand, a second purchase).
  const failedRows = progress.flatMap(({ batch, details, taskMayRun }) => {
    if (!details || taskMayRun) return [];
    if ([...details.values()].some((d) => d.state === 'waiting' || d.state === 'executing')) return [];
    return batch.entries.filter((e) => !e.outcome && details.get(e.domain)?.state === 'failure');
  });
  if (summary.leftForTime > 0)
    log.warn('stopping before the time limit: batches left to the next run', {
      batches: summary.leftForTime,
      marginMs: margin,
    });
  // Confirmations are registrar calls too: near the limit they wait for the next run (the entries stay pending).
  const lookUps = outOfTime() ? [] : [...succeeded.map((s) => s.entry), ...failedRows];
  // Ledger work off the critical path: the claims step 3 writes are read ahead (those of batches already sent
  // beside step 1, the rest while the confirmation listing is in flight), and a renewal is confirmed on its claim as
  // soon as its page shows the new expiry. Step 3 then finds those claims settled; a claim that changed in between
  // fails its versioned save and is re-read there.
  const knownReady = prefetchClaims(deps, progress, claimsAhead, log);
  const rowsRan = ranRows(progress);
  const unmarkedReady = markRan(deps, rowsRan, log);
  const early = confirmEarly(deps, succeeded, knownReady, rules, log);
  // A domain the registrar says is not in the account (transferred out, deleted): its stuck line says so.
  const notFound = new Set<string>();
  const lookUpFailed = new Set<string>();
  const expiries =
    lookUps.length > 0
      ? await readCurrentExpiries(
          deps.registrar,
          lookUps,
          (domain, err) => {
            lookUpFailed.add(domain);
            if (isNotInAccount(err)) notFound.add(domain);
            log.warn('could not read the expiry back', {
              domain,
              ...describeError(err),
            });
          },
          early.found,
          outOfTime,
        )
      : new Map<string, number>();
  // Failed rows whose look-up was not made for want of time: they wait for it (a plain failure line for a domain
  // the registrar shows renewed invites a renewal by hand; review 2026-12-04), for FAILED_LOOKUP_WAIT_MS after the
  // row failed (its UpdateTime, else the submit) and never past the batch's stuck time: a check short of time every
  // hour held the failure for good, never retried, and the domain lapsed (review 2026-12-05). A look-up that failed
  // does not hold its row.
  const mayWait = new Set(
    progress.flatMap(({ batch, details }) => {
      const since = batch.submitStartedAtMs ?? batch.createdAtMs;
      if (deps.clock.now() - since >= computeStuckAfterMs(policy, batch)) return [];
      return batch.entries
        .filter((e) => deps.clock.now() - (details?.get(e.domain)?.updatedAtMs ?? since) < FAILED_LOOKUP_WAIT_MS)
        .map((e) => e.domain);
    }),
  );
  const unread = new Set(
    failedRows
      .filter((e) => !expiries.has(e.domain) && !lookUpFailed.has(e.domain) && mayWait.has(e.domain))
      .map((e) => e.domain),
  );
  await early.settled();
  const known = await knownReady;
  const unmarked = new Set([
    ...(await unmarkedReady),
    ...(await markRan(deps, ranUnlisted(progress, expiries, rules, new Set(rowsRan)), log)),
  ]);
  summary.errors += unmarked.size;
  // 3. Record outcomes, then flag stuck batches (each batch isolated). Ledger work only, no registrar call: the
  // batches are recorded a few at a time. Batches never share a claim (a transition touches only claims carrying
  // its batchId), and each keeps its own order: claims first, then the batch.
  const reread = (batch: Batch) => deps.ledger.getBatch(batch.batchId).catch(() => undefined);
  const recorded = await mapWithLimit(
    progress,
    BATCHES_IN_PARALLEL,
    async ({ batch, details, taskMayRun, taskFinished, finishedSeenAtMs, unknownRows }) => {
      const settled =
        details && !unmarked.has(batch.batchId)
          ? await isolated(batch, () =>
              recordResults(
                deps,
                policy,
                batch,
                {
                  details,
                  taskMayRun: taskMayRun === true,
                  taskFinished: taskFinished === true,
                  ...(finishedSeenAtMs !== undefined ? { finishedSeenAtMs } : {}),
                  unknownRows: unknownRows ?? new Map(),
                },
                { expiries, notFound, unread },
                summary,
                rules,
                known,
              ),
            )
          : batch;
      // Flagged even when its results step failed: a step that fails every run must not silence the stuck alert
      // (review 2026-12-03), which is then all that names its domains.
      const current = settled ?? (await reread(batch)) ?? batch;
      return (await isolated(current, () => flagStuck(deps, policy, current, summary))) ?? (await reread(batch));
    },
  );
  const after = recorded.filter((b): b is Batch => b !== undefined);
  // 4. Once a UTC day, sweep for live claims left under a closed or missing batch (an older version, a hand edit, a
  // TTL deletion; a failed write no longer closes a batch): repair them. Daily, because it reads every claim. The
  // suspects are claims under a batch not open at the start (step 3 settles claims before it closes their batch, and
  // a claim left live by this run is the next day's sweep's), and claims an open, sent batch does not list (sweep.ts).
  try {
    const read = await sweepRead;
    if (read instanceof Error) throw read;
    if (read) {
      const repaired = await sweepOrphanedClaims(deps, policy, { runId, open, live: read.live });
      summary.orphaned += repaired.count;
      after.push(...repaired.batches);
      await deps.ledger.putMarks([read.mark], deps.clock.now());
    }
  } catch (err) {
    summary.errors += 1;
    log.error('orphan sweep failed; retried next run', describeError(err));
  }
  log.info('check finished', { ...summary });
  return { summary, batches: after };
}

/**
 * The orphan sweep's read, if today's sweep has not run yet (mark `sweep#<UTC date>`): the live claims. Never
 * rejects (it runs beside other work): a failure is returned, for step 4 to count.
 */
async function readForSweep(deps: JobDeps): Promise<{ mark: string; live: Claim[] } | undefined | Error> {
  try {
    const mark = `sweep#${new Date(deps.clock.now()).toISOString().slice(0, 10)}`;
    if ((await deps.ledger.getMarks([mark])).has(mark)) return undefined;
    return { mark, live: await deps.ledger.listLiveClaims() };
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** Reconciles an UNKNOWN/stale batch if due, then reads the task details of a submitted one. */
async function readBatch(
  deps: JobDeps,
  policy: Policy,
  batch: Batch,
  summary: CheckSummary,
  safeDelayMs: number,
  rules: SettleRules,
  outOfTime: () => boolean,
): Promise<CheckProgress> {
  let current = batch;
  if (current.status === 'UNKNOWN' || current.status === 'INTENT') {
    const result = await reconcileBatch(deps, current, policy, safeDelayMs, rules);
    current = result.batch;
    if (result.kind === 'adopted') summary.adopted += 1;
    if (result.kind === 'released') summary.released += result.released;
    if (result.kind === 'waiting') summary.unknown += 1;
  }
  if (current.status !== 'SUBMITTED' || !current.taskNo) return { batch: current };
  const rows = rowsByDomain(await deps.registrar.listTaskDetails(current.taskNo));
  const details: Map<string, TaskDetail> = withoutUnknownRows(rows, (m, f) =>
    deps.log.warn(m, { batchId: current.batchId, ...f }),
  );
  // A row of a status nobody documented is no row for the outcome, but it is there: never "finished without a row".
  const unknownRows = new Map(
    [...rows].flatMap(([domain, r]) => (r.state === 'unknown' ? [[domain, r.statusCode ?? -1] as const] : [])),
  );
  const taskMayRun = await readWhetherTaskMayRun(deps, policy, current, details);
  const finished =
    !taskMayRun && (await readFinishedWithoutRows(deps, policy, current, details, unknownRows, outOfTime));
  // An entry already told to wait is judged by its mark whatever this run read of the task list (a task found
  // finished does not un-finish): one unread task list kept "wait" past the expiry (the review of the wait).
  const waiting = current.entries.some((e) => !e.outcome && hasNote(e, FINISHED_WITHOUT_ROW_RECENTLY));
  return {
    batch: current,
    details,
    taskMayRun,
    ...(finished ? { taskFinished: true as const } : {}),
    ...(await readSeenIf(finished || waiting, deps, current.taskNo ?? '')),
    ...(unknownRows.size > 0 ? { unknownRows } : {}),
  };
}

/**
 * Whether the task list shows the task finished while an unsettled entry of a stuck-old batch has no row and none
 * waits or executes: such an entry's stuck line then says nothing more of the task will run (FINISHED_WITHOUT_ROW),
 * not "task not finished in time" (review 2026-12-07). One free QueryTaskList, not near the time limit; unread, no.
 */
async function readFinishedWithoutRows(
  deps: JobDeps,
  policy: Policy,
  batch: Batch,
  details: ReadonlyMap<string, TaskDetail>,
  unknownRows: ReadonlyMap<string, number>,
  outOfTime: () => boolean,
): Promise<boolean> {
  const sinceMs = batch.submitStartedAtMs ?? batch.createdAtMs;
  // From the batch's own stuck time (an hour for a renewal that lapses soon after its submit), not always the policy's:
  // the note a person acts on came a day late (the review of the wait, twenty-ninth session).
  if (deps.clock.now() - sinceMs < computeStuckAfterMs(policy, batch)) return false;
  const states = batch.entries
    .filter((e) => !e.outcome && !unknownRows.has(e.domain))
    .map((e) => details.get(e.domain)?.state);
  if (!states.includes(undefined) || states.includes('executing')) return false;
  if (outOfTime()) return false;
  // Rows still waiting: finished only when the task's cancel has completed (none of them runs any more; close-batch
  // reads such a task so). Unmarked, close-batch refused the close it advised until a day before the act-by moment,
  // counting the rowless wait from every try (review 2026-12-07, thirtieth session).
  const waits = states.includes('waiting');
  const read = withinDeadline(readTask(deps.registrar, batch.taskNo ?? '', sinceMs), deps.remainingMs);
  const task = await read.catch(() => undefined);
  return task !== undefined && (waits ? task.cancelled === true : task.finished);
}

/**
 * Whether an unsettled batch-mate (its row `row`, if any) makes close-batch refuse the batch (close-batch.ts
 * refuseWhileTaskHolds): a row that renewed (check confirms it once its expiry shows), may still run or has a status
 * nobody documented; or no row while its expiry may still show (foreign-tasks.ts mayExpiryStillShow). A failed row
 * does not hold it, nor one whose domain is the person's to judge (not in the account). Epoch ms.
 */
function holdsClose(mate: BatchEntry, row: TaskDetail | undefined, seenMs: number, nowMs: number): boolean {
  if (row === undefined) return mayExpiryStillShow(mate, seenMs, nowMs);
  if (row.state === 'failure') return false;
  return !(row.state === 'success' && hasNote(mate, NOT_IN_ACCOUNT));
}

/** Whether a note tells a person to act on a rowless entry of a finished task (close the batch, or renew by hand). */
function isActNote(note: string | undefined): boolean {
  if (note === undefined) return false;
  const entry = { message: note };
  return hasNote(entry, FINISHED_WITHOUT_ROW) || hasNote(entry, FINISHED_WITHOUT_ROW_BY_HAND);
}

/** `finishedSeenAtMs` for CheckProgress, when `wanted` and read. */
async function readSeenIf(
  wanted: boolean,
  deps: Pick<JobDeps, 'ledger' | 'log' | 'clock'>,
  taskNo: string,
): Promise<{ finishedSeenAtMs?: number }> {
  const seen = wanted ? await readFinishedSince(deps, taskNo) : undefined;
  return seen === undefined ? {} : { finishedSeenAtMs: seen };
}

/**
 * When check first found our task `taskNo` finished with an unsettled entry rowless (its finished-task mark, put now
 * when there is none), epoch ms. An unwritten mark is now: the wait it starts is the safe side. An unread one is
 * undefined: an entry already told to act keeps that note (counted from now, it flipped back to "wait" and was paged
 * "act" again at every flaky read: the fourth review).
 */
async function readFinishedSince(
  deps: Pick<JobDeps, 'ledger' | 'log' | 'clock'>,
  taskNo: string,
): Promise<number | undefined> {
  const mark = finishedTaskMark(taskNo);
  const nowMs = deps.clock.now();
  let seen: number | undefined;
  try {
    seen = (await deps.ledger.getMarks([mark])).get(mark);
  } catch (err) {
    deps.log.warn('could not read when the task was first seen finished', { taskNo, ...describeError(err) });
    return undefined;
  }
  if (seen !== undefined) return Math.min(seen, nowMs);
  await deps.ledger.putMarks([mark], nowMs).catch((err) => {
    deps.log.warn('could not record when the task was first seen finished; counted from now', {
      taskNo,
      ...describeError(err),
    });
  });
  return nowMs;
}

/**
 * Marks our tasks for the buying runs (ranTaskMark) once they are known to have run for an entry not yet settled,
 * before its batch can close: once closed, its TaskNo is no longer skipped as ours, and the mark says it is (and
 * until when its rows are read). Known to have run: no unsettled row waits or executes, and one reads succeeded, or
 * failed with the task finished (`ranRows`, beside the confirmation listing); or an entry without a row reads
 * renewed (`ranUnlisted`, after it).
 * Put once, at the first such sight: a batch left open for a person writes nothing each hour. Never rejects: resolves
 * with the batches whose mark is not durable (a failed write), which step 3 leaves unrecorded (open, TaskNo ours).
 */
async function markRan(deps: JobDeps, batches: readonly Batch[], log: JobDeps['log']): Promise<Set<string>> {
  const markOf = (b: Batch) => ranTaskMark(b.taskNo ?? '');
  const ran = batches.filter((b) => b.taskNo);
  if (ran.length === 0) return new Set();
  const put = await deps.ledger.getMarks(ran.map(markOf)).catch(() => new Map<string, number>());
  const missing = ran.filter((b) => !put.has(markOf(b)));
  if (missing.length === 0) return new Set();
  try {
    await deps.ledger.putMarks(missing.map(markOf), deps.clock.now());
    return new Set();
  } catch (err) {
    // Only the batches whose mark is not durable wait: one already marked is recorded as usual.
    log.error('could not mark tasks seen to run; their batches are recorded next run', describeError(err));
    return new Set(missing.map((b) => b.batchId));
  }
}

/**
 * The batches whose task has run its rows of the unsettled entries: none waiting or executing, one succeeded or
 * failed, and the task list not saying it may still run one (a row not listed yet). A batch-mate's early row, failed
 * (review 2026-12-05) or succeeded (review 2026-12-07, also beside a row not listed yet), while the rest of the task
 * waited days in the queue dated the mark days before the task ran, and a drifted lagging listing then bought the
 * late row's domain again.
 */
function ranRows(progress: readonly CheckProgress[]): Batch[] {
  return progress.flatMap(({ batch, details, taskMayRun, unknownRows }) => {
    if (!details) return [];
    const states = batch.entries.filter((e) => !e.outcome).map((e) => details.get(e.domain)?.state);
    // A row of an undocumented status may not have run: the mark would end the count of its money as committed (at 7
    // days, not 30) while it may still be charged (review 2026-12-07, twenty-sixth session).
    const odd = batch.entries.some((e) => !e.outcome && unknownRows?.has(e.domain));
    const running = states.includes('waiting') || states.includes('executing') || odd;
    const ran = !running && !taskMayRun && (states.includes('success') || states.includes('failure'));
    return ran ? [batch] : [];
  });
}

/** The batches with an unsettled entry without a row whose expiry now reads renewed (settled by its look-up). */
function ranUnlisted(
  progress: readonly CheckProgress[],
  expiries: ReadonlyMap<string, number>,
  rules: SettleRules,
  skip: ReadonlySet<Batch>,
): Batch[] {
  return progress.flatMap(({ batch, details, unknownRows, taskFinished, taskMayRun }) => {
    if (!details || skip.has(batch)) return [];
    // Settled by its look-up now: no row to go by (none, or one of an undocumented status), its expiry reads renewed.
    const settlesNow = (e: BatchEntry) => {
      const now = expiries.get(e.domain);
      return (
        !e.outcome &&
        !details.has(e.domain) &&
        now !== undefined &&
        rules.judgeExpiry(e.expiryMs, e.years, now) === 'renewed'
      );
    };
    // As ranRows: a row of an unsettled entry still waiting, executing or odd has not run; the mark waits for it. Not
    // an odd row whose own entry settles now: it ran, and the batch may close with it (without the mark then, the
    // closed batch's task went unread and a lagging listing bought the domain again: review of this rule, the same
    // session).
    const waits = batch.entries.some((e) => {
      const state = details.get(e.domain)?.state;
      if (e.outcome || settlesNow(e)) return false;
      // No row yet, and the task list does not say the task finished: the row may still run (a batch-mate's odd row
      // read renewed dated the mark while this one waited days in the queue: review of 1630988).
      if (state === undefined && taskFinished !== true) return true;
      // A failed row held while the task may still run it again (recordResults, ranRows): not run yet either (an
      // unlisted batch-mate read renewed dated the mark at the first check: review of 11dc706).
      if (state === 'failure' && taskMayRun === true) return true;
      return state === 'waiting' || state === 'executing' || unknownRows?.has(e.domain) === true;
    });
    if (waits) return [];
    return batch.entries.some(settlesNow) ? [batch] : [];
  });
}

/**
 * Whether the task may still run a row of an unsettled entry, which holds a failed row back (recordResults) and the
 * ran-task mark (ranRows): asked only when a failed row would otherwise be made final, or a succeeded row sits beside
 * one not listed yet (no row waiting or executing). An entry with no row may be a
 * lagging one: until the batch is stuck-old (`notify.stuckAfterHours` since its submit) that is assumed. Otherwise
 * the task list says: not finished, not listed, or not readable holds the failure. Review 2026-12-04: made final on
 * the rows alone while the task was still queued, the next run bought the domain again; and with every row run but
 * the task not yet finished, the renew run read the task as someone else's and held the domain under that name.
 */
async function readWhetherTaskMayRun(
  deps: JobDeps,
  policy: Policy,
  batch: Batch,
  details: ReadonlyMap<string, TaskDetail>,
): Promise<boolean> {
  const states = batch.entries.filter((e) => !e.outcome).map((e) => details.get(e.domain)?.state);
  // A failed row about to be made final, or a succeeded one beside a row not listed yet (ranRows): the mark waits.
  const decides =
    (states.includes('failure') || (states.includes('success') && states.includes(undefined))) &&
    !states.includes('waiting') &&
    !states.includes('executing');
  if (!decides) return false;
  const sinceMs = batch.submitStartedAtMs ?? batch.createdAtMs;
  if (states.includes(undefined) && deps.clock.now() - sinceMs < computeStuckAfterMs(policy, batch)) return true;
  try {
    // Made even when short of time (a starved failure must be recorded some day), but never past the deadline.
    return (
      (await withinDeadline(readTaskState(deps.registrar, batch.taskNo ?? '', sinceMs), deps.remainingMs)) !==
      'finished'
    );
  } catch (err) {
    // Unread, the failure is held (as while the task runs), and the rest of the batch is still recorded: a task list
    // that fails every hour must not keep its renewals from being confirmed.
    deps.log.warn('task list not read; a failed row is held until it is', {
      batchId: batch.batchId,
      taskNo: batch.taskNo,
      ...describeError(err),
    });
    return true;
  }
}

/**
 * Confirms renewals on their claims while the expiries are still being read: `found` takes each expiry as it
 * arrives; a renewal whose new expiry is about old + years gets its claim saved RENEWED at once (LEDGER_CONCURRENCY
 * at a time), and the saved claim replaces the read-ahead one in `known`. Best effort: a failed save is only
 * logged, and step 3 applies the same transition to whatever the claim then is. `settled` waits for every save.
 */
function confirmEarly(
  deps: JobDeps,
  succeeded: readonly { batch: Batch; entry: BatchEntry }[],
  knownReady: Promise<Map<string, Claim>>,
  rules: SettleRules,
  log: JobDeps['log'],
): { found: (domain: string, expiryMs: number) => void; settled: () => Promise<void> } {
  const waiting = new Map<string, { batch: Batch; entry: BatchEntry }[]>();
  for (const s of succeeded) waiting.set(s.entry.domain, [...(waiting.get(s.entry.domain) ?? []), s]);
  const queue = createTaskQueue(LEDGER_CONCURRENCY);
  const save = async (batch: Batch, entry: BatchEntry, newExpiryMs: number) => {
    const known = await knownReady;
    const key = claimKey(entry.domain, entry.expiryMs);
    const claim = known.get(key);
    if (!claim || claim.batchId !== batch.batchId || !isLive(claim)) return;
    try {
      const next = transitions.confirm(claim, { taskNo: batch.taskNo ?? '', newExpiryMs });
      known.set(key, await deps.ledger.saveClaim({ ...next, updatedAtMs: deps.clock.now() }));
    } catch (err) {
      log.debug('renewal not confirmed early; the batch step confirms it', {
        domain: entry.domain,
        ...describeError(err),
      });
    }
  };
  return {
    found(domain, expiryMs) {
      for (const { batch, entry } of waiting.get(domain) ?? []) {
        if (rules.judgeExpiry(entry.expiryMs, entry.years, expiryMs) !== 'renewed') continue;
        queue.push(() => save(batch, entry, expiryMs));
      }
    },
    settled: () => queue.drain(),
  };
}

/** Claims read before step 1: by claimKey, and every key asked for (a claim that is absent is not asked again). */
interface ClaimsAhead {
  claims: Map<string, Claim>;
  asked: Set<string>;
}

/**
 * The claims of every unsettled entry of the batches already sent (SUBMITTED with a TaskNo), which step 1 only
 * reads. Never rejects: a failed read is logged and leaves the keys to prefetchClaims.
 */
async function readClaimsAhead(deps: JobDeps, open: readonly Batch[], log: JobDeps['log']): Promise<ClaimsAhead> {
  const keys = open
    .filter((b) => b.status === 'SUBMITTED' && b.taskNo)
    .flatMap((b) => b.entries.filter((e) => !e.outcome).map((e) => ({ domain: e.domain, expiryMs: e.expiryMs })));
  if (keys.length === 0) return { claims: new Map(), asked: new Set() };
  try {
    const claims = await deps.ledger.getClaims(keys);
    return {
      claims: new Map(claims.map((c) => [claimKey(c.domain, c.expiryMs), c])),
      asked: new Set(keys.map((k) => claimKey(k.domain, k.expiryMs))),
    };
  } catch (err) {
    log.warn('claims not read ahead of the task details; read after them', describeError(err));
    return { claims: new Map(), asked: new Set() };
  }
}

/**
 * The claims of every entry whose task reported a result (success or failure), keyed by claimKey: those read ahead
 * (readClaimsAhead), the rest read in one go. Best effort: a failed read leaves them out and each batch reads its
 * own claims as before.
 */
async function prefetchClaims(
  deps: JobDeps,
  progress: readonly { batch: Batch; details?: ReadonlyMap<string, TaskDetail> }[],
  aheadReady: Promise<ClaimsAhead>,
  log: JobDeps['log'],
): Promise<Map<string, Claim>> {
  const ahead = await aheadReady;
  const keys = progress.flatMap(({ batch, details }) =>
    details
      ? batch.entries
          .filter((e) => {
            const state = details.get(e.domain)?.state;
            return (
              !e.outcome &&
              (state === 'success' || state === 'failure') &&
              !ahead.asked.has(claimKey(e.domain, e.expiryMs))
            );
          })
          .map((e) => ({ domain: e.domain, expiryMs: e.expiryMs }))
      : [],
  );
  if (keys.length === 0) return ahead.claims;
  try {
    for (const c of await deps.ledger.getClaims(keys)) ahead.claims.set(claimKey(c.domain, c.expiryMs), c);
  } catch (err) {
    log.warn('claims not read ahead; each batch reads its own', describeError(err));
  }
  return ahead.claims;
}

/** `renewedElsewhereToMs` for transitions.fail, when the registrar showed the domain renewed all the same. */
function optionalElsewhere(toMs: number | undefined): { renewedElsewhereToMs?: number } {
  return toMs === undefined ? {} : { renewedElsewhereToMs: toMs };
}

/**
 * How long a submitted batch's task may run before it is paged stuck when one of its domains, not yet expired at the
 * submit, expires before the normal alert or within EARLY_STUCK_MARGIN_MS after it: 1 h, in ms.
 */
const EARLY_STUCK_MS = HOUR_MS;
/** A domain expiring this soon after the normal stuck alert is paged early too: the alert would leave too little time. */
const EARLY_STUCK_MARGIN_MS = 12 * HOUR_MS;

/**
 * How long after its submit a batch is stuck, ms: notify.stuckAfterHours, or EARLY_STUCK_MS when a renewal of it
 * would lapse before that alert is due or within EARLY_STUCK_MARGIN_MS after it (review 2026-12-04: a retry sent
 * hours before the expiry was first paged after it). For one already expired at the submit the end of its grace
 * period counts instead (review 2026-12-07: bought on the last grace day, its queued task was first paged 16 h into
 * redemption, which this tool never buys). Not for an unknown batch (it has its lapse-risk alert).
 */
function computeStuckAfterMs(policy: Policy, batch: Batch): number {
  const since = batch.submitStartedAtMs ?? batch.createdAtMs;
  const stuckAfterMs = policy.notify.stuckAfterHours * HOUR_MS;
  const lapsesFirst =
    batch.status === 'SUBMITTED' &&
    batch.entries.some((e) => {
      const lastMs = actByMsOf(e.domain, e.expiryMs, since);
      return !e.outcome && lastMs > since && lastMs < since + stuckAfterMs + EARLY_STUCK_MARGIN_MS;
    });
  return lapsesFirst ? Math.min(stuckAfterMs, EARLY_STUCK_MS) : stuckAfterMs;
}

/**
 * Marks a batch stuck when it has been open longer than notify.stuckAfterHours (an hour, EARLY_STUCK_MS, for a
 * submitted one whose domain would lapse before or soon after that), and again every day while it stays open: an
 * alert said once and then never again is an alert that can be missed.
 */
async function flagStuck(deps: JobDeps, policy: Policy, batch: Batch, summary: CheckSummary): Promise<Batch> {
  if (batch.status === 'CLOSED') return batch;
  const now = deps.clock.now();
  const since = batch.submitStartedAtMs ?? batch.createdAtMs;
  if (now - since < computeStuckAfterMs(policy, batch)) return batch;
  if (batch.pendingNotices.includes('stuck')) return batch;
  const last = batch.stuckNotifiedAtMs ?? (batch.sentNotices.includes('stuck') ? since : undefined);
  if (last !== undefined && now - last < 24 * HOUR_MS) return batch;
  summary.stuck += 1;
  deps.log.warn('batch stuck', { batchId: batch.batchId, taskNo: batch.taskNo, status: batch.status });
  return deps.ledger.saveBatch({
    ...batch,
    pendingNotices: [...batch.pendingNotices, 'stuck'],
    stuckNotifiedAtMs: now,
    updatedAtMs: now,
  });
}

/**
 * Applies task results to a submitted batch: failures become FAILED (retried later within limits); successes become
 * RENEWED only once the read-back expiry is about old + years; any other move is `expiry-moved` and stays open for a
 * person; waiting/executing stay pending. Claims first, batch second: a failed claim write throws, so the batch is
 * not saved and the step repeats on the next run (no claim is left live under a closed batch).
 */
async function recordResults(
  deps: JobDeps,
  policy: Policy,
  batch: Batch,
  task: {
    details: ReadonlyMap<string, TaskDetail>;
    taskMayRun: boolean;
    taskFinished: boolean;
    finishedSeenAtMs?: number;
    unknownRows: ReadonlyMap<string, number>;
  },
  readBack: {
    expiries: ReadonlyMap<string, number>;
    notFound: ReadonlySet<string>;
    /** Failed rows whose look-up the run had no time to make: left open for the next run. */
    unread: ReadonlySet<string>;
  },
  summary: CheckSummary,
  rules: SettleRules,
  known: ReadonlyMap<string, Claim>,
): Promise<Batch> {
  const { expiries, notFound } = readBack;
  const { details } = task;
  const taskNo = batch.taskNo ?? '';
  const entries: BatchEntry[] = [];
  let noted = false;
  let toAct = false;
  // A note this look contradicts: the failed row runs again (or is gone), the domain was found after all or its row
  // runs (the "not in this account" note sends a person to close the batch: review 2026-12-04).
  const isStale = (entry: BatchEntry): boolean => {
    if (hasHeldFailureNote(entry)) return true;
    if (
      hasNote(entry, FINISHED_WITHOUT_ROW) ||
      hasNote(entry, FINISHED_WITHOUT_ROW_RECENTLY) ||
      hasNote(entry, FINISHED_WITHOUT_ROW_BY_HAND)
    )
      return details.has(entry.domain) || task.unknownRows.has(entry.domain);
    if (hasUnknownRowNote(entry)) return !task.unknownRows.has(entry.domain);
    const state = details.get(entry.domain)?.state;
    return (
      hasNote(entry, NOT_IN_ACCOUNT) && (expiries.has(entry.domain) || state === 'waiting' || state === 'executing')
    );
  };
  /** An open entry with what this look found (its stuck line says it); without a finding it keeps the last one. */
  const pending = (entry: BatchEntry, note?: string): BatchEntry => {
    summary.pending += 1;
    const finding = notFound.has(entry.domain) ? NOT_IN_ACCOUNT : note;
    if (finding === undefined && isStale(entry)) {
      noted = true;
      const { message: _stale, ...rest } = entry;
      return rest;
    }
    if (finding === undefined || hasNote(entry, finding)) return entry;
    noted = true;
    // First told to act: a stuck line goes out now, not with the next daily one, which may come after the act-by
    // moment (the third review: the change came a day late); not again as one act note gives way to the other.
    if (isActNote(finding) && !isActNote(entry.message)) toAct = true;
    return { ...entry, message: finding };
  };
  /** A settled entry drops the note it had while open. */
  const renewedEntry = ({ message: _note, ...entry }: BatchEntry, newExpiryMs: number): BatchEntry => ({
    ...entry,
    outcome: 'RENEWED',
    newExpiryMs,
  });
  const renewed = new Map<string, number>();
  const failed = new Map<string, string>();
  const renewedElsewhere = new Map<string, number>();
  const moved: { domain: string; expiryMs: number }[] = [];
  // A failed row is final only once no row of its task waits or executes: whether the registrar runs a failed row
  // again while its task runs is UNCONFIRMED (TryCount is a retry count), and a failure recorded early is retried
  // by a later renew run, a second purchase if the row then succeeds. Until then it is pending (stuck alerts apply).
  // The same while readWhetherTaskMayRun says the task may still run one (a row lagging, or the task list not
  // showing the task finished).
  // A row of an undocumented status does not hold a batch-mate's failure once the task list says the task finished
  // (taskMayRun): held, the failure was never retried while that row stayed odd, and the domain lapsed
  // (check-unexpected-row-status). Its own money still counts as committed (ranRows).
  const taskRunning =
    [...details.values()].some((d) => d.state === 'waiting' || d.state === 'executing') || task.taskMayRun;
  for (const entry of batch.entries) {
    const name = entry.domain;
    const detail = details.get(name);
    if (!entry.outcome && !detail) {
      // Not in the task's details (lagging, or never shown): only a read-back of about old + years settles it.
      const current = expiries.get(name);
      const verdict = current === undefined ? undefined : rules.judgeExpiry(entry.expiryMs, entry.years, current);
      if (verdict === 'renewed' && current !== undefined) {
        renewed.set(entry.domain, current);
        entries.push(renewedEntry(entry, current));
        continue;
      }
      if (verdict === 'moved' && current !== undefined) moved.push({ domain: entry.domain, expiryMs: current });
      const unknownCode = task.unknownRows.get(name);
      if (unknownCode !== undefined) {
        entries.push(pending(entry, unknownRowNote(unknownCode)));
        continue;
      }
      if (verdict === 'unchanged' && (task.taskFinished || hasNote(entry, FINISHED_WITHOUT_ROW_RECENTLY))) {
        const nowMs = deps.clock.now();
        if (task.finishedSeenAtMs === undefined && isActNote(entry.message)) {
          entries.push(pending(entry));
          continue;
        }
        const seenMs = task.finishedSeenAtMs ?? nowMs;
        const wait = mayExpiryStillShow(entry, seenMs, nowMs);
        // A batch-mate close-batch would refuse the batch for keeps it open past this one's act-by moment, and the
        // renew job buys nothing after its window: the close this note would advise buys nothing in time, so it says to
        // renew by hand (the third review; a mate's success row lagging, the window ending: thirtieth session).
        const mateHolds = batch.entries.some(
          (o) =>
            o !== entry &&
            !o.outcome &&
            (task.unknownRows.has(o.domain) || holdsClose(o, details.get(o.domain), seenMs, nowMs)),
        );
        const pastWindow = entry.lastBuyMs !== undefined && storedLastBuyMs(entry) < nowMs + DAY_MS + HOUR_MS;
        // Told to act while the batch is younger than close-batch accepts (its act-by moment within a day, so no
        // wait): the close would be refused until after that moment (the review of 51dd34b).
        const tooYoung = nowMs - closeAgeFromMs(batch) < MIN_CLOSE_AGE_MS;
        entries.push(
          pending(
            entry,
            wait
              ? FINISHED_WITHOUT_ROW_RECENTLY
              : mateHolds || pastWindow || tooYoung
                ? FINISHED_WITHOUT_ROW_BY_HAND
                : FINISHED_WITHOUT_ROW,
          ),
        );
        continue;
      }
    }
    const running = detail?.state === 'waiting' || detail?.state === 'executing';
    if (entry.outcome || !detail || running) {
      entries.push(entry.outcome ? entry : pending(entry));
      continue;
    }
    if (detail.state === 'failure') {
      // Registrar text is untrusted input: redacted, stripped of control characters, bounded.
      const message = boundText(detail.failReason || detail.errorMsg || 'the registrar reported the renewal failed');
      if (taskRunning) {
        entries.push(pending(entry, heldFailureNote(message)));
        continue;
      }
      if (readBack.unread.has(name)) {
        entries.push(pending(entry));
        continue;
      }
      const shown = expiries.get(name);
      const elsewhere = shown !== undefined && rules.judgeExpiry(entry.expiryMs, entry.years, shown) === 'renewed';
      const said = elsewhere
        ? boundText(
            `${RENEWED_ANYWAY_PREFIX}${formatDateUtc(shown)} though its row failed (by another order, or by this one after all): not retried; do not renew it by hand (its row: ${message})`,
          )
        : message;
      if (elsewhere) renewedElsewhere.set(entry.domain, shown);
      failed.set(entry.domain, said);
      entries.push({ ...entry, outcome: 'FAILED', message: said });
      continue;
    }
    // Success is only a fact once the registrar shows about old + years.
    const current = expiries.get(name);
    const verdict = current === undefined ? 'unchanged' : rules.judgeExpiry(entry.expiryMs, entry.years, current);
    if (verdict === 'renewed' && current !== undefined) {
      renewed.set(entry.domain, current);
      entries.push(renewedEntry(entry, current));
      continue;
    }
    if (verdict === 'moved' && current !== undefined) {
      moved.push({ domain: entry.domain, expiryMs: current });
      entries.push(pending(entry));
      continue;
    }
    deps.log.warn('task reports success but the expiry has not moved yet', { domain: entry.domain, taskNo });
    entries.push(pending(entry, current === undefined ? undefined : TASK_SAYS_RENEWED));
  }
  let current = moved.length > 0 ? await recordMoved(deps, batch, moved) : batch;
  if (renewed.size === 0 && failed.size === 0) {
    if (!noted) return current;
    return deps.ledger.saveBatch({
      ...current,
      entries,
      updatedAtMs: deps.clock.now(),
      ...(toAct ? { stuckNotifiedAtMs: 0 } : {}),
    });
  }

  const now = deps.clock.now();
  await applyToClaims(
    deps,
    current,
    (c) => {
      const newExpiryMs = renewed.get(c.domain);
      // A claim of this batch released meanwhile (a person's close-batch racing this step) whose renewal the task
      // and the expiry now show: confirmed all the same, else the released key could be bought again (review
      // 2026-12-03). Confirming buys nothing; RENEWED ends the key.
      const releasedHere = c.status === 'FAILED' && c.code === 'not-submitted';
      if (newExpiryMs !== undefined && (isLive(c) || releasedHere))
        return transitions.confirm(c, { taskNo, newExpiryMs });
      if (!isLive(c)) return c;
      const message = failed.get(c.domain) ?? 'failed';
      return transitions.fail(c, {
        taskNo,
        message,
        nowMs: now,
        ...(current.submitStartedAtMs !== undefined ? { attemptAtMs: current.submitStartedAtMs } : {}),
        retryAfterHours: policy.limits.retryAfterHours,
        fixable: isFixableByPerson(message, isCouponSent(current)),
        ...optionalElsewhere(renewedElsewhere.get(c.domain)),
      });
    },
    new Set([...renewed.keys(), ...failed.keys()]),
    known,
  );
  summary.renewed += renewed.size;
  summary.failed += failed.size;
  const done = entries.every((e) => e.outcome);
  deps.log.info('task results recorded', {
    batchId: batch.batchId,
    taskNo,
    renewed: renewed.size,
    failed: failed.size,
    done,
  });
  // A failure goes out at once, not when the last batch-mate settles (one whose expiry lags, or that moved oddly,
  // can keep the batch open for days: review 2026-12-03); the close sends the whole result again.
  const final = (done || failed.size > 0) && !current.pendingNotices.includes('final');
  current = await deps.ledger.saveBatch({
    ...current,
    entries,
    updatedAtMs: now,
    ...(toAct ? { stuckNotifiedAtMs: 0 } : {}),
    ...(final ? { pendingNotices: [...current.pendingNotices, 'final' as const] } : {}),
    ...(done ? { status: 'CLOSED' as const, closedAtMs: now } : {}),
  });
  return current;
}
