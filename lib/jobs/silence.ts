import type { Ledger, RunRecord } from '../ledger/port';
import { formatDateTimeUtc } from '../notify/text/sanitize';
import { HOUR_MS } from '../renewal/dates';

/** A record this much ahead of the reader's clock is dated in the future, ms (clocks a little apart are not). */
const FUTURE_SLACK_MS = HOUR_MS;

/** The one-time mark that dates a job's first run seen in this keyspace (re-put when gone: marks expire). */
export function firstRunMark(job: 'renew' | 'check'): string {
  return `first-run#${job}`;
}

/**
 * When `job` was first seen running in this keyspace (epoch ms): its mark's time, or `nowMs` after putting the mark
 * when there is none yet. Best effort: a failed write is `nowMs` all the same (the next run puts it).
 */
export async function readFirstRun(
  ledger: Pick<Ledger, 'putMarks'>,
  job: 'renew' | 'check',
  marks: ReadonlyMap<string, number>,
  nowMs: number,
): Promise<number> {
  const seen = marks.get(firstRunMark(job));
  if (seen !== undefined) return seen;
  await ledger.putMarks([firstRunMark(job)], nowMs).catch(() => {});
  return nowMs;
}

/**
 * When the run recorded last completed one (RunRecord.lastCompletedAtMs), epoch ms; 0 when none is known. A record
 * written before that field existed reads as completed at its end.
 */
export function completedAtOf(last: Pick<RunRecord, 'finishedAtMs' | 'lastCompletedAtMs'>): number {
  return last.lastCompletedAtMs ?? last.finishedAtMs;
}

/** What {@link measureSilence} finds: since when the other job has been silent, and how. */
export type Silence =
  | { kind: 'since-last'; sinceMs: number }
  | { kind: 'never'; sinceMs: number }
  | { kind: 'future'; atMs: number }
  /** Its runs fail: none completed since `sinceMs` (the last completed, or `firstRunMs` when `completed` is false). */
  | { kind: 'failing'; sinceMs: number; lastFailedAtMs: number; completed: boolean };

/**
 * How long the `other` job has been silent, as the reading job sees it (review 2026-12-07: both readers said nothing
 * while the other job had no run recorded at all, so a schedule disabled from the deploy on was never told; and a run
 * record dated in the future, written by a run on a simulated clock in the same ledger, hid a dead job for months).
 * - a recorded run that completed: since its end;
 * - one that failed as a whole or was stopped: since the last that completed, else since the reading job's own first
 *   run here (review 2026-12-07, twenty-ninth session: a renew job failing every day before its plan counted as
 *   running, and check never said nothing was bought);
 * - none recorded: since the reading job's own first run here (`firstRunMs`);
 * - one dated in the future: `future`, with no length (the record cannot tell).
 * @param nowMs epoch ms; all times epoch ms UTC
 */
export function measureSilence(
  last: Pick<RunRecord, 'finishedAtMs' | 'lastCompletedAtMs'> | undefined,
  firstRunMs: number,
  nowMs: number,
): Silence {
  if (!last) return { kind: 'never', sinceMs: firstRunMs };
  if (last.finishedAtMs > nowMs + FUTURE_SLACK_MS) return { kind: 'future', atMs: last.finishedAtMs };
  const completedAtMs = completedAtOf(last);
  // A completion at or after the record's end (a twin's, raised onto a failed run's record) is the last event: not
  // "failing" (the review of this fix).
  if (completedAtMs >= last.finishedAtMs) return { kind: 'since-last', sinceMs: completedAtMs };
  return {
    kind: 'failing',
    sinceMs: completedAtMs > 0 ? completedAtMs : firstRunMs,
    lastFailedAtMs: last.finishedAtMs,
    completed: completedAtMs > 0,
  };
}

/**
 * The words for a silence of `other` (measureSilence) at least `afterMs` long; undefined when shorter. `what` says
 * what its silence costs.
 */
export function describeSilence(
  other: 'renew' | 'check',
  me: 'renew' | 'check',
  silence: Silence,
  nowMs: number,
  afterMs: number,
  what: string,
): string | undefined {
  if (silence.kind === 'future') {
    return `the last ${other} run recorded is dated ${formatDateTimeUtc(silence.atMs)}, in the future (a run on a simulated clock, --at or a sandbox, or a wrong host clock): whether the ${other} job runs cannot be told until then; if it stopped, ${what}`;
  }
  if (nowMs - silence.sinceMs < afterMs) return undefined;
  const hours = Math.floor((nowMs - silence.sinceMs) / HOUR_MS);
  const since = formatDateTimeUtc(silence.sinceMs);
  if (silence.kind === 'failing') {
    const last = silence.completed
      ? `last completed run ${since}`
      : `no completed run recorded; the ${me} job has run since ${since}`;
    return `the ${other} job's runs have failed for ${hours} hours (${last}; the last failed ${formatDateTimeUtc(silence.lastFailedAtMs)}, its error in its own alert): ${what}`;
  }
  return silence.kind === 'never'
    ? `the ${other} job has never run here; the ${me} job has run for ${hours} hours (since ${since}): ${what}`
    : `the ${other} job has not run for ${hours} hours (last run ${since}): ${what}`;
}
