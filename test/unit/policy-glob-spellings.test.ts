import { parsePolicyText } from '../../lib/policy/load';
import { resolveRule } from '../../lib/policy/match';
import { normalizeDomain } from '../../lib/registrar/domain-name';

/*
 * Review 2026-12-07. A glob label without `*` is converted through IDNA, so any spelling the loader accepts
 * (full-width letters, decomposed accents) matches the registrar's name; a label WITH `*` was only lower-cased, while
 * the names it is compared with are IDNA-mapped (NFC, width-folded): a never-renew glob typed in full-width letters
 * (an input method left in full-width mode) or decomposed (NFD, as some editors write) loaded without a word and
 * matched nothing, and its domains were bought. And the dead-rule check compared the two globs' text only: a
 * never-renew glob written in one IDN form under a renewing glob written in the other loaded, and was never reached.
 */
function outcome(pattern: string, listed: string): 'refused at load' | 'not renewed' | 'bought' {
  let policy: ReturnType<typeof parsePolicyText>;
  try {
    policy = parsePolicyText(
      JSON.stringify({ version: 1, rules: [{ name: 'retired', match: [pattern], renew: false }] }),
      'policy.json',
    );
  } catch {
    return 'refused at load';
  }
  return resolveRule(policy, { domainName: normalizeDomain(listed) }).renew ? 'bought' : 'not renewed';
}

const policyOf = (earlier: string, later: string) =>
  JSON.stringify({
    version: 1,
    rules: [
      { name: 'brand', match: [earlier], renew: true },
      { name: 'retired', match: [later], renew: false },
    ],
  });

describe('a never-renew glob written in a non-canonical Unicode form', () => {
  test.each([
    ['plain, no wildcard', 'old.com', 'old.com', 'not renewed'],
    ['full-width, no wildcard', 'ｏｌｄ.com', 'old.com', 'not renewed'],
    ['decomposed, no wildcard', 'cafe\u0301.com', 'café.com', 'not renewed'],
    ['full-width letters', 'ｏｌｄ*.com', 'old-site.com', 'not renewed'],
    ['decomposed accent (NFD)', '*cafe\u0301.com', 'bistrocafé.com', 'not renewed'],
    ['decomposed accent, upper case', '*CAFE\u0301.com', 'bistrocafé.com', 'not renewed'],
    ['Unicode wildcard label, Unicode TLD', '旧*.中国', '旧品牌.中国', 'not renewed'],
    ['another name is not taken', 'ｏｌｄ*.com', 'new-site.com', 'bought'],
    // A punycode piece is no label: not decoded, so the glob does not widen to Unicode names starting with 中国.
    ['a punycode piece stays as written', 'xn--fiqs8s*.com', '中国人.com', 'bought'],
  ])('%s: %s on %s is %s', (_what, pattern, listed, expected) => {
    expect(outcome(pattern, listed)).toBe(expected);
  });
});

describe('a dead never-renew glob rule is refused whatever IDN form each rule is written in', () => {
  test.each([
    ['*.com', 'old*.com'],
    ['*.中国', '旧*.中国'],
    ['*.中国', '*.xn--fsqu00a.xn--fiqs8s'],
    ['*.xn--fiqs8s', '*.例子.中国'],
    ['*.xn--fiqs8s', '旧*.中国'],
    ['*.com', 'ｏｌｄ*.com'],
  ])('earlier %s, later never-renew %s: refused', (earlier, later) => {
    expect(() => parsePolicyText(policyOf(earlier, later), 'policy.json')).toThrow(/rule "retired" can never match/);
  });

  test.each([
    ['*.中国', '旧*.com'],
    ['*.xn--fiqs8s', '*.例子.com'],
    ['old*.com', '*.com'],
  ])('earlier %s does not take every name of %s: loads', (earlier, later) => {
    expect(() => parsePolicyText(policyOf(earlier, later), 'policy.json')).not.toThrow();
  });
});
