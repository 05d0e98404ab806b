import { executeRenew } from '../../lib/jobs';
import { deliverNotices } from '../../lib/renewal/notices';
import { given } from '../helpers/builder';

/** Renew's notices on the fast layer (delivered by the scheduled job, lib/jobs/). */
describe('renew notices on the fakes', () => {
  test('a premium domain 5 days before expiry: one SMS alert per threshold, not one per run', async () => {
    const t = await given({ domains: ['prem.com+5d premium'] });
    t.advance('-3h'); // 5 days and 3 hours left
    const renew = () => executeRenew(t.deps(), { policy: t.policy, dryRun: false });
    await renew();
    const first = t.notifier.sent.at(-1);
    expect(first).toMatchObject({ event: 'will-lapse', severity: 'alert' });
    expect(first?.email).toContain('prem.com');
    expect(first?.email).toContain('5 days left');
    expect(first?.email).toMatch(/premium/);
    expect(first?.sms).toContain('prem.com');
    const count = t.notifier.sent.length;
    t.advance('1h');
    await renew();
    expect(t.notifier.sent).toHaveLength(count);
    t.advance('3d');
    await renew();
    expect(t.notifier.sent).toHaveLength(count + 1);
    expect(t.notifier.sent.at(-1)?.email).toContain('2 days left');
    expect(t.registrar.calls.submitRenewBatch).toBe(0);
  });

  test('a domain deferred for money 3 days before expiry is warned about even where deferred lines are not wanted', async () => {
    // Review 2026-12-03: the deferred line replaced the will-lapse one, so a digest without `deferred` said nothing.
    const events = ['submitted', 'renewed', 'failed', 'unknown', 'stuck', 'error', 'will-lapse', 'expiry-moved'];
    const t = await given({ domains: ['a.com+3d'], balance: '10', policy: { notify: { events } } });
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r1' });
    const message = t.notifier.sent.at(-1);
    expect(message).toMatchObject({ event: 'will-lapse', severity: 'alert' });
    expect(message?.email).toMatch(/^- a\.com: .*3 days left/m);
    expect(message?.sms).toContain('a.com');
  });

  test('a notice name this version does not know stays pending for the version that wrote it (a rollback)', async () => {
    const t = await given({ domains: [] });
    const stored = await t.ledger.putBatchIntent({
      batchId: 'b-new',
      runId: 'r',
      attemptId: 'r/b-new',
      status: 'CLOSED',
      createdAtMs: 0,
      updatedAtMs: 0,
      entries: [{ domain: 'a.com', expiryMs: 0, years: 1, permitPremium: false, outcome: 'RENEWED' }],
      pendingNotices: ['from-a-newer-version' as never, 'final'],
      sentNotices: [],
    });
    expect(await deliverNotices(t.deps(), t.policy, { job: 'check', runId: 'c1', batches: [stored] })).toBe(true);
    expect(t.notifier.sent.at(-1)?.email).toMatch(/^- a\.com: /m);
    expect(await t.ledger.getBatch('b-new')).toMatchObject({
      pendingNotices: ['from-a-newer-version'],
      sentNotices: ['final'],
    });
  });

  test('a submitted batch is announced once; the run record says what happened', async () => {
    const t = await given({ domains: ['a.com+10d', 'b.com+12d'] });
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r1' });
    const runs = await t.ledger.lastRuns();
    expect(runs).toEqual([
      expect.objectContaining({
        job: 'renew',
        runId: 'r1',
        ok: true,
        summary: expect.objectContaining({ submitted: 2 }),
      }),
    ]);
    const submittedNotices = () => t.notifier.sent.filter((m) => m.event === 'submitted').length;
    const afterFirst = submittedNotices();
    expect(afterFirst).toBe(1);
    expect(t.notifier.sent.at(-1)?.email).toMatch(/a\.com[\s\S]*b\.com|b\.com[\s\S]*a\.com/);
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r2' });
    expect(submittedNotices()).toBe(afterFirst);
  });
});
