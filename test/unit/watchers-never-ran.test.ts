import { executeCheck, executeRenew } from '../../lib/jobs';
import { given } from '../helpers/builder';

const DAY = 86_400_000;

/**
 * Review 2026-12-07. Each job says when the other has stopped (check: "the renew job has not run", after 36 h; renew:
 * "the check job has not run", after 6 h). Both said nothing while the other job had no run recorded at all, so the
 * silence was total on a stage where one job never ran (its schedule rule disabled from the deploy on, its first run
 * lost); and a run record dated in the future (a run on a simulated clock in the same ledger) hid a dead job until
 * that date.
 */
describe('one job never ran, or its record is dated in the future', () => {
  test('renew never ran: the hourly check says so (an alert) once check itself has run for 36 hours', async () => {
    const t = await given({ domains: ['a.com+20d'] });
    const silent = () => t.notifier.sent.filter((m) => /renew job has never run here/.test(m.email));
    await executeCheck(t.deps(), { policy: t.policy, runId: 'c0' }); // a new deployment: no alert yet
    for (let i = 1; i <= 35; i++) {
      t.advance('1h');
      await executeCheck(t.deps(), { policy: t.policy, runId: `c${i}` });
    }
    expect(silent()).toEqual([]);
    for (let i = 36; i <= 72; i++) {
      t.advance('1h');
      await executeCheck(t.deps(), { policy: t.policy, runId: `c${i}` });
    }
    // Once a UTC day: the 37 hours with the alert in them touch three UTC days at most.
    expect(silent().length).toBeGreaterThanOrEqual(1);
    expect(silent().length).toBeLessThanOrEqual(3);
    expect(silent()[0]?.severity).toBe('alert');
    expect(silent()[0]?.email).toMatch(/the check job has run for 36 hours/);
  });

  test('check never ran: the daily renew digest says so (an alert)', async () => {
    const t = await given({ domains: ['b.com+5d', 'c.com+40d'] });
    const silent = () => t.notifier.sent.filter((m) => /check job has never run here/.test(m.email));
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r0' }); // buys b.com; nothing said yet
    expect(silent()).toEqual([]);
    t.advance('1d');
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r1' });
    expect(silent().map((m) => m.severity)).toEqual(['alert']);
  });

  test('control: with each job running, neither says anything', async () => {
    const t = await given({ domains: ['b.com+5d'] });
    for (let day = 0; day < 3; day++) {
      await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: `r${day}` });
      for (let h = 0; h < 24; h++) {
        await executeCheck(t.deps(), { policy: t.policy, runId: `c${day}-${h}` });
        t.advance('1h');
      }
    }
    expect(t.notifier.sent.filter((m) => /has never run|has not run|in the future/.test(m.email))).toEqual([]);
  });

  test('a renew record dated months ahead: the check says it cannot tell, at once', async () => {
    const t = await given({ domains: ['a.com+20d'] });
    const ahead = t.clock.now() + 120 * DAY;
    await t.ledger.recordRun({
      job: 'renew',
      runId: 'trial',
      startedAtMs: ahead,
      finishedAtMs: ahead + 60_000,
      ok: true,
      summary: {},
      endpoint: 'http://127.0.0.1:9',
    });
    await executeCheck(t.deps(), { policy: t.policy, runId: 'c0' });
    const alerts = t.notifier.sent.filter((m) => /the last renew run recorded is dated .* in the future/.test(m.email));
    expect(alerts.map((m) => m.severity)).toEqual(['alert']);
  });
});
