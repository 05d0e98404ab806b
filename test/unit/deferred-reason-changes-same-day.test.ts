import { executeRenew } from '../../lib/jobs';
import { given } from '../helpers/builder';

/**
 * The money deferral's one-time mark (money-notices.ts collectMoneyNotices: `deferred#<day>#<hash>`) is keyed by the
 * set of domains and expiries only, not by why they are held back or what to do. Renew may run more than once a UTC
 * day (the mark's own comment; a job error's advice: "run renew again once the cause is fixed"). A first run that
 * could not read the balance tells "balance-unknown"; the operator fixes the BSS permission and runs renew again the
 * same day: the balance is now read and is short, and the one thing to do, the top-up with its amount and date, is
 * never told that day (the domain expires the next day) (review 2026-12-07, twenty-sixth session).
 */
describe('a money deferral whose reason changes within the UTC day', () => {
  test('the second run tells the top-up the first run could not know', async () => {
    const t = await given({ domains: ['a.com+30h'], balance: '10', now: '2026-11-29T00:30:00Z' });
    const billing = t.billing;
    if (!billing) throw new Error('expected a billing port');
    billing.failing = true; // BSS refuses: money.balanceUnreadable is "stop" (the default)
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r1' });
    const first = t.notifier.sent.map((m) => m.email).join('\n');
    expect(first).toMatch(/a\.com/);
    expect(first).toMatch(/balance-unknown/);
    expect(t.registrar.submissions()).toHaveLength(0);

    // The operator fixes the permission and runs renew again the same UTC day: the balance (10 CNY) is short.
    billing.failing = false;
    t.advance('3h');
    t.notifier.sent.length = 0;
    const second = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r2' });
    expect(second.plan.decisions.map((d) => `${d.domain.domainName}:${d.reason}`)).toEqual(['a.com:low-balance']);
    expect(t.registrar.submissions()).toHaveLength(0);
    const told = t.notifier.sent.map((m) => `${m.email}\n${m.sms}`).join('\n');
    expect(told).toMatch(/top up \d+\.\d\d CNY/);
  });
});
