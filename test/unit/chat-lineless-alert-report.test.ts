import { executeCheck } from '../../lib/jobs';
import { createFanoutNotifier } from '../../lib/notify/fanout';
import { given } from '../helpers/builder';

/**
 * Review 2026-12-07. An alert without domain lines (check's "the renew job has not run", once a UTC day) went to a
 * chat target that answered HTTP 500, and its email listed the target under "Chat delivery" as "retried on the next
 * run.": nothing retries such an alert (its digest id is its run's, nothing stays pending for it, its day mark is
 * written). The email now says it is not retried to chat, and is itself the alert's copy.
 */
it('the email of a lineless alert does not promise a chat retry that never comes', async () => {
  const t = await given({ policy: { notify: { targets: [{ name: 'ops', kind: 'webhook' }] } } });
  await t.ledger.recordRun({
    job: 'renew',
    runId: 'old',
    startedAtMs: t.clock.now() - 40 * 3_600_000,
    finishedAtMs: t.clock.now() - 40 * 3_600_000,
    ok: true,
    summary: {},
  });
  const fetchStub = (async () => new Response('down', { status: 500 })) as unknown as typeof fetch;
  const notifier = createFanoutNotifier({
    primary: t.notifier,
    targets: [{ name: 'ops', kind: 'webhook', events: t.policy.notify.events, minSeverity: 'info' }],
    credentials: { get: async () => ({ url: 'https://hooks.example.invalid/x', secret: 's' }) },
    notify: t.policy.notify,
    marks: t.ledger,
    clock: t.clock,
    log: t.deps().log,
    send: { fetch: fetchStub },
  });
  await executeCheck(t.deps({ notifier }), { policy: t.policy, runId: 'c0' }).catch(() => undefined);
  const email = t.notifier.sent.find((m) => /renew job has not run/.test(m.email))?.email ?? '';
  expect(email).toContain('Chat delivery');
  expect(email).not.toContain('retried on the next run.');
  expect(email).toContain('not retried to chat (an alert with no domain lines): this email is its copy.');
});
