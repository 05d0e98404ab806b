import { parsePolicyText } from '../../lib/policy/load';
import { findGroupCollisions, matchesGlob, resolveRule } from '../../lib/policy/match';

describe('matchesGlob', () => {
  test.each([
    ['example.com', 'example.com', true],
    ['example.com', 'EXAMPLE.COM', true],
    ['Example.Com', 'example.com.', true],
    ['example.com', 'www.example.com', false],
    ['*.example.com', 'www.example.com', true],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'badexample.com', false],
    ['example.*', 'example.com.cn', true],
    ['old-*.net', 'old-site.net', true],
    ['old-*.net', 'old-.net', true],
    ['old-*.net', 'bold-site.net', false],
    ['*', 'anything.at.all', true],
    ['a*b*c.com', 'axxbyyc.com', true],
    ['a*b*c.com', 'acb.com', false],
    ['example.com', 'examplexcom', false],
    ['例子.中国', 'xn--fsqu00a.xn--fiqs8s', true],
    ['xn--fsqu00a.xn--fiqs8s', '例子.中国', true],
    ['*.中国', 'XN--FSQU00A.XN--FIQS8S', true],
    ['*.xn--mnchen-3ya.de', 'shop.MÜNCHEN.de', true],
    ['münchen.de', 'munchen.de', false],
  ])('%s ~ %s -> %s', (pattern, name, expected) => {
    expect(matchesGlob(pattern, name)).toBe(expected);
  });
});

describe('resolveRule', () => {
  const policy = parsePolicyText(
    JSON.stringify({
      version: 1,
      window: { daysBeforeExpiry: 20, daysAfterExpiry: 3 },
      defaults: { years: 2, coupon: 'C-DEFAULT' },
      rules: [
        { name: 'brand', match: ['*.brand.com'], years: 5, window: { daysBeforeExpiry: 90 }, promotion: 'P-1' },
        { name: 'group', groups: ['Marketing'], coupon: 'C-MKT' },
        { name: 'lapse', match: ['old-*'], renew: false },
      ],
    }),
    'p.json',
  );

  test('no rule: defaults and the top-level window', () => {
    expect(resolveRule(policy, { domainName: 'x.org' })).toEqual({
      renew: true,
      years: 2,
      daysBeforeExpiry: 20,
      daysAfterExpiry: 3,
      coupon: 'C-DEFAULT',
    });
  });

  test('a rule overrides field by field and names itself', () => {
    expect(resolveRule(policy, { domainName: 'WWW.Brand.com', groupName: 'Marketing' })).toEqual({
      rule: 'brand',
      renew: true,
      years: 5,
      daysBeforeExpiry: 90,
      daysAfterExpiry: 3,
      coupon: 'C-DEFAULT',
      promotion: 'P-1',
    });
  });

  test('groups match case-insensitively; a domain without a group never matches a groups rule', () => {
    expect(resolveRule(policy, { domainName: 'a.net', groupName: 'MARKETING' })).toMatchObject({
      rule: 'group',
      coupon: 'C-MKT',
    });
    expect(resolveRule(policy, { domainName: 'a.net' }).rule).toBeUndefined();
  });

  test('groups match whatever spaces pad either name (review 2026-12-05, round 4: a padded name fell to the defaults)', () => {
    expect(resolveRule(policy, { domainName: 'a.net', groupName: ' marketing  ' }).rule).toBe('group');
    const padded = parsePolicyText(
      JSON.stringify({ version: 1, rules: [{ name: 'padded', groups: [' Marketing '], renew: false }] }),
      'padded.json',
    );
    expect(resolveRule(padded, { domainName: 'a.net', groupName: 'marketing' })).toMatchObject({
      rule: 'padded',
      renew: false,
    });
  });

  test('renew: false', () => {
    expect(resolveRule(policy, { domainName: 'old-site.net' })).toMatchObject({ rule: 'lapse', renew: false });
  });

  test('a later renew: false rule naming the domain outright conflicts with an earlier group rule (review 2026-12-06, round 8)', () => {
    const named = parsePolicyText(
      JSON.stringify({
        version: 1,
        rules: [
          { name: 'brand', groups: ['Brand'], years: 2 },
          { name: 'keep', match: ['keep.com'] },
          { name: 'retire', match: ['OLD.com', 'bücher.de'], renew: false },
          { name: 'retire-all', match: ['*.net'], renew: false },
        ],
      }),
      'named.json',
    );
    const conflictOf = (domainName: string, groupName?: string) =>
      resolveRule(named, { domainName, ...(groupName ? { groupName } : {}) }).conflict;
    expect([
      conflictOf('old.com', 'brand'),
      conflictOf('xn--bcher-kva.de', 'Brand'),
      // A wildcard is not a name: the first match wins, as documented.
      conflictOf('a.net', 'Brand'),
      conflictOf('old.com'),
      conflictOf('keep.com', 'Other'),
      // Agreeing rules do not conflict.
      conflictOf('keep.com', 'Brand'),
    ]).toEqual(['retire', 'retire', undefined, undefined, undefined, undefined]);
  });

  test('the other way round too: a group rule that does not renew, and a later rule naming the domain to renew (round 9)', () => {
    const named = parsePolicyText(
      JSON.stringify({
        version: 1,
        rules: [
          { name: 'sunset', groups: ['Sunset'], renew: false },
          { name: 'keep', match: ['flagship.com'] },
        ],
      }),
      'named.json',
    );
    expect(resolveRule(named, { domainName: 'flagship.com', groupName: 'Sunset' })).toMatchObject({
      rule: 'sunset',
      renew: false,
      conflict: 'keep',
    });
  });
});

describe('findGroupCollisions (console groups the policy reads as one)', () => {
  test.each([
    ['two groups differing only in width', ['品牌(旧)', '品牌（旧）', 'Other'], [['品牌(旧)', '品牌（旧）']]],
    [
      'in case and spacing',
      ['Old Brand', 'old  brand', 'Old\u00a0Brand'],
      [['Old Brand', 'Old\u00a0Brand', 'old  brand']],
    ],
    ['distinct groups', ['Prod', 'Test'], []],
    ['one group listed many times', ['Prod', 'Prod'], []],
  ])('%s', (_what, groups, expected) => {
    expect(findGroupCollisions(groups.map((groupName) => ({ groupName })))).toEqual(expected);
  });
});
