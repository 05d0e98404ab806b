import { describeSilence, measureSilence } from '../../lib/jobs/silence';

const HOUR = 3_600_000;
const T = Date.UTC(2026, 11, 7, 12); // 2026-12-07 12:00 UTC
const FIRST = T - 100 * HOUR; // the reading job's first run here

/**
 * Review 2026-12-07, twenty-ninth session: the other job's silence is counted from its last run that completed. A run
 * that failed as a whole (before its report) or was stopped carries the last completed one's end
 * (RunRecord.lastCompletedAtMs; 0 when none is known); a record from before that field reads as completed.
 */
describe('measureSilence', () => {
  test.each([
    ['no record', undefined, { kind: 'never', sinceMs: FIRST }],
    [
      'a completed run',
      { finishedAtMs: T - 2 * HOUR, lastCompletedAtMs: T - 2 * HOUR },
      { kind: 'since-last', sinceMs: T - 2 * HOUR },
    ],
    ['an older record (no field)', { finishedAtMs: T - 2 * HOUR }, { kind: 'since-last', sinceMs: T - 2 * HOUR }],
    [
      'a failed run after a completed one',
      { finishedAtMs: T - HOUR, lastCompletedAtMs: T - 50 * HOUR },
      { kind: 'failing', sinceMs: T - 50 * HOUR, lastFailedAtMs: T - HOUR, completed: true },
    ],
    [
      'a failed run, none completed',
      { finishedAtMs: T - HOUR, lastCompletedAtMs: 0 },
      { kind: 'failing', sinceMs: FIRST, lastFailedAtMs: T - HOUR, completed: false },
    ],
    [
      'dated in the future',
      { finishedAtMs: T + 3 * HOUR, lastCompletedAtMs: 0 },
      { kind: 'future', atMs: T + 3 * HOUR },
    ],
  ] as const)('%s', (_name, last, expected) => {
    expect(measureSilence(last, FIRST, T)).toEqual(expected);
  });
});

describe('describeSilence of failing runs', () => {
  const say = (last: { finishedAtMs: number; lastCompletedAtMs?: number }) =>
    describeSilence('renew', 'check', measureSilence(last, FIRST, T), T, 36 * HOUR, 'nothing is bought');

  test('under the limit since the last completed run: nothing said, however many runs failed since', () => {
    expect(say({ finishedAtMs: T - HOUR, lastCompletedAtMs: T - 35 * HOUR })).toBeUndefined();
  });

  test('past it: says the runs fail, since when, and the last failure', () => {
    expect(say({ finishedAtMs: T - HOUR, lastCompletedAtMs: T - 50 * HOUR })).toBe(
      "the renew job's runs have failed for 50 hours (last completed run 2026-12-05 10:00 UTC; the last failed 2026-12-07 11:00 UTC, its error in its own alert): nothing is bought",
    );
  });

  test('none completed: counted from the reader’s first run', () => {
    expect(say({ finishedAtMs: T - HOUR, lastCompletedAtMs: 0 })).toBe(
      "the renew job's runs have failed for 100 hours (no completed run recorded; the check job has run since 2026-12-03 08:00 UTC; the last failed 2026-12-07 11:00 UTC, its error in its own alert): nothing is bought",
    );
  });
});
