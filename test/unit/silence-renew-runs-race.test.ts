import { RejectedRetryableError } from '../../lib/errors';
import { executeCheck, executeRenew } from '../../lib/jobs';
import type { Ledger, RunRecord } from '../../lib/ledger/port';
import type { RenderedMessage } from '../../lib/notify/port';
import { given } from '../helpers/builder';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Review 2026-12-07, twenty-ninth session (of 5104d58 and fe6bf09). A duplicate delivery of the daily renew schedule (EventBridge is at-least-once; docs/design.md
 * "Overlapping and duplicate runs"): run A starts, run B a minute later. B fails before its plan (its listing
 * throttled by A's) and records a failed run carrying yesterday's lastCompletedAtMs. A completes after that: its
 * record is refused (recordRun keeps the record with the later startedAtMs), so the run record says "failing since
 * yesterday" though renew completed today. 36 h after yesterday's run, check pages "the renew job's runs have failed
 * for 36 hours": a false alarm, 12 hours after a completed run. (Before lastCompletedAtMs, B's record counted.)
 */
test('a duplicate renew run that fails while its twin completes: no "runs have failed" alarm', async () => {
  const t = await given({ domains: ['far.com+300d'] });
  const published: { atMs: number; message: RenderedMessage }[] = [];
  const notifier = {
    publish: async (message: RenderedMessage) => {
      published.push({ atMs: t.clock.now(), message });
      return { messageId: String(published.length) };
    },
  };
  await executeCheck(t.deps({ notifier }), { policy: t.policy, runId: 'c0' });
  await executeRenew(t.deps({ notifier }), { policy: t.policy, dryRun: false, runId: 'r-yesterday' });
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
  const a = executeRenew(t.deps({ notifier, ledger: gated }), { policy: t.policy, dryRun: false, runId: 'r-A' });
  await atRecord;
  // Run B, the duplicate delivery, a minute later: its listing is throttled, it fails as a whole.
  t.advance(60_000);
  t.registrar.faults.before = (op) => {
    if (op === 'listDomains')
      throw new RejectedRetryableError('Throttling.User: QueryDomainList (test)', { code: 'Throttling.User' });
  };
  await executeRenew(t.deps({ notifier }), { policy: t.policy, dryRun: false, runId: 'r-B' }).catch(() => undefined);
  delete t.registrar.faults.before;
  release();
  await a; // A completed
  // Check runs hourly; 14 hours on (38 h after yesterday's run, 14 h after A completed).
  const from = published.length;
  for (let h = 0; h < 14; h++) {
    t.advance(HOUR);
    await executeCheck(t.deps({ notifier }), { policy: t.policy, runId: `c${h + 1}` }).catch(() => undefined);
  }
  const said = published
    .slice(from)
    .map((p) => p.message.email.match(/the renew job's runs have failed[^\n]*/)?.[0])
    .filter(Boolean);
  expect(said).toEqual([]);
});
