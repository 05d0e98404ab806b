import { executeRenew } from '../../lib/jobs';
import { createPlanFile, planGuard } from '../../lib/renewal/plan-file';
import { listAndPlan } from '../../lib/renewal/plan-listing';
import { given } from '../helpers/builder';

// `renew --plan FILE` (or a plan confirmed at the terminal) run by hand from a laptop on the stage's table, while the
// stage's scheduled renew run buys. The scheduled run claims a.com between the laptop's plan and the laptop run's own
// guard: the guard refuses, nothing is bought by the laptop, and the command exits 1 "nothing was bought" (renew.ts
// printRefusal). A refusal the command prints is no job failure; but thrown inside executeRenew it goes through
// reportRunFailure: a "renew job failed" alert (severity alert: SMS with AUTORENEW_TOPIC_ARN) whose urgent lines tell a
// person to renew by hand the very domain the scheduled run just bought (its task queued at the registrar).
describe('a saved plan refused inside the run (the scheduled run bought meanwhile)', () => {
  it('publishes no job-error alert and names no domain "renew it by hand"', async () => {
    const t = await given({ domains: ['a.com+1d', 'b.com+40d'], taskMs: 3_600_000 });
    // The laptop: plan --out (what the person reviewed).
    const laptopPlan = createPlanFile(await listAndPlan(t.deps(), t.policy), {
      endpoint: 'https://domain.aliyuncs.com',
      policy: t.policy,
      account: '',
    });
    expect(laptopPlan.purchases.map((p) => p.domain)).toEqual(['a.com']);
    // The stage's scheduled run, minutes later: buys a.com (its task waits in the queue) and keeps its watch list.
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'lambda-1' });
    const open = await t.ledger.listOpenBatches();
    // Bought by the scheduled run: its batch holds the TaskNo, the task waits in the registrar's queue.
    expect(open.map((b) => [b.status, b.entries.map((e) => e.domain), typeof b.taskNo])).toEqual([
      ['SUBMITTED', ['a.com'], 'string'],
    ]);
    const before = t.notifier.sent.length;
    t.advance('2m');
    // The laptop's `renew --plan`: the command's first compare passed a moment ago; the run's own guard refuses.
    await expect(
      executeRenew(t.deps(), {
        policy: t.policy,
        dryRun: false,
        runId: 'laptop-1',
        guard: planGuard(laptopPlan, { endpoint: 'https://domain.aliyuncs.com', policy: t.policy, account: '' }),
      }),
    ).rejects.toThrow(/listing has moved/);
    const published = t.notifier.sent.slice(before);
    const texts = published.map((m) => `${m.severity} ${m.subject}\n${JSON.stringify(m)}`);
    // Nothing was bought and nothing failed: the refusal is the command's answer, not an alert.
    expect(texts.filter((x) => x.startsWith('alert'))).toEqual([]);
    expect(texts.join('\n')).not.toMatch(/renew it by hand/);
  });
});
