import { executeRenew } from '../../lib/jobs';
import type { JobDeps } from '../../lib/renewal/deps';
import { computeTimeMarginMs, LEDGER_WRITE_WORST_CASE_MS } from '../../lib/renewal/time-margin';
import { given } from '../helpers/builder';
import { createCrashController, wrapCrashable } from '../helpers/chaos-crash';
import { hourlyChecksUntil } from '../helpers/daily-runs';

/**
 * The renew run stops starting batches at its time margin (run-renew.ts sendEach: "stopping before the time limit")
 * so that it "still records and reports" (time-margin.ts: one paid call's worst case plus four slow ledger writes).
 * With claims taken ahead, that stop first releases every batch prepared ahead (`releaseFrom`: per batch a claims
 * read, the claim writes, the batch close), one batch after another, with no look at the clock. On a throttled ledger
 * (16 s a call at worst, LEDGER_WRITE_WORST_CASE_MS) six batches' releases take minutes: the platform kills the
 * function before its digest. The stop exists for a slow run, and a slow ledger is what makes a run slow.
 *
 * last.com, due in 18 h (window.daysAfterExpiry 0), is in the first batch: the dying run released its claim (FAILED
 * not-submitted) and closed its batch, so check finds nothing to release and tells nothing (its late-release line,
 * `withLateRelease`, is for intents it releases itself); the next daily run comes after the expiry.
 */
test('a time stop with batches claimed ahead still reports before the deadline (last.com is bought or named)', async () => {
  const domains = ['last.com+18h', ...Array.from({ length: 5 }, (_, i) => `d${i}.com+${5 + i}d`)];
  const t = await given({ domains, policy: { limits: { maxBatchSize: 1 }, window: { daysAfterExpiry: 0 } } });
  const lastBuyMs = t.expiry('last.com') as number;
  const margin = computeTimeMarginMs(t.registrar.worstCaseCallMs);
  // The run starts with a little more than its margin; the claims taken ahead use that up (1 s each).
  const deadline = t.clock.now() + margin + 3_000;
  const remainingMs = () => deadline - t.clock.now();
  const ctl = createCrashController();
  let slow = false;
  t.ledger.faults.before = (op) => {
    if (op === 'claim') t.advance(1_000);
    if (slow) t.advance(LEDGER_WRITE_WORST_CASE_MS); // throttled: each call at its slowest
    if (remainingMs() <= 0) ctl.dead = true; // "Task timed out": nothing after this lands
  };
  const base = t.deps();
  const dying: JobDeps = {
    ...base,
    ledger: wrapCrashable(base.ledger, ctl, 'ledger'),
    registrar: wrapCrashable(base.registrar, ctl, 'registrar'),
    notifier: wrapCrashable(base.notifier, ctl, 'notifier'),
    remainingMs: () => {
      const left = remainingMs();
      if (left < margin) slow = true; // the ledger is slow from the time stop on
      return left;
    },
  };
  await executeRenew(dying, { policy: t.policy, dryRun: false, runId: 'scheduled' }).catch(() => undefined);
  t.ledger.faults.before = undefined;
  expect(slow).toBe(true); // the run reached its time stop

  const named = await hourlyChecksUntil(t, lastBuyMs, 'last.com');
  const bought = t.registrar.submissions().some((s) => s.domainName === 'last.com');
  // Bought, or named to a person before the last moment it could be.
  expect(bought || named.length > 0).toBe(true);
});
