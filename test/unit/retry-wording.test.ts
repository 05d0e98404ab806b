import { given } from '../helpers/builder';

/**
 * Issue 14: the digest's words about retries are true at every attempt. A failure that counts (not one a person
 * fixes, such as a balance) says which attempt it was, when the next one is the last, and when retries have stopped,
 * naming the command that starts them again.
 */
describe('failed renewals: where the automatic retries stand', () => {
  test('attempt 1 of 2 says the next failure stops retries; attempt 2 of 2 says they stopped and names autorenew retry', async () => {
    const t = await given({ domains: ['x.com+10d'], policy: { limits: { maxAttempts: 2, retryAfterHours: 24 } } });
    t.registrar.faults.failDomain = () => 'The domain name is locked by the registry.';
    const failedLine = () => {
      const email = t.notifier.sent.at(-1)?.email ?? '';
      return email.split('\n').find((l) => l.startsWith('- x.com:')) ?? '';
    };

    await t.renew();
    t.advance('10m');
    await t.check();
    expect(failedLine()).toMatch(
      /attempt 1 of 2 failed; the next run makes the last attempt: the next failure stops automatic retries$/,
    );

    t.advance('25h');
    await t.renew();
    t.advance('10m');
    await t.check();
    expect(failedLine()).toMatch(
      /attempt 2 of 2 failed: automatic retries stopped; fix the cause, then run: autorenew retry x\.com$/,
    );
    expect(t.notifier.sent.at(-1)?.email).toContain('run `autorenew retry <domain>`');
  });

  test('with attempts to spare, a failure just says it is retried', async () => {
    const t = await given({ domains: ['y.com+10d'], policy: { limits: { maxAttempts: 3 } } });
    t.registrar.faults.failDomain = () => 'The domain name is locked by the registry.';
    await t.renew();
    t.advance('10m');
    await t.check();
    expect(t.notifier.sent.at(-1)?.email).toMatch(/- y\.com: .*attempt 1 of 3 failed; retried after the backoff$/m);
  });

  test('a failure a person must fix uses no attempt, and says so', async () => {
    const t = await given({ domains: ['z.com+10d'], policy: { limits: { maxAttempts: 1 } } });
    t.registrar.faults.failDomain = () => 'The account balance is insufficient.';
    await t.renew();
    t.advance('10m');
    await t.check();
    expect(t.notifier.sent.at(-1)?.email).toMatch(
      /- z\.com: .*no attempt used \(a person must fix the cause\): retried after the backoff until it succeeds$/m,
    );
  });
});
