import { RejectedRetryableError } from '../../lib/errors';
import { executeCheck, executeRenew } from '../../lib/jobs';
import type { Ledger } from '../../lib/ledger/port';
import type { RenderedMessage } from '../../lib/notify/port';
import { given } from '../helpers/builder';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Review 2026-12-07, twenty-ninth session (of 0888110). The duplicate-delivery race 0888110 fixed, in the other order. Renew run A starts, B a
 * minute later and fails before its plan. reportRunFailure reads the last record (yesterday's completion) for B's
 * lastCompletedAtMs; A completes and records (its put lands: the stored record is yesterday's); then B's put lands
 * too (it started later: `startedAtMs <= :startedAtMs` holds) and replaces A's record, carrying yesterday's
 * completion. A's completion is lost as before the fix: 36 h after yesterday's run (12 h after A completed) check
 * pages "the renew job's runs have failed for 36 hours". The raise in recordRun only covers a completed run written
 * second; a failed run's read-then-put is not conditioned on what it read (nor is a raise it overwrites kept).
 */
test('a failed duplicate whose record lands after its twin completed does not erase that completion', async () => {
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
  const gate = () => {
    let open: () => void = () => {};
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    return { open: () => open(), opened };
  };
  const aHeld = gate();
  const aAtHold = gate();
  // Run A: held in its report's reads (it had the work, it ends later).
  const ledgerA: Ledger = {
    ...t.ledger,
    lastRun: async (job) => {
      if (job === 'check') {
        aAtHold.open();
        await aHeld.opened;
      }
      return t.ledger.lastRun(job);
    },
  };
  const a = executeRenew(t.deps({ notifier, ledger: ledgerA }), { policy: t.policy, dryRun: false, runId: 'r-A' });
  await aAtHold.opened;
  // Run B, a minute later: throttled listing, fails as a whole; held between its read of the last record and its put.
  t.advance(60_000);
  t.registrar.faults.before = (op) => {
    if (op === 'listDomains')
      throw new RejectedRetryableError('Throttling.User: QueryDomainList (test)', { code: 'Throttling.User' });
  };
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
  const b = executeRenew(t.deps({ notifier, ledger: ledgerB }), {
    policy: t.policy,
    dryRun: false,
    runId: 'r-B',
  }).catch(() => undefined);
  await bRead.opened;
  delete t.registrar.faults.before;
  t.advance(4 * 60_000);
  aHeld.open();
  await a; // A completed and recorded
  expect(await t.ledger.lastRun('renew')).toMatchObject({ runId: 'r-A', ok: true });
  bHeld.open();
  await b;
  const from = published.length;
  for (let h = 0; h < 14; h++) {
    t.advance(HOUR);
    await executeCheck(t.deps({ notifier }), { policy: t.policy, runId: `c${h + 1}` }).catch(() => undefined);
  }
  const said = published
    .slice(from)
    .map((p) => p.message.email.match(/the renew job's runs have failed[^\n]*/)?.[0])
    .filter(Boolean);
  expect({ said, record: await t.ledger.lastRun('renew') }).toMatchObject({ said: [] });
});
