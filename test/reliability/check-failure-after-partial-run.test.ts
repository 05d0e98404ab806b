import { LedgerError } from '../../lib/errors';
import { executeCheck } from '../../lib/jobs';
import type { Ledger } from '../../lib/ledger/port';
import { startWorld, type World } from '../helpers/world';

const HOUR = 3_600_000;
const DAY = Date.UTC(2026, 11, 8);

function failingLedger(inner: Ledger, failing: (keyof Ledger)[]): Ledger {
  const wrapper = {} as Record<string, unknown>;
  for (const key of Object.keys(inner) as (keyof Ledger)[]) {
    const fn = inner[key] as unknown as (...args: unknown[]) => Promise<unknown>;
    if (typeof fn !== 'function') continue;
    wrapper[key] = async (...args: unknown[]) => {
      if (failing.includes(key)) throw new LedgerError(`ledger ${key} failed (throttled)`);
      return fn.apply(inner, args);
    };
  }
  return wrapper as unknown as Ledger;
}

/**
 * Review 2026-12-07 (thirty-first session) of the check page rule. docs/design.md "Notices": check pages "the first failure of a streak (its last run record completed,
 * or none is recorded)"; a run that went through its report, with failures or not, completed (the same section).
 * pagesCheckFailure reads `record.ok` instead: a check that completed with a failure (its daily orphan sweep's scan
 * throttled: the first sign of a throttled ledger; a batch it could not check; batches left for time) records
 * ok: false and pages no one (a JobFailedError), so the next run failing as a whole is taken for the middle of a
 * streak and told by email only, up to five hours before the block hour pages.
 */
describe('a check that fails as a whole after one that completed with a failure', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('pages the first whole failure (the last run completed)', async () => {
    world = await startWorld({ sandbox: { nowMs: DAY, freezeClock: true, fixture: { domains: [] } } });
    const told: { hour: number; severity: string }[] = [];
    const run = async (ledger: Ledger, hour: number) => {
      const nowMs = DAY + hour * HOUR + 5 * 60_000;
      const before = world.notifier.sent.length;
      const err = await executeCheck(world.deps({ ledger, clock: { now: () => nowMs } }), {
        policy: world.policy,
        runId: `c${hour}`,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      for (const m of world.notifier.sent.slice(before)) told.push({ hour, severity: m.severity });
      return err;
    };
    // 01:05, the day's first run: the daily sweep's scan is throttled; the run completes and reports (a failure line, ok: false).
    expect(String(await run(failingLedger(world.ledger, ['listLiveClaims']), 1))).toMatch(/could not be checked/);
    const last = await world.ledger.lastRun('check');
    expect(last?.ok).toBe(false);
    expect(last?.lastCompletedAtMs).toBe(last?.finishedAtMs); // a completed run's record
    // 02:05 .. 05:05: the ledger's batch reads fail, every run fails as a whole.
    for (const hour of [2, 3, 4, 5]) await run(failingLedger(world.ledger, ['listOpenBatches']), hour);
    expect(told.filter((t) => t.hour >= 2).map((t) => t.hour)).toEqual([2, 3, 4, 5]);
    expect(told.filter((t) => t.severity === 'alert').map((t) => t.hour)).toEqual([2]);
  });
});
