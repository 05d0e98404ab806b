import { AmbiguousOutcomeError, RejectedRetryableError } from '../errors';
import type { Batch, Claim } from '../ledger/port';
import type { Registrar, TaskDetail, TaskInfo } from '../registrar/port';
import { knownTaskNos } from './claims';
import { actByMsOf, DAY_MS } from './dates';
import { isReadDifferently, RENEWED_TOLERANCE_MS } from './expiry';
import { rowsByDomain } from './task-rows';

/**
 * Renewals made outside this deployment (the console, Alibaba's own auto-renew, a second stack on the same account)
 * that are still waiting in the registrar's queue, or have just succeeded: the listed expiry has not moved yet, so
 * without this look the run would buy the same domain again. Free calls only.
 */

/**
 * How far back the task list is read, days. A queued task older than this is taken as finished or failed: at 7
 * days, one that waited 8 was out of sight and its domain bought again before it ran (review 2026-12-05, round 4).
 * Older finished tasks cost one mark read per run (all of them in one), and a detail read each only while seen
 * queued lately (SEEN_QUEUED_READ_DAYS).
 */
export const FOREIGN_TASK_LOOKBACK_DAYS = 30;

/**
 * A finished task last seen unfinished this many days ago or more is not read again, days: it finished since that
 * sight, and the buying runs between (daily) read its rows by their run times.
 */
export const SEEN_QUEUED_READ_DAYS = 7;

/**
 * A renewal detail that succeeded less than this long ago (its UpdateTime, else its task's creation) still holds its
 * domain: the listing may show the old expiry for a while after a renewal executed (our own check waits for it too),
 * and a run that reads it then would buy the same expiry again. Bounded, so a success that never shows cannot block a
 * domain for the whole lookback. ms; display times are read in an UNCONFIRMED zone, hence a day more than needed.
 */
export const JUST_RENEWED_MS = 2 * DAY_MS;

/**
 * The ledger mark a buying run puts when it sees someone else's renewal task unfinished (its time: when last seen
 * so). Once the task is done, its rows are read on every buying run while it is in the task list's lookback, however
 * long ago it was made, and judged by when they ran: a task that waited days in the queue and ran just before a run
 * whose listing lags is not bought again.
 */
export function queuedTaskMark(taskNo: string): string {
  return `queued-task:${taskNo}`;
}

/**
 * The ledger mark check puts when a task of ours is first known to have run for an unsettled entry (its time: when
 * seen so), before the batch can close; it also says the task is ours. A buying run reads a finished task by its
 * creation only within JUST_RENEWED_MS (in an UNCONFIRMED zone), and once our batch is closed its TaskNo is no
 * longer ours to skip: made 20 h or 50 h before it ran, it was read too briefly or not at all, and a lagging listing
 * that showed the old expiry a little differently bought a second year (review 2026-12-04/05). Read while less than
 * JUST_RENEWED_MS old only, unlike queuedTaskMark: a task of ours that ran days ago costs no detail call per run.
 */
export function ranTaskMark(taskNo: string): string {
  return `ran-task:${taskNo}`;
}

/**
 * The ledger mark check puts when it first finds a task of ours finished while an unsettled entry has no row (its
 * time: when first seen so). Check's note waits two days from it before it says "nothing shows it was bought", and
 * close-batch refuses such an entry until then (a new expiry can show that late: review 2026-12-07, twenty-ninth
 * session). Not the {@link ranTaskMark}: that one makes the task ours to the buying runs, and put here it lifted
 * their hold on a closed batch's task read short (the review of that fix).
 */
export function finishedTaskMark(taskNo: string): string {
  return `finished-task:${taskNo}`;
}

/**
 * Whether a rowless entry of our task, first found finished at `seenMs`, is still waited for at `nowMs` (its new
 * expiry may yet show): less than JUST_RENEWED_MS since that sight, and the wait ends a day (one stuck line) before the
 * moment a person must act by (dates.ts actByMsOf). Otherwise a person is told to look and act: a wait past that moment
 * let a domain that was not renewed lapse told only "wait" (the review of the wait). A shorter wait when that moment
 * is near, not none: with the act-by moment 60 h after the sight, "close the batch, or renew it by hand" went out at
 * once, an hour after our queued task ran, and its new expiry showed 6 h later (review 2026-12-07, thirtieth
 * session). Epoch ms.
 */
export function mayExpiryStillShow(
  entry: { domain: string; expiryMs: number },
  seenMs: number,
  nowMs: number,
): boolean {
  // A day to spare: the stuck line that carries the change comes once a day, and must come before that moment.
  return nowMs - seenMs < JUST_RENEWED_MS && nowMs + DAY_MS < actByMsOf(entry.domain, entry.expiryMs, seenMs);
}

/** True for a renewal order's task. */
export function isRenewalTask(task: TaskInfo): boolean {
  return task.kind === 'renewal';
}

/** What someone else's unfinished (or just finished) renewal tasks hold right now. */
export interface RenewingElsewhere {
  /** Domains (normalised) that a waiting or executing detail of such a task names. */
  held: Set<string>;
  /** Domains that a detail of such a task renewed within JUST_RENEWED_MS (the listing may not show it yet). */
  renewed: Set<string>;
  /**
   * Domains a task of OURS renewed within JUST_RENEWED_MS for the very expiry the listing shows, though the listing
   * reads it a little differently (within RENEWED_TOLERANCE_MS, not equal: equal, the claim itself decides). The
   * listing lags; bought again, the domain would be renewed twice.
   */
  renewedByUs: Set<string>;
  /**
   * Domains whose row in a task of OURS that ran within JUST_RENEWED_MS did not succeed (it failed, or is missing
   * from a short read), with our claim of that task for the cycle the listing shows, read a little differently
   * (within RENEWED_TOLERANCE_MS, not equal): the plan decides on that claim as on the listed key's own (renewed,
   * a failure waiting for its retry time...). Else a drifted listing made a first claim of it and bought at once:
   * our renewal a second time when the row failed though the registrar renewed it, or a failure before its backoff
   * (review 2026-12-05).
   */
  ownCycle: Map<string, Claim>;
  /**
   * TaskNos of such tasks whose details read fewer than their TaskNum (details lagging, or an answer cut short):
   * what they renew is not known, so any due domain may be one of theirs.
   */
  unread: string[];
  /**
   * TaskNos of such tasks not finished yet, and of finished ones with no creation time this tool can read and no
   * mark yet (`undated`): a buying run marks them (queuedTaskMark), for when they are done, or from when first seen.
   */
  queued: string[];
  /**
   * TaskNos of finished tasks whose creation time does not read (a format nobody expected) and that no mark dates:
   * taken as just run (review 2026-12-05: read as old, someone else's renewal was bought again while the listing
   * lagged); marked on first sight, they are then judged from that mark.
   */
  undated: string[];
}

/**
 * How a just-finished task's succeeded rows are judged: only for `wanted` domains (the ones the run would buy, with
 * their listed expiry, epoch ms; all when absent). A task the domain's own claims carry (`claimsOfDomain`) is ours:
 * a renewal of another cycle (last year's, read with a window longer than a year) holds nothing; one of the cycle
 * the listing shows, read a little differently, holds the domain (`renewedByUs`).
 */
export interface FinishedTaskCheck {
  wanted?: ReadonlyMap<string, number>;
  claimsOfDomain?: (domain: string) => Promise<readonly Claim[]>;
  /**
   * A finished task whose details could not be read (after the client's retries), reported here: read short if it
   * may have run within JUST_RENEWED_MS, else skipped.
   */
  onUnread?: (taskNo: string, err: Error) => void;
  /**
   * The marks of these finished tasks, epoch ms, for those that carry one (one ledger read): `queued`, when a run
   * last saw each unfinished (queuedTaskMark: read whatever its age); `ran`, when one of ours was seen to run
   * (ranTaskMark: read while less than JUST_RENEWED_MS old). Absent: only creation times say which are read.
   */
  seenMarks?: (taskNos: readonly string[]) => Promise<TaskMarks>;
}

/** A finished task's marks (FinishedTaskCheck.seenMarks), by TaskNo, epoch ms. */
export interface TaskMarks {
  queued: ReadonlyMap<string, number>;
  ran: ReadonlyMap<string, number>;
}

/**
 * The TaskNos of these batches that are still ours to settle: not CLOSED. A closed batch stays in the open index
 * until its last notice goes out; a person may have closed it (close-batch) while its task still waits in the
 * registrar's queue, and its domains are claimable again: its task must be looked at as anyone else's, or the run
 * would skip it and buy a domain the task is about to renew (review 2026-12-04).
 */
export function taskNosOf(batches: readonly Batch[]): Set<string> {
  return new Set(batches.flatMap((b) => (b.taskNo && b.status !== 'CLOSED' ? [b.taskNo] : [])));
}

/**
 * What unfinished renewal tasks not recorded in our open batches hold right now: every renewal task of the last
 * {@link FOREIGN_TASK_LOOKBACK_DAYS} days (one paged listing) that is not finished and not ours, and of its details
 * those still waiting or executing (one detail read per such task; usually none). When any such task is found, our
 * TaskNos are read again first (`readOurs`): an overlapping run of ours may have sent and recorded one since.
 * @param nowMs epoch ms
 */
export async function findRenewingElsewhere(
  registrar: Pick<Registrar, 'listTasks' | 'listTaskDetails'>,
  known: ReadonlySet<string>,
  nowMs: number,
  readOurs: () => Promise<ReadonlySet<string>> = async () => known,
  finished: FinishedTaskCheck = {},
): Promise<RenewingElsewhere> {
  // Creation times are filtered by day in an UNCONFIRMED zone: the range is widened by a day at the end.
  const tasks = await registrar.listTasks({
    fromMs: nowMs - FOREIGN_TASK_LOOKBACK_DAYS * DAY_MS,
    toMs: nowMs + DAY_MS,
  });
  const found: RenewingElsewhere = {
    held: new Set(),
    renewed: new Set(),
    renewedByUs: new Set(),
    ownCycle: new Map(),
    unread: [],
    queued: [],
    undated: [],
  };
  // A finished task is read only when created within JUST_RENEWED_MS: reading every finished task of the lookback
  // (our own closed batches' among them) cost a detail call each on every buying run and, measured in the chaos
  // suite, renewals. Its rows are judged by when they ran (UpdateTime), else by the task's creation; a task with no
  // readable creation is taken as just run once, then judged from its first-sight mark (`undated`): held for the
  // whole lookback, its domain could wait long enough to lapse.
  // A task made earlier is read when a run saw it unfinished (queuedTaskMark): it waited in the queue and ran since,
  // maybe minutes ago; or when one of ours ran less than JUST_RENEWED_MS ago (ranTaskMark). One mark read per run,
  // for the finished tasks of the lookback (ours mostly), so the detail reads stay as few as such tasks.
  const ranRecently = (at: number | undefined) => at !== undefined && nowMs - at < JUST_RENEWED_MS;
  const renewals = tasks.filter((t) => isRenewalTask(t) && !known.has(t.taskNo));
  // The marks of every finished one: a ran-task mark also says the task is ours (a closed batch's).
  const done = renewals.filter((t) => t.finished).map((t) => t.taskNo);
  const marks: TaskMarks =
    done.length > 0 && finished.seenMarks
      ? await finished.seenMarks(done)
      : { queued: new Map<string, number>(), ran: new Map<string, number>() };
  const seenAt = (task: TaskInfo) => marks.queued.get(task.taskNo);
  const ranMark = (task: TaskInfo) => marks.ran.get(task.taskNo);
  const isUndated = (t: TaskInfo) =>
    t.finished && t.createdAtMs === undefined && seenAt(t) === undefined && ranMark(t) === undefined;
  // A finished task seen queued is read while that sight is less than SEEN_QUEUED_READ_DAYS old, not for the whole
  // lookback: each such task cost a detail read on every buying run for 30 days (review 2026-12-05, round 4).
  const seenLately = (t: TaskInfo) => {
    const at = seenAt(t);
    return at !== undefined && nowMs - at < SEEN_QUEUED_READ_DAYS * DAY_MS;
  };
  const unknown = renewals.filter(
    (t) => !t.finished || ranRecently(t.createdAtMs) || seenLately(t) || ranRecently(ranMark(t)) || isUndated(t),
  );
  if (unknown.length === 0) return found;
  const ours = new Set([...known, ...(await readOurs())]);
  for (const task of unknown) {
    if (ours.has(task.taskNo)) continue;
    // It ran after it was last seen unfinished: that bounds a row with no readable time of its own; and about when
    // one of ours was seen to run. A task no time dates ran, as far as anyone knows, just now.
    const ranAfter = isUndated(task)
      ? nowMs
      : Math.max(
          task.createdAtMs ?? Number.NEGATIVE_INFINITY,
          seenAt(task) ?? Number.NEGATIVE_INFINITY,
          ranMark(task) ?? Number.NEGATIVE_INFINITY,
        );
    const isOurs = task.finished && ranMark(task) !== undefined;
    if (isUndated(task)) found.undated.push(task.taskNo);
    if (!task.finished || isUndated(task)) found.queued.push(task.taskNo);
    let details: TaskDetail[];
    try {
      details = await registrar.listTaskDetails(task.taskNo);
    } catch (err) {
      // A finished task's rows only guard against a lagging listing (narrow), and most are our own closed batches':
      // one unreadable must not stop the day's renewals. An unfinished task's stays fatal: it may be queued.
      // Only a passing failure (throttled after retries, no usable answer) is let pass; a refusal still stops the run.
      // Let pass, it reads short: what it renewed is not known (review 2026-12-05: one row the adapter could not
      // read hid a console renewal of another domain on its page, bought again while the listing lagged).
      const passing = err instanceof RejectedRetryableError || err instanceof AmbiguousOutcomeError;
      if (!task.finished || !passing) throw err;
      finished.onUnread?.(task.taskNo, err);
      if (!isOurs && ranRecently(ranAfter)) found.unread.push(task.taskNo);
      continue;
    }
    // Read as holding only the details listed, a short answer would let the run buy the rest a second time. No row
    // at all reads short whatever TaskNum says (a TaskNum of 0 is no proof it holds nothing). A finished task that
    // reads short and ran within JUST_RENEWED_MS may have renewed any of them while the listing lags (reconcile
    // holds a release for it the same way; review 2026-12-05: a console renewal whose details read no rows was
    // bought again); one that ran earlier renews nothing more.
    // Our own task (a ran-task mark) is not read short that way: what it renewed is on the ledger (below).
    const byDomain = rowsByDomain(details);
    const short = byDomain.size < task.taskNum || byDomain.size === 0;
    if (short && !isOurs && (!task.finished || ranRecently(ranAfter))) found.unread.push(task.taskNo);
    if (isOurs && ranRecently(ranAfter)) await judgeOursWithoutSuccess(task, byDomain, short, finished, found);
    for (const detail of details) {
      // A task still running holds every row that may yet renew: waiting, executing, and failed (whether a failed
      // row runs again while its task runs is UNCONFIRMED; check holds our own the same way). A row that succeeded
      // in it is as recent as the task's run, unless its own time says otherwise: it was bought again while the
      // listing lagged (review 2026-12-04).
      // A row still waiting or executing holds too when its task reads finished (a task list that lags its rows, a
      // status read back): skipped, the console's queued order ran after ours (review 2026-12-05, round 4, helper E).
      // Not a cancelled task's: nothing of it runs. Finished tasks are read a few days at most (above), so this holds
      // no longer than that, and `renewing-elsewhere` warns from 3 days before the expiry.
      const pending = detail.state === 'waiting' || detail.state === 'executing' || detail.state === 'unknown';
      if ((!task.finished && detail.state !== 'success') || (pending && !task.cancelled)) {
        found.held.add(detail.domainName);
        continue;
      }
      if (detail.state !== 'success' || (finished.wanted && !finished.wanted.has(detail.domainName))) continue;
      // A finished task's row ran after the task was made and after a run last saw the task unfinished: its own
      // UpdateTime, when older than that (the field's meaning is UNCONFIRMED; it may be when the row was made), is
      // not trusted over it. Trusted first, a console renewal queued 3 days that ran an hour ago read as 3 days old and
      // was bought again while the listing lagged (review 2026-12-05, round 4, helper E).
      const ranAt = !task.finished
        ? (detail.updatedAtMs ?? nowMs)
        : Math.max(detail.updatedAtMs ?? Number.NEGATIVE_INFINITY, ranAfter);
      if (!ranRecently(ranAt)) continue;
      const claims = (await finished.claimsOfDomain?.(detail.domainName)) ?? [];
      const own = claims.filter((c) => knownTaskNos(c).includes(task.taskNo));
      // Our claim of the listed cycle that carries this task but was released (FAILED: a batch closed by hand, its
      // TaskNo kept as a previous one) did not record this success: the task ran after the release, and the claim,
      // claimable at once, bought it again while the listing lagged (review 2026-12-05, round 4, helper H).
      const listed = finished.wanted?.get(detail.domainName);
      const released = own.some(
        (c) => c.status === 'FAILED' && listed !== undefined && Math.abs(c.expiryMs - listed) <= RENEWED_TOLERANCE_MS,
      );
      if (own.length === 0 || released) found.renewed.add(detail.domainName);
      else if (isOwnCycle(own, finished.wanted?.get(detail.domainName))) found.renewedByUs.add(detail.domainName);
    }
  }
  return found;
}

/** One of our claims of this task is for the cycle the listing shows (`listedMs`), read a little differently. */
function isOwnCycle(own: readonly Pick<Claim, 'expiryMs'>[], listedMs: number | undefined): boolean {
  return listedMs !== undefined && own.some((c) => isReadDifferently(listedMs, c.expiryMs));
}

/**
 * Our own task that ran within JUST_RENEWED_MS, for the wanted domains its rows do not show succeeded: a failed row
 * (check confirms a renewal whose expiry moved all the same), or, when it reads short, no row at all (check confirms
 * an unlisted entry by its expiry). Judged by the ledger: our claim carrying the TaskNo for the cycle the listing
 * shows, read a little differently, decides (`ownCycle`; one claims Query per such domain, every wanted one only
 * for a short read, rare).
 */
async function judgeOursWithoutSuccess(
  task: TaskInfo,
  byDomain: ReadonlyMap<string, TaskDetail>,
  short: boolean,
  finished: FinishedTaskCheck,
  found: RenewingElsewhere,
): Promise<void> {
  if (!finished.wanted || !finished.claimsOfDomain) return;
  for (const [domain, listedMs] of finished.wanted) {
    const state = byDomain.get(domain)?.state;
    if (state === 'success' || (state === undefined && !short)) continue;
    const own = (await finished.claimsOfDomain(domain)).filter(
      (c) => knownTaskNos(c).includes(task.taskNo) && isReadDifferently(listedMs, c.expiryMs),
    );
    const nearest = own.sort((a, b) => Math.abs(a.expiryMs - listedMs) - Math.abs(b.expiryMs - listedMs))[0];
    if (nearest) found.ownCycle.set(domain, nearest);
  }
}
