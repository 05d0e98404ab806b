import { given } from '../helpers/builder';

/**
 * One check digest with two lines that page: near.com's task still queued 18 hours before its expiry (the early
 * stuck page exists for exactly this: a person must look now), and far.com's row that failed because someone renewed
 * it in the console first ("renewed anyway": nothing to do, not retried). The SMS is what a person reads first; it
 * must name the domain that lapses tomorrow. It picked the first paging line by event severity (failed before
 * stuck), whatever the days left: "First: far.com renewed anyway." (review 2026-12-07, twenty-fifth session).
 */
describe('the SMS of a check digest with a stuck task close to its expiry', () => {
  test('names the domain about to lapse, not a failure far from its expiry that needs nothing', async () => {
    const t = await given({
      domains: ['near.com+20h', 'far.com+20d'],
      policy: { limits: { maxBatchSize: 1 } },
    });
    // near.com (sent first: soonest expiry) waits 3 days in the registrar's queue; far.com's task runs within 30 min.
    const queues = [3 * 86_400_000, 30 * 60_000];
    t.registrar.faults.queueMs = () => queues.shift() ?? 0;
    await t.renew();
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['near.com', 'far.com']);
    // Five minutes later someone renews far.com in the console: our order for it then fails (stale expiry).
    t.advance('5m');
    const far = t.registrar.domains.get('far.com');
    if (far) far.expiresAtMs += 365 * 86_400_000;
    t.notifier.sent.length = 0;
    t.advance('56m');
    await t.check();

    const digest = t.notifier.sent.at(-1);
    // Both lines are in the email: the precondition of the finding.
    expect(digest?.email).toMatch(/^- near\.com: .*it expires in 18 hours: look the task up/m);
    expect(digest?.email).toMatch(/^- far\.com: .*the registrar shows it renewed to/m);
    expect(digest?.severity).toBe('alert');
    // The SMS names near.com, the domain a person must act on before tomorrow.
    expect(digest?.sms).toContain('near.com');
  });
});
