import { RejectedFinalError } from '../../lib/errors';
import { given } from '../helpers/builder';

/**
 * Review 2026-12-07: a final refusal of the submit set the next attempt to the moment it was read plus
 * retryAfterHours, with none of the hour of slack a failure check reads later gets (round 4, A2). The daily run
 * lists for a little while before it sends, so the next daily run, which plans from its own start, came seconds too
 * early: every refused renewal waited two days, and one with a short window was never retried.
 */
describe('a final refusal on the daily run is retried by the next daily run, 24 h later', () => {
  const refuseOnce = (t: Awaited<ReturnType<typeof given>>) => {
    let refusals = 1;
    t.registrar.faults.before = (operation) => {
      if (operation === 'listDomains') t.advance('30s'); // the listing takes a little time
      if (operation === 'submitRenewBatch' && refusals-- > 0) {
        throw new RejectedFinalError('InvalidParameter.Foo (test)', { code: 'InvalidParameter.Foo' });
      }
    };
  };

  test('a 2-day window with daysAfterExpiry 0: refused on 2026-11-30, bought on 2026-12-01', async () => {
    const t = await given({
      now: '2026-11-30T02:00:00Z',
      domains: [{ domainName: 'a.com', expiresAtMs: Date.parse('2026-12-02T01:00:00Z') }],
      policy: { window: { daysBeforeExpiry: 2, daysAfterExpiry: 0 } },
    });
    refuseOnce(t);
    await t.renew();
    expect(t.registrar.submissions()).toHaveLength(0);
    t.clock.set(Date.parse('2026-12-01T02:00:00Z'));
    const run = await t.renew();
    expect(run.plan.decisions.find((d) => d.domain.domainName === 'a.com')?.reason).toBe('due');
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com']);
  });

  test('the default window: a batch refused on day 0 is retried on day 1, not day 2', async () => {
    const t = await given({ now: '2026-11-30T02:00:00Z', domains: ['a.com+20d', 'b.com+21d'] });
    refuseOnce(t);
    await t.renew();
    t.clock.set(Date.parse('2026-12-01T02:00:00Z'));
    const run = await t.renew();
    expect(run.plan.decisions.map((d) => `${d.domain.domainName}:${d.reason}`)).toEqual(['a.com:due', 'b.com:due']);
  });
});
