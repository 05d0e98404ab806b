import { RejectedRetryableError } from '../../lib/errors';
import { executeRenew } from '../../lib/jobs';
import { createAccountsRoom, runAccounts } from '../../lib/jobs/accounts';
import { createLogger } from '../../lib/log';
import type { Registrar } from '../../lib/registrar/port';
import { given } from '../helpers/builder';
import { createCapturingNotifier } from '../helpers/world';

const quiet = createLogger({ sink: () => {} });

/**
 * Isolation of accounts in one run, on the fast layer (in-memory registrar and ledger per account, the real room
 * and jobs): one account's throttling or outage fails only its part; the other buys what it must, undelayed.
 */
describe('accounts are isolated from each other’s faults', () => {
  test('a throttled account fails alone; the other buys; one message with both sections', async () => {
    const throttled = await given({ domains: ['a.com+5d'] });
    const healthy = await given({ domains: ['b.com+5d', 'c.com+6d'] });
    throttled.registrar.faults.before = () => {
      throw new RejectedRetryableError('Throttling.User: request was denied due to user flow control', {
        code: 'Throttling.User',
      });
    };
    const primary = createCapturingNotifier();
    const room = createAccountsRoom({ job: 'renew', runId: 'r1', labels: ['slow', 'fine'], primary, log: quiet });
    const parts = [
      { label: 'slow', t: throttled },
      { label: 'fine', t: healthy },
    ];
    const results = await runAccounts(room, 'r1', parts, ({ label, t }) =>
      executeRenew(t.deps({ notifier: room.notifierFor(label) }), { policy: t.policy, dryRun: false, runId: 'r1' }),
    );
    expect(results.map((r) => r.ok)).toEqual([false, true]);
    expect(healthy.registrar.submissions().map((s) => s.domainName)).toEqual(['b.com', 'c.com']);
    expect(throttled.registrar.submissions()).toEqual([]);
    expect(primary.sent).toHaveLength(1);
    const email = primary.sent[0]?.email ?? '';
    expect(email).toMatch(/==== Account slow ====\n.*job error/);
    expect(email).toMatch(/Throttling\.User/);
    expect(email).toMatch(/==== Account fine ====\n.*2 submitted/);
  });

  test('an account whose registrar hangs does not delay the other’s purchases; the digest waits for the run’s end', async () => {
    const stuck = await given({ domains: ['a.com+5d'] });
    const healthy = await given({ domains: ['b.com+5d'] });
    let release: (err: Error) => void = () => {};
    const hanging: Registrar = {
      ...stuck.registrar,
      listDomains: () =>
        new Promise((_resolve, reject) => {
          release = reject;
        }),
    };
    const primary = createCapturingNotifier();
    const room = createAccountsRoom({ job: 'renew', runId: 'r2', labels: ['stuck', 'fine'], primary, log: quiet });
    let fineBought = false;
    const run = runAccounts(
      room,
      'r2',
      [
        { label: 'stuck', deps: stuck.deps({ registrar: hanging, notifier: room.notifierFor('stuck') }) },
        { label: 'fine', deps: healthy.deps({ notifier: room.notifierFor('fine') }) },
      ],
      ({ deps }) => executeRenew(deps, { policy: healthy.policy, dryRun: false, runId: 'r2' }),
    );
    // The healthy account's purchase is made while the other is still hanging; its notice waits for the run.
    for (let i = 0; i < 1000 && !fineBought; i++) {
      await new Promise((r) => setImmediate(r));
      fineBought = healthy.registrar.submissions().length === 1;
    }
    expect(fineBought).toBe(true);
    expect(primary.sent).toHaveLength(0);
    release(new Error('connect ETIMEDOUT (the registrar did not answer)'));
    const results = await run;
    expect(results.map((r) => r.ok)).toEqual([false, true]);
    expect(primary.sent).toHaveLength(1);
    expect(primary.sent[0]?.email).toMatch(/==== Account stuck ====\n.*job error/);
  });
});
