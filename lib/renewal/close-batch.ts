import { InputError } from '../errors';
import type { Batch, BatchEntry, Claim, Ledger } from '../ledger/port';
import { formatDateTimeUtc } from '../notify/text/sanitize';
import type { Registrar, TaskInfo } from '../registrar/port';
import { isLive, transitions } from './claims';
import { DAY_MS } from './dates';
import { hasNote, NOT_IN_ACCOUNT } from './entry-notes';
import { finishedTaskMark, JUST_RENEWED_MS, mayExpiryStillShow } from './foreign-tasks';
import { readKnownElsewhere } from './known-tasks';
import { rowsByDomain } from './task-rows';
import { readTask } from './task-state';
import { boundText, MAX_STORED_TEXT } from './text';

/** Batch error code of a batch a person closed (`autorenew close-batch`): its `resolved` line says so. */
export const CLOSED_BY_HAND = 'closed-by-hand';

/** The end of a closed entry's message whose task row said renewed (closed `renewed-elsewhere`, not released). */
/** How the message of a claim or entry a close released begins. */
const CLOSED_BY_HAND_PREFIX = 'closed by hand: ';

export const ROW_RENEWED_NOTE = "; its task's row said renewed: not bought again until `autorenew retry`";

/**
 * A batch younger than this (since its submit started) is refused: check settles a young one by itself, and a
 * renew run may still be sending it (a close in between reopened nothing and let the next run buy again). ms.
 */
export const MIN_CLOSE_AGE_MS = DAY_MS;

/** Notices about an unsettled batch that a close by hand makes obsolete. */
const SUPERSEDED: ReadonlySet<string> = new Set(['unknown', 'stuck', 'lapse-risk']);

/** What the close does (or would do) to one unsettled entry, read from its claim. */
export interface ClosedEntry {
  entry: BatchEntry;
  /**
   * `released`: its live claim is freed; `renewed`: its claim was confirmed meanwhile; `settled`: no live claim;
   * `row-renewed`: its task's row said renewed though check could not confirm it (its live claim is kept from being
   * bought again by any account until `autorenew retry <domain>`).
   */
  action: 'released' | 'renewed' | 'settled' | 'row-renewed';
}

export interface CloseBatchResult {
  batch: Batch;
  /** The entries that had no outcome: what the close settles (or would settle, without `write`). */
  unsettled: ClosedEntry[];
  /** False when the batch was closed already: nothing to do. */
  open: boolean;
  /** Whether its task's rows were read first: `no-task` when it has no TaskNo (an unknown submit's). */
  taskCheck: 'read' | 'no-task' | 'skipped';
}

type CloseLedger = Pick<Ledger, 'getBatch' | 'listClaimsForDomain' | 'saveClaim' | 'saveBatch' | 'getMarks'>;
type TaskReader = Pick<Registrar, 'listTaskDetails' | 'listTasks'>;

/**
 * A person's way out of a batch that check cannot settle (its domain transferred out, a task cancelled, two tasks
 * touching it): they have looked in the console and nothing more will happen at the registrar for its unsettled
 * entries. Each live claim of those entries is released (FAILED `not-submitted`, no attempt, claimable at once: the
 * next renew run buys the domain if it is due and not held; the batch's TaskNo goes to its earlier ones, so no
 * reconciliation adopts that task for it later), then the batch is closed with a `resolved` notice, and `final` when
 * some entries had settled before (their renewed and failed lines were waiting for the close). A claim confirmed
 * meanwhile keeps its entry renewed. Claims first, as everywhere: until the batch is closed its open entry still
 * holds the domain, and a check that settles the batch meanwhile makes the batch write fail (versioned): run again.
 * @param reason the person's words, kept on the claims and the batch
 * @param nowMs epoch ms
 * @param write false: only says what it would do
 * @param tasks the registrar, asked for the rows of the batch's task (when it has a TaskNo) before anything is
 *   written, and, when an unsettled entry has no row, whether the task has finished: absent only when the person
 *   chose not to (`--no-task-check`), their look at the console standing in
 * @throws InputError when there is no such batch, or it is an intent or younger than a day (check's to settle), or
 *   its task still holds an unsettled entry at the registrar
 */
export async function closeBatchByHand(
  ledger: CloseLedger,
  batchId: string,
  reason: string,
  nowMs: number,
  write: boolean,
  tasks?: TaskReader,
): Promise<CloseBatchResult> {
  const batch = await ledger.getBatch(batchId);
  if (!batch) {
    throw new InputError(
      `no batch ${JSON.stringify(batchId)} in the ledger; \`autorenew status\` lists the open ones; nothing was written`,
    );
  }
  if (batch.status === 'CLOSED')
    return { batch, unsettled: [], open: false, taskCheck: !tasks ? 'skipped' : batch.taskNo ? 'read' : 'no-task' };
  const sinceMs = batch.submitStartedAtMs ?? batch.createdAtMs;
  const ageFromMs = closeAgeFromMs(batch);
  // An intent whose submit started is an unknown submit whose UNKNOWN write failed: closed as one, once a day old
  // (review 2026-12-05, round 4: refused for good, while the stuck alert sent the person here every day). One not
  // started is the reconciler's to release; a run may be sending it right now.
  const unstarted = batch.status === 'INTENT' && batch.submitStartedAtMs === undefined;
  const rehomed = (batch.repaired?.length ?? 0) > 0;
  if (unstarted || nowMs - ageFromMs < MIN_CLOSE_AGE_MS) {
    throw new InputError(
      `batch ${batchId} is ${unstarted ? 'an intent (its order may be being sent right now)' : rehomed ? "a batch the check job re-homed less than a day ago (its claims had lost their batch, and that batch's TaskNo is not known here)" : 'less than a day old'}: the check job settles it by itself; close only a batch reported stuck for a day or more; nothing was written`,
    );
  }
  const open = batch.entries.filter((e) => !e.outcome);
  const claimsOf = new Map<string, Claim[]>();
  for (const entry of open) {
    const claims = await ledger.listClaimsForDomain(entry.domain);
    claimsOf.set(
      entry.domain,
      claims.filter((c) => c.expiryMs === entry.expiryMs && c.batchId === batch.batchId),
    );
  }
  // The batch's task, and any a live claim carries (an adoption whose batch write failed: a task was seen for it,
  // review 2026-12-04), are read before anything is written.
  const carried = [...claimsOf.values()].flat().flatMap((c) => (isLive(c) && c.taskNo ? [c.taskNo] : []));
  const taskNos = new Set([...(batch.taskNo ? [batch.taskNo] : []), ...carried]);
  // A TaskNo the ledger knows as an earlier attempt's or another batch's is not this submit's task (a paid call's
  // error answer that named it: reconcile's `misnamed`): its finished rows said the close was safe while the submit's
  // own task waited in the queue, and the next run bought the domain again (review 2026-12-07, twenty-sixth session).
  // Only a batch not SUBMITTED: a SUBMITTED batch's TaskNo is a 2xx answer's or an adoption (which excluded those),
  // and a batch-mate that failed in it lists it as an earlier attempt's: the genuine task was refused for good
  // (review 2026-12-07, twenty-sixth session, of that day's fix).
  const named = batch.status !== 'SUBMITTED';
  const known = tasks && named && taskNos.size > 0 ? await readKnownElsewhere(ledger, batch) : new Set<string>();
  const misnamed = [...taskNos].filter((t) => known.has(t));
  if (misnamed.length > 0) {
    throw new InputError(
      `batch ${batchId} is not closed: its TaskNo ${misnamed.join(', ')} is an earlier attempt's or another batch's task (named by the paid call's error answer), so this submit's own task is not known and may still be queued. Let the check job settle it (it adopts the submit's task once the task list shows it); once the console task list shows no task of this submit, close with --no-task-check. Nothing was written`,
    );
  }
  const taskCheck = !tasks ? 'skipped' : taskNos.size > 0 ? 'read' : 'no-task';
  const rowRenewed = new Set<string>();
  if (tasks) {
    for (const taskNo of taskNos) {
      const ran = { ledger, nowMs };
      for (const domain of await refuseWhileTaskHolds(tasks, batch, taskNo, sinceMs, ran)) rowRenewed.add(domain);
    }
  }
  const message = boundText(`${CLOSED_BY_HAND_PREFIX}${reason}`);
  // The note is kept whole however long the reason (cut before it): the resolved line is told by it.
  const rowMessage = `${boundText(message, MAX_STORED_TEXT - ROW_RENEWED_NOTE.length)}${ROW_RENEWED_NOTE}`;
  const unsettled: ClosedEntry[] = [];
  const renewedAt = new Map<string, number>();
  for (const entry of open) {
    const claims = claimsOf.get(entry.domain) ?? [];
    const renewed = claims.find((c) => c.status === 'RENEWED' && c.newExpiryMs !== undefined);
    if (renewed?.newExpiryMs !== undefined) {
      renewedAt.set(entry.domain, renewed.newExpiryMs);
      unsettled.push({ entry, action: 'renewed' });
      continue;
    }
    const live = claims.filter(isLive);
    const shown = rowRenewed.has(entry.domain);
    // A close run again after its batch write failed finds the claims it released then: reported as released (read
    // as "settled elsewhere, nothing to release", a person closing to look first was told nothing was left to hold,
    // and the next run bought it: review 2026-12-07, thirty-first session).
    const closedBefore =
      live.length === 0 ? claims.find((c) => c.message?.startsWith(CLOSED_BY_HAND_PREFIX)) : undefined;
    const action =
      live.length > 0
        ? shown
          ? 'row-renewed'
          : 'released'
        : closedBefore === undefined
          ? 'settled'
          : closedBefore.message?.endsWith(ROW_RENEWED_NOTE)
            ? 'row-renewed'
            : 'released';
    unsettled.push({ entry, action });
    if (!write) continue;
    for (const claim of live) {
      const previous = [claim.previousTaskNos ?? [], claim.taskNo ?? [], batch.taskNo ?? []].flat();
      await ledger.saveClaim({
        ...(shown
          ? transitions.closeRowRenewed(claim, { message: rowMessage, nowMs })
          : transitions.release(claim, { message, nowMs })),
        ...(previous.length > 0 ? { previousTaskNos: [...new Set(previous)] } : {}),
        updatedAtMs: nowMs,
      });
    }
  }
  if (!write) return { batch, unsettled, open: true, taskCheck };
  const entries = batch.entries.map((e): BatchEntry => {
    if (e.outcome) return e;
    const newExpiryMs = renewedAt.get(e.domain);
    if (newExpiryMs === undefined) {
      return { ...e, outcome: 'NOT_SUBMITTED', message: rowRenewed.has(e.domain) ? rowMessage : message };
    }
    const { message: _note, ...settled } = e; // an open entry's note (entry-notes.ts) ends with it
    return { ...settled, outcome: 'RENEWED', newExpiryMs };
  });
  const settledBefore = batch.entries.some((e) => e.outcome === 'RENEWED' || e.outcome === 'FAILED');
  const kept = batch.pendingNotices.filter((n) => !SUPERSEDED.has(n) && n !== 'resolved' && n !== 'final');
  const closed = await ledger.saveBatch({
    ...batch,
    status: 'CLOSED',
    closedAtMs: nowMs,
    updatedAtMs: nowMs,
    error: { code: CLOSED_BY_HAND, message },
    entries,
    // The person has looked: an alert still waiting to go out about the open state would now be wrong.
    pendingNotices: [...kept, 'resolved', ...(settledBefore || renewedAt.size > 0 ? ['final' as const] : [])],
  });
  return { batch: closed, unsettled, open: true, taskCheck };
}

/**
 * From when a batch's age counts for a close (epoch ms): its submit start, else its creation. A batch the sweep
 * re-homed starts at its claims' time, a day or more before it was made, and knows no TaskNo: its age counts from the
 * re-homing too, as check's release does (reconcile.ts; review 2026-12-07, twenty-seventh session: closed an hour
 * after it was made, with no task to check, while the lost batch's task still waited).
 */
export function closeAgeFromMs(batch: Batch): number {
  const sinceMs = batch.submitStartedAtMs ?? batch.createdAtMs;
  return (batch.repaired?.length ?? 0) > 0 ? Math.max(sinceMs, batch.createdAtMs) : sinceMs;
}

/**
 * Refuses a close of entries without a row in a task that finished less than JUST_RENEWED_MS ago (as check first
 * found it so: its finished-task mark; none yet counts as just now): the task may have renewed them with no row to
 * say so, and a new expiry can show up to two days after a task ran. Closed then, the next renew run bought the
 * expiry a second time when the listing still showed the old one (review 2026-12-07, twenty-ninth session). Not an
 * entry a person must act on before those two days end (foreign-tasks.ts mayExpiryStillShow): its close is theirs.
 */
async function refuseWhileExpiryMayLag(
  ran: { ledger: Pick<Ledger, 'getMarks'>; nowMs: number },
  batch: Batch,
  taskNo: string,
  unsure: readonly BatchEntry[],
  rows: ReadonlyMap<string, unknown>,
): Promise<void> {
  const rowless = unsure.filter((e) => !rows.has(e.domain));
  if (rowless.length === 0) return;
  const mark = finishedTaskMark(taskNo);
  let seenMs: number | undefined;
  try {
    seenMs = (await ran.ledger.getMarks([mark])).get(mark);
  } catch (err) {
    throw new InputError(
      `batch ${batch.batchId} is not closed: when its task ${taskNo} was found finished could not be read from the ledger (${err instanceof Error ? err.message : String(err)}); try again. Nothing was written`,
      {},
      { cause: err },
    );
  }
  const waited = rowless.filter((e) => mayExpiryStillShow(e, seenMs ?? ran.nowMs, ran.nowMs)).map((e) => e.domain);
  if (waited.length === 0) return;
  const since =
    seenMs === undefined
      ? 'the check job has not yet found it finished'
      : `the check job first found it finished at ${formatDateTimeUtc(seenMs)}`;
  const until = seenMs === undefined ? '' : ` (after ${formatDateTimeUtc(seenMs + JUST_RENEWED_MS)})`;
  throw new InputError(
    `batch ${batch.batchId} is not closed: its task ${taskNo} finished without a row for ${waited.join(', ')}, and ${since}: it may have renewed them, and a new expiry can show up to 2 days after a task ran. Let the check job settle it (it confirms the renewal once the expiry moves, and says when nothing more can show it); close once the console still shows the old expiry 2 days after the task ran${until}. Nothing was written`,
  );
}

/**
 * Refuses a close while the batch's task still holds one of its unsettled entries: a row waiting or executing runs
 * later (released, the next renew run would buy the domain a second time), and a row that succeeded is a renewal
 * check confirms once the expiry shows. Only rows that failed, or none at all, in a task the task list shows finished
 * (or cancelled) leave a close to the person: a task still queued may list no row yet, or run a failed row again
 * (review 2026-12-04), so those are read with the task's state (the task list around `sinceMs`, epoch ms).
 * @returns the unsettled entries whose row says succeeded (left to the person: moved oddly, or not in the account)
 */
async function refuseWhileTaskHolds(
  tasks: TaskReader,
  batch: Batch,
  taskNo: string,
  sinceMs: number,
  ran: { ledger: Pick<Ledger, 'getMarks'>; nowMs: number },
): Promise<string[]> {
  const unreadable = (err: unknown) =>
    new InputError(
      `batch ${batch.batchId} is not closed: its task ${taskNo} could not be read (${err instanceof Error ? err.message : String(err)}); try again, or, once the console task list shows nothing of it waiting or running, close with --no-task-check; nothing was written`,
      {},
      { cause: err },
    );
  let details: Awaited<ReturnType<Registrar['listTaskDetails']>>;
  try {
    details = await tasks.listTaskDetails(taskNo);
  } catch (err) {
    throw unreadable(err);
  }
  const rows = rowsByDomain(details);
  // A renewal whose expiry moved oddly, or whose domain the registrar no longer finds, check never settles: its
  // success row is the person's to judge, as the alert that sent them here says.
  const forPerson = new Set([
    ...(batch.movedExpiries ?? []).map((m) => m.domain),
    ...batch.entries.filter((e) => !e.outcome && hasNote(e, NOT_IN_ACCOUNT)).map((e) => e.domain),
  ]);
  let task: Promise<TaskInfo | undefined> | undefined;
  const readState = async (): Promise<'finished' | 'cancelled' | 'running' | 'missing'> => {
    task ??= readTask(tasks, taskNo, sinceMs).catch((err: unknown) => {
      throw unreadable(err);
    });
    const read = await task;
    return read === undefined ? 'missing' : read.cancelled ? 'cancelled' : read.finished ? 'finished' : 'running';
  };
  // A task whose cancel has completed runs none of its rows, whatever they read (what a cancelled task's row reads is
  // UNCONFIRMED): the person told to cancel it first, who did, was told the same again (review 2026-12-07). As the
  // buying run reads such a task (foreign-tasks.ts).
  // A row already executing may finish all the same (what a cancel does to it is UNCONFIRMED): it still holds.
  const waiting = batch.entries.some((e) => !e.outcome && rows.get(e.domain)?.state === 'waiting');
  const cancelled = waiting && (await readState()) === 'cancelled';
  const held = batch.entries.flatMap((e) => {
    const state = e.outcome ? undefined : rows.get(e.domain)?.state;
    if (state === 'executing' || (state === 'waiting' && !cancelled))
      return [`${e.domain} (${state}: it may still run)`];
    // A status nobody documented may be a running one: held as executing is.
    if (state === 'unknown')
      return [
        `${e.domain} (its row's status, code ${rows.get(e.domain)?.statusCode}, is not one this tool knows: it may still run)`,
      ];
    if (state === 'success' && !forPerson.has(e.domain))
      return [`${e.domain} (renewed: check confirms it once the new expiry shows)`];
    return [];
  });
  // With no row, or a failed one, a task not finished may still run it (a failed row may run again: UNCONFIRMED; a
  // missing one may still come), whatever check last found: the task list must show it finished (review
  // 2026-12-04; a cancel in the console counts). A domain left to the person is so only as to its success row.
  const unsure = batch.entries.filter(
    (e) => !e.outcome && (!rows.has(e.domain) || rows.get(e.domain)?.state === 'failure'),
  );
  if (held.length === 0 && unsure.length > 0) {
    const state = await readState();
    if (state !== 'finished' && state !== 'cancelled') {
      const why =
        state === 'running'
          ? 'is not finished (a failed row may run again, a missing one may still come) for'
          : 'is not in the task list around its submit, so it may still run for';
      held.push(...unsure.map((e) => e.domain));
      throw new InputError(
        `batch ${batch.batchId} is not closed: its task ${taskNo} ${why} ${held.join(', ')}. Let the check job settle it; to stop a queued renewal, cancel the task in the console first, then close (--no-task-check closes without this read, when the console shows nothing will run). Nothing was written`,
      );
    }
    // A cancelled task too: a cancel stops only the rows not run yet, and one run without a row may have renewed it
    // (check says "wait" for it alike: review 2026-12-07, thirtieth session, a second purchase after such a close).
    if (state === 'finished' || state === 'cancelled') await refuseWhileExpiryMayLag(ran, batch, taskNo, unsure, rows);
  }
  if (held.length === 0) {
    return batch.entries.filter((e) => !e.outcome && rows.get(e.domain)?.state === 'success').map((e) => e.domain);
  }
  throw new InputError(
    `batch ${batch.batchId} is not closed: its task ${taskNo} still holds ${held.join(', ')} at the registrar. Let the check job settle it; to stop a queued renewal, cancel the task in the console first, then close (--no-task-check closes without this read, when the console shows nothing will run). Nothing was written`,
  );
}
