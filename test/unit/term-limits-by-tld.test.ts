import { termLimitsOf } from '../../lib/renewal/dates';
import { capYearsOf } from '../../lib/renewal/plan';
import { given } from '../helpers/builder';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 7);

/**
 * Review 2026-12-07: the registry's maximum term is not 10 years for every TLD (../shared/alibaba-domain-api.md §3.2:
 * 5 for `.co`; alibaba-preflight-apis.md C.2: `.xin` 1 year per order, 2 in all, CONFIRMED from Alibaba's docs). With
 * `maxYearsAhead` 10 for every name, a rule renewing `.co` for 5 years asked for more than 5 years ahead and was
 * refused at every attempt, the domain's last days included, where 4 years would have been bought.
 */
describe('term limits by TLD', () => {
  test.each([
    // name, wanted, expiry from now (days), policy maxYearsAhead, years bought
    ['shop.co', 5, 30, 10, 4],
    ['shop.co', 3, 30, 10, 3],
    ['shop.com.co', 5, 30, 10, 4],
    ['shop.com', 5, 30, 10, 5],
    ['brand.xin', 3, 30, 10, 1],
    ['brand.xin', 1, 400, 10, 0],
    ['shop.co', 5, 30, 3, 2],
  ])('%s, %i years wanted, expiring in %i days, maxYearsAhead %i: %i', (name, wanted, days, ahead, bought) => {
    expect(capYearsOf(name, NOW + days * DAY, wanted, NOW, ahead)).toBe(bought);
  });

  test('only .co and .xin have limits of their own', () => {
    expect(termLimitsOf('a.co')).toEqual({ aheadYears: 5 });
    expect(termLimitsOf('a.xin')).toEqual({ aheadYears: 2, perOrderYears: 1 });
    expect(termLimitsOf('a.com')).toBeUndefined();
    expect(termLimitsOf('a.cool')).toBeUndefined();
    // A trailing dot, or upper case, changes nothing (review 2026-12-07).
    expect(termLimitsOf('shop.CO.')).toEqual({ aheadYears: 5 });
    expect(termLimitsOf('shop.xin.')).toEqual({ aheadYears: 2, perOrderYears: 1 });
  });

  test('a 5-year rule renews a .co domain for 4 years on the sandbox registrar, which refuses 5', async () => {
    const t = await given({
      domains: ['shop.co+20d', 'shop.com+20d'],
      policy: { defaults: { years: 5 } },
    });
    const run = await t.renew();
    expect(run.plan.decisions.map((d) => [d.domain.domainName, d.years])).toEqual([
      ['shop.co', 4],
      ['shop.com', 5],
    ]);
    t.advance('2h');
    await t.check();
    const renewed = t.notifier.sent
      .flatMap((m) => m.digest?.outcomes ?? [])
      .filter((o) => o.event === 'renewed')
      .map((o) => o.domain)
      .sort();
    expect(renewed).toEqual(['shop.co', 'shop.com']);
  });
});
