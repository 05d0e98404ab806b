import { RejectedRetryableError } from '../../lib/errors';
import { executeCheck, executeRenew } from '../../lib/jobs';
import type { Ledger } from '../../lib/ledger/port';
import type { RenderedMessage } from '../../lib/notify/port';
import { given } from '../helpers/builder';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Review 2026-12-07, twenty-ninth session (of 5104d58 and fe6bf09). A renew run fails as a whole (here: the listing throttled) and, the ledger being flaky too (the
 * usual reason a whole run fails), reportRunFailure's lastRun('renew') read fails: readLastCompleted turns that
 * into lastCompletedAtMs 0, "none completed, ever". The very next hourly check then says "the renew job's runs have
 * failed for <weeks> hours (no completed run recorded ...)" though renew completed a run 25 hours ago (limit: 36 h):
 * a false alert (SMS), with false facts, one hour after one failed run.
 */
test('one failed renew run whose lastRun read failed: no "runs have failed" line before 36 h since the last completed run', async () => {
  const t = await given({ domains: ['far.com+300d'] });
  const published: { atMs: number; message: RenderedMessage }[] = [];
  const notifier = {
    publish: async (message: RenderedMessage) => {
      published.push({ atMs: t.clock.now(), message });
      return { messageId: String(published.length) };
    },
  };
  // Twenty days of normal operation: renew daily, check hourly.
  for (let hour = 0; hour < 20 * 24; hour++) {
    if (hour % 24 === 0)
      await executeRenew(t.deps({ notifier }), { policy: t.policy, dryRun: false, runId: `r${hour}` });
    await executeCheck(t.deps({ notifier }), { policy: t.policy, runId: `c${hour}` }).catch(() => undefined);
    t.advance('1h');
  }
  // Day 20 renew completes; day 21 renew fails before its plan, and its lastRun read fails (one flaky read).
  await executeRenew(t.deps({ notifier }), { policy: t.policy, dryRun: false, runId: 'r-day20' });
  t.advance(DAY);
  t.registrar.faults.before = (op) => {
    if (op === 'listDomains')
      throw new RejectedRetryableError('Throttling.User: QueryDomainList (test)', { code: 'Throttling.User' });
  };
  const flaky: Ledger = {
    ...t.ledger,
    lastRun: async (job) => {
      if (job === 'renew') throw new Error('ledger GetItem timed out (test)');
      return t.ledger.lastRun(job);
    },
  };
  await executeRenew(t.deps({ notifier, ledger: flaky }), { policy: t.policy, dryRun: false, runId: 'r-day21' }).catch(
    () => undefined,
  );
  delete t.registrar.faults.before;
  const before = published.length;
  t.advance(HOUR);
  await executeCheck(t.deps({ notifier }), { policy: t.policy, runId: 'c-after' }).catch(() => undefined);
  const said = published
    .slice(before)
    .filter((p) => /renew job's runs have failed/.test(p.message.email))
    .map((p) => p.message.email.match(/the renew job's runs have failed[^\n]*/)?.[0]);
  // The last completed renew run ended 25 hours ago: under check's 36-hour limit, nothing to say.
  expect(said).toEqual([]);
});
