import { AmbiguousOutcomeError, JobFailedError } from '../../lib/errors';
import { executeCheck, executeRenew } from '../../lib/jobs';
import { CHECK_COUNTS, formatCounts, RENEW_COUNTS } from '../../lib/jobs/counts';
import { given } from '../helpers/builder';

/**
 * Both jobs are reported by one function (lib/jobs/report-run.ts): the run record holds each job's counts as
 * counts.ts defines them, the heartbeat and JobErrors metrics follow the same rule, and a failure on our side fails
 * the job loudly after everything was recorded.
 */
const due = (n: number) => Array.from({ length: n }, (_, i) => `d${i}.com+${1 + i}d`);

function recordingMetrics() {
  const lines: Record<string, number>[] = [];
  const sum = (name: string) => lines.reduce((n, l) => n + (l[name] ?? 0), 0);
  return { metrics: (m: Record<string, number>) => void lines.push(m), sum };
}

describe('one report for both jobs', () => {
  test('renew then check: each run record holds exactly its job counts, one heartbeat each, no JobErrors', async () => {
    const t = await given({ domains: due(3) });
    const m = recordingMetrics();
    const renew = await executeRenew(t.deps({ metrics: m.metrics }), { policy: t.policy, dryRun: false, runId: 'r1' });
    t.advance('5m');
    const check = await executeCheck(t.deps({ metrics: m.metrics }), { policy: t.policy, runId: 'c1' });
    const runs = await t.ledger.lastRuns();
    const renewRun = runs.find((r) => r.runId === 'r1');
    const checkRun = runs.find((r) => r.runId === 'c1');
    expect(Object.keys(renewRun?.summary ?? {})).toEqual(Object.keys(RENEW_COUNTS));
    expect(Object.keys(checkRun?.summary ?? {})).toEqual(Object.keys(CHECK_COUNTS));
    expect(renewRun).toMatchObject({ ok: true, summary: { listed: 3, planned: 3, submitted: 3 } });
    expect(checkRun).toMatchObject({ ok: true, summary: { renewed: 3 } });
    expect(renew.notified && check.notified).toBe(true);
    expect([m.sum('RenewRuns'), m.sum('CheckRuns'), m.sum('JobErrors')]).toEqual([1, 1, 0]);
  });

  test('a check whose digest cannot go out: recorded as failed, JobErrors counted, then it throws', async () => {
    const t = await given({ domains: due(2) });
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r1' });
    t.advance('5m');
    t.notifier.failNext = 10;
    const m = recordingMetrics();
    await expect(executeCheck(t.deps({ metrics: m.metrics }), { policy: t.policy, runId: 'c1' })).rejects.toThrow(
      JobFailedError,
    );
    expect((await t.ledger.lastRuns()).find((r) => r.runId === 'c1')).toMatchObject({ ok: false });
    expect([m.sum('CheckRuns'), m.sum('JobErrors')]).toEqual([1, 1]);
  });

  test('a renew digest that cannot go out fails the run loudly after buying; its batch notices stay pending for check', async () => {
    // Its will-lapse, deferred, upcoming and elsewhere lines live in the run's plan only: an alarm, not silence.
    const t = await given({ domains: due(2) });
    t.notifier.failNext = 10;
    const m = recordingMetrics();
    await expect(
      executeRenew(t.deps({ metrics: m.metrics }), { policy: t.policy, dryRun: false, runId: 'r1' }),
    ).rejects.toThrow(
      /notification not delivered \(retried next run\); 2 domain\(s\) were submitted \(autorenew status lists them\)/,
    );
    expect(t.registrar.submissions()).toHaveLength(2);
    expect((await t.ledger.lastRuns()).find((r) => r.runId === 'r1')).toMatchObject({ ok: false });
    expect(m.sum('JobErrors')).toBe(1);
    const pending = (await t.ledger.listOpenBatches()).flatMap((b) => b.pendingNotices);
    expect(pending).toContain('submitted');
  });

  test('a renew run that fails after an order whose answer was lost says it may have been bought', async () => {
    // Review 2026-12-05, round 4: the failure's note counted only `submitted`, and a person at the terminal read a
    // failed run whose one order may have run as "nothing was bought".
    const t = await given({ domains: due(1) });
    t.registrar.faults.afterSubmit = () => {
      throw new AmbiguousOutcomeError('answer lost after the order was placed (test)');
    };
    t.notifier.failNext = 10;
    await expect(executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r1' })).rejects.toThrow(
      /; 1 domain\(s\) may have been bought \(the order's answer was lost: check settles it; autorenew status lists them\)/,
    );
  });

  test('the CLI line names the counts in order, leaving out zero counts past the first ones', () => {
    const summary = {
      listed: 5,
      planned: 2,
      submitted: 2,
      unknown: 0,
      rejected: 0,
      conflicts: 0,
      deferred: 0,
      errors: 0,
      taskNoNotRecorded: 1,
    };
    expect(formatCounts(RENEW_COUNTS, summary, 7)).toBe(
      'listed 5, planned 2, submitted 2, unknown 0, rejected 0, held elsewhere 0, deferred 0, TaskNo not recorded 1',
    );
  });
});
