import { executeRenew } from '../../lib/jobs';
import { parseMoney } from '../../lib/money';
import { given } from '../helpers/builder';

/**
 * 706c930 put the deferral's whole top-up sentence (money-notices.ts collectMoneyNotices: `deferral`, with its
 * "top up X") into the hash of the once-a-day mark `deferred#<day>#<hash>`. X is what the balance lacks, read afresh
 * every run; an Alibaba account's cash balance also pays its other pay-as-you-go services, billed hourly, so it
 * moves by cents between any two runs. Renew may run more than once a UTC day (the mark's own comment): every run
 * sent the same deferral alert (an SMS by default) again, for the same domain and the same reason, for a top-up
 * differing by cents (review 2026-12-07, twenty-sixth session, of that day's fix).
 */
describe('a money deferral whose top-up moves by cents within the UTC day', () => {
  test('the second run the same day does not send the same deferral again', async () => {
    const t = await given({ domains: ['a.com+30h'], balance: '10', now: '2026-11-29T00:30:00Z' });
    const billing = t.billing;
    if (!billing) throw new Error('expected a billing port');
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r1' });
    const first = t.notifier.sent.map((m) => `${m.email}\n${m.sms}`).join('\n');
    expect(first).toMatch(/top up \d+\.\d\d CNY/);
    expect(t.registrar.submissions()).toHaveLength(0);

    // Three hours later: the account's other services took 0.12 CNY; nothing else changed.
    billing.cash = parseMoney('9.88', 'CNY', 'test balance');
    t.advance('3h');
    t.notifier.sent.length = 0;
    const second = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r2' });
    expect(second.plan.decisions.map((d) => `${d.domain.domainName}:${d.reason}`)).toEqual(['a.com:low-balance']);
    const told = t.notifier.sent.map((m) => `${m.email}\n${m.sms}`).join('\n');
    expect(told).not.toMatch(/top up/);
    expect(t.notifier.sent.filter((m) => m.severity === 'alert')).toHaveLength(0);
  });
});
