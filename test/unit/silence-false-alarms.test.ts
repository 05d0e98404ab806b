import { RejectedRetryableError } from '../../lib/errors';
import { executeCheck, executeRenew } from '../../lib/jobs';
import type { Ledger, RunRecord } from '../../lib/ledger/port';
import type { RenderedMessage } from '../../lib/notify/port';
import { type Given, given } from '../helpers/builder';
import { flakyLedger } from '../helpers/faulty';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Review 2026-12-07, twenty-ninth session (of 5104d58 and fe6bf09): check's silence line counts from the last renew
 * run that completed (RunRecord.lastCompletedAtMs). Three false alarms (an SMS saying nothing is bought) that a
 * partial fault made of it, each fixed:
 * - one failed read of the record before a failed run wrote "none completed, ever";
 * - one failed run-record write left a completed run unrecorded (now tried twice);
 * - of two runs of one schedule, the completed one's record was refused by its twin's later-started failed record
 *   (the refused write now raises the stored record's last completion).
 * The review of those fixes found two more: the failed twin's record landing after the completed one's erased its
 * completion (the put no longer lowers it), and a raised record read as "failing" (a completion at or after the
 * record's end is its last event).
 */
function capturing(t: Given) {
  const published: { atMs: number; message: RenderedMessage }[] = [];
  const notifier = {
    publish: async (message: RenderedMessage) => {
      published.push({ atMs: t.clock.now(), message });
      return { messageId: String(published.length) };
    },
  };
  /** Check hourly for `hours`; what its silence lines said meanwhile. */
  const checkHourly = async (hours: number) => {
    const from = published.length;
    for (let h = 0; h < hours; h++) {
      t.advance(HOUR);
      await executeCheck(t.deps({ notifier }), { policy: t.policy, runId: `c-${t.clock.now()}` }).catch(
        () => undefined,
      );
    }
    return published
      .slice(from)
      .map((p) => p.message.email.match(/the renew job( has not run| has never run|'s runs have failed)[^\n]*/)?.[0])
      .filter(Boolean);
  };
  const renew = (runId: string, ledger?: Ledger) =>
    executeRenew(t.deps({ notifier, ...(ledger ? { ledger } : {}) }), { policy: t.policy, dryRun: false, runId });
  return { notifier, checkHourly, renew };
}

const throttleListing = (t: Given) => {
  t.registrar.faults.before = (op) => {
    if (op === 'listDomains')
      throw new RejectedRetryableError('Throttling.User: QueryDomainList (test)', { code: 'Throttling.User' });
  };
};

test('one failed renew run whose read of the last record failed: no alarm before 36 h since the last completed run', async () => {
  const t = await given({ domains: ['far.com+300d'] });
  const { checkHourly, renew } = capturing(t);
  // Twenty days of normal operation: renew daily, check hourly.
  for (let day = 0; day < 20; day++) {
    await renew(`r${day}`);
    await checkHourly(24);
  }
  await renew('r-day20');
  t.advance(DAY - HOUR);
  // Day 21: renew fails before its plan, and its lastRun read fails too (the ledger is flaky).
  throttleListing(t);
  const flaky: Ledger = {
    ...t.ledger,
    lastRun: async (job) => {
      if (job === 'renew') throw new Error('ledger GetItem timed out (test)');
      return t.ledger.lastRun(job);
    },
  };
  await renew('r-day21', flaky).catch(() => undefined);
  delete t.registrar.faults.before;
  // The last completed renew run ended 25 hours ago: under check's 36-hour limit, nothing to say.
  expect(await checkHourly(1)).toEqual([]);
});

test('a renew run whose record write failed once: check does not page "renew has not run" 12 h later', async () => {
  const t = await given({ domains: ['far.com+300d'] });
  const { checkHourly, renew } = capturing(t);
  await checkHourly(1);
  await renew('r-yesterday');
  t.advance(DAY);
  const ledger = flakyLedger(t.ledger, { recordRun: [1] });
  await renew('r-today', ledger).catch(() => undefined);
  expect(ledger.failures).toBe(1);
  expect(await checkHourly(14)).toEqual([]);
});

test('a duplicate renew run that fails while its twin completes: no "runs have failed" alarm', async () => {
  // A duplicate delivery of the daily schedule (EventBridge is at-least-once): run A starts, run B a minute later; B
  // fails before its plan (its listing throttled by A's) and is recorded first, with yesterday's completion.
  const t = await given({ domains: ['far.com+300d'] });
  const { checkHourly, renew } = capturing(t);
  await checkHourly(1);
  await renew('r-yesterday');
  t.advance(DAY);
  // Run A: held at its run-record write (it took longer: it had the work).
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let reachedRecord: () => void = () => {};
  const atRecord = new Promise<void>((resolve) => {
    reachedRecord = resolve;
  });
  const gated: Ledger = {
    ...t.ledger,
    recordRun: async (run: RunRecord) => {
      reachedRecord();
      await gate;
      return t.ledger.recordRun(run);
    },
  };
  const a = renew('r-A', gated);
  await atRecord;
  t.advance(60_000);
  throttleListing(t);
  await renew('r-B').catch(() => undefined);
  delete t.registrar.faults.before;
  release();
  await a;
  // 38 h after yesterday's run, 14 h after A completed.
  expect(await checkHourly(14)).toEqual([]);
});

/** A promise to wait on and the function that settles it. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open: () => open(), opened };
}

/** A ledger whose read of check's last run (in the renew digest, before its report) waits for `held`. */
function heldAtReport(t: Given, at: ReturnType<typeof gate>, held: ReturnType<typeof gate>): Ledger {
  return {
    ...t.ledger,
    lastRun: async (job) => {
      if (job === 'check') {
        at.open();
        await held.opened;
      }
      return t.ledger.lastRun(job);
    },
  };
}

/**
 * A renew run yesterday, then today's run A held in its report's reads (it had the work, it ends after its twin): the
 * start of both duplicate-delivery races below.
 */
async function startTwinA() {
  const t = await given({ domains: ['far.com+300d'] });
  const { checkHourly, renew } = capturing(t);
  await checkHourly(1);
  await renew('r-yesterday');
  t.advance(DAY);
  const aAt = gate();
  const aHeld = gate();
  const a = renew('r-A', heldAtReport(t, aAt, aHeld));
  await aAt.opened;
  return { t, checkHourly, renew, a, aHeld };
}

test('a failed duplicate whose record lands after its twin completed does not erase that completion', async () => {
  const { t, checkHourly, renew, a, aHeld } = await startTwinA();
  // Run B, a minute later, fails as a whole; held between its read of the last record and its put.
  t.advance(60_000);
  throttleListing(t);
  const bRead = gate();
  const bHeld = gate();
  const ledgerB: Ledger = {
    ...t.ledger,
    lastRun: async (job) => {
      const last = await t.ledger.lastRun(job);
      if (job === 'renew') {
        bRead.open();
        await bHeld.opened;
      }
      return last;
    },
  };
  const b = renew('r-B', ledgerB).catch(() => undefined);
  await bRead.opened;
  delete t.registrar.faults.before;
  t.advance(4 * 60_000);
  aHeld.open();
  await a; // A completed and recorded
  expect(await t.ledger.lastRun('renew')).toMatchObject({ runId: 'r-A', ok: true });
  bHeld.open();
  await b;
  expect(await checkHourly(14)).toEqual([]);
});

test.each([
  ['B failed before its plan', true],
  ['B completed too, before A', false],
])(
  'a raised run record, then renew stops: check says "has not run", not "runs have failed" (%s)',
  async (_n, bFails) => {
    const { t, checkHourly, renew, a, aHeld } = await startTwinA();
    t.advance(60_000);
    if (bFails) throttleListing(t);
    await renew('r-B').catch(() => undefined);
    delete t.registrar.faults.before;
    t.advance(4 * 60_000); // A took longer: it had the work
    aHeld.open();
    await a;
    expect(await t.ledger.lastRun('renew')).toMatchObject({ runId: 'r-B' });
    // The renew schedule is disabled from here on; check runs hourly.
    expect(await checkHourly(40)).toEqual([expect.stringMatching(/^the renew job has not run for 36 hours/)]);
  },
);
