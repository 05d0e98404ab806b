import { executeRenew } from '../../lib/jobs';
import { given } from '../helpers/builder';

/**
 * README "Money": "The TopUpNeededAlarm fires while the balance does not cover what is due and what the advance
 * notice has announced (the next 37 days with the default window and notice)." The alarm is TopUpNeeded > 0
 * (lib/jobs/renew.ts moneyMetrics).
 */
describe('TopUpNeeded while the advance notice runs (nothing else to buy)', () => {
  test('a renewal announced, waiting out its notice, that the balance cannot cover raises TopUpNeeded', async () => {
    // a.com (69 CNY) is due in 20 days; the notice is 7 days; the account holds 10 CNY.
    const t = await given({
      domains: ['a.com+20d'],
      balance: '10',
      policy: {
        notify: { advanceDays: 7, events: ['upcoming', 'will-lapse', 'stuck', 'unknown', 'failed', 'deferred'] },
      },
    });
    const metrics: Partial<Record<string, number>>[] = [];
    const deps = t.deps({ metrics: (m) => metrics.push(m) });
    const topUp = async () => {
      metrics.length = 0;
      const run = await executeRenew(deps, { policy: t.policy, dryRun: false, runId: `r-${t.clock.now()}` });
      return {
        reasons: run.plan.decisions.map((d) => `${d.domain.domainName}:${d.reason}`),
        topUpNeeded: Math.max(0, ...metrics.map((m) => m.TopUpNeeded ?? 0)),
      };
    };
    const first = await topUp(); // announces a.com
    t.advance('1d');
    const during = await topUp(); // a.com waits out its notice
    t.advance('6d');
    const due = await topUp(); // the notice is over: a.com is due and the balance is short
    expect(due.topUpNeeded).toBe(5900);
    expect({ first: first.topUpNeeded, during: during.topUpNeeded }).toEqual({ first: 5900, during: 5900 });
  });
});
