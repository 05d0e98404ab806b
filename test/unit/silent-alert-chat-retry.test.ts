import { executeCheck } from '../../lib/jobs';
import { createFanoutNotifier } from '../../lib/notify/fanout';
import { given } from '../helpers/builder';

/**
 * Review 2026-12-07: a chat target with a passing failure (HTTP 500) is retried on the next run, and only the targets
 * that lack a digest get it then (the fan-out's sent marks). The check job's "renew has not run" alert, once a UTC
 * day, has no domain lines (its digest id is its run's) and its text names the hours: while the target was retried
 * nothing was marked, and SNS (email and SMS) got the same alert every hour until the target gave up.
 */
describe('an alert without domain lines while a chat target is retried', () => {
  it('the renew-silent alert reaches SNS once, not every hour', async () => {
    const t = await given({ policy: { notify: { targets: [{ name: 'ops', kind: 'webhook' }] } } });
    // The last renew run finished 40 hours ago.
    await t.ledger.recordRun({
      job: 'renew',
      runId: 'old',
      startedAtMs: t.clock.now() - 40 * 3_600_000,
      finishedAtMs: t.clock.now() - 40 * 3_600_000,
      ok: true,
      summary: {},
    });
    const notifier = createFanoutNotifier({
      primary: t.notifier,
      targets: [{ name: 'ops', kind: 'webhook', events: t.policy.notify.events, minSeverity: 'info' }],
      credentials: { get: async () => ({ url: 'https://hooks.example.invalid/x', secret: 's' }) },
      notify: t.policy.notify,
      marks: t.ledger,
      clock: t.clock,
      log: t.deps().log,
      send: { fetch: (async () => new Response('down', { status: 500 })) as typeof fetch },
    });
    for (let i = 0; i < 3; i++) {
      await executeCheck(t.deps({ notifier }), { policy: t.policy, runId: `c${i}` }).catch(() => undefined);
      t.advance('1h');
    }
    const alerts = t.notifier.sent.filter((m) => /renew job has not run/.test(m.email));
    expect(alerts.map((m) => m.severity)).toEqual(['alert']);
    // Nor does its email promise the target a retry that never comes (review 2026-12-07: "retried on the next run").
    expect(alerts[0]?.email).toContain('Chat delivery');
    expect(alerts[0]?.email).not.toContain('retried on the next run.');
    expect(alerts[0]?.email).toContain('not retried to chat (an alert with no domain lines): this email is its copy.');
  });
});
