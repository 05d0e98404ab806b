import { parsePolicyText } from '../../lib/policy/load';

/**
 * Review 2026-12-06, round 9: README (rule-conflict row, and "The first matching rule wins" paragraph) says the load check refuses a name
 * an earlier wildcard hides, and that rule-conflict is only for a domain an earlier rule takes by its groups. The
 * load check (lib/policy/shadow.ts) only refuses a rule whose every pattern is hidden: a renew:false rule naming
 * old-brand.com beside another name loads, and at run time findNamedExclusion (which never looks at how the first
 * rule matched) made old-brand.com rule-conflict, with a reason saying "by its groups"; before round 8 it was bought.
 * Such a name, hidden by an earlier glob that disagrees on renew, is now refused at load, naming both rules.
 */
const text = JSON.stringify({
  version: 1,
  rules: [
    { name: 'all-com', match: ['*.com'] },
    { name: 'retire', match: ['old-brand.com', 'legacy.net'], renew: false },
  ],
});

it('a name an earlier wildcard hides, where the two rules disagree on renew, is refused at load', () => {
  expect(() => parsePolicyText(text, 'p.json')).toThrow(
    /^p\.json rules\[1\]\.match\[0\]: "old-brand\.com" can never reach rule "retire": earlier rule "all-com" takes it first \(by "\*\.com"\) and renews it; move rule "retire" above "all-com", or take the name out of one of them$/,
  );
});

it.each([
  // Rules that agree on renew: the earlier one wins, as documented (a coupon or years rule under a broad one).
  [
    [
      { name: 'all-com', match: ['*.com'] },
      { name: 'brand', match: ['brand.com', 'x.net'], years: 2 },
    ],
  ],
  // The narrow rule first: fine.
  [
    [
      { name: 'retire', match: ['old-brand.com'], renew: false },
      { name: 'all-com', match: ['*.com'] },
    ],
  ],
  // A name the earlier glob does not take.
  [
    [
      { name: 'all-com', match: ['*.com'] },
      { name: 'retire', match: ['legacy.net'], renew: false },
    ],
  ],
])('%j loads', (rules) => {
  expect(parsePolicyText(JSON.stringify({ version: 1, rules }), 'p.json').rules).toHaveLength(2);
});
