import { addYearsUtc, DAY_MS, daysUntil, formatDisplayDate } from '../../lib/sandbox/dates';
import { generatePortfolio } from '../../lib/sandbox/generator';
import { domainStatusAt } from '../../lib/sandbox/model';
import { createPrng } from '../../lib/sandbox/prng';
import { domainKey, domainTypeOf, priceOf, tldOf } from '../../lib/sandbox/tld';

const NOW = Date.UTC(2026, 0, 1);

describe('generatePortfolio', () => {
  test('is deterministic per seed and differs between seeds', () => {
    expect(generatePortfolio(100, 7, NOW)).toEqual(generatePortfolio(100, 7, NOW));
    expect(generatePortfolio(100, 8, NOW)).not.toEqual(generatePortfolio(100, 7, NOW));
  });

  test('a realistic mix: unique names, several TLDs, IDNs, groups, ~2% premium, due/grace/redemption', () => {
    const domains = generatePortfolio(1000, 1, NOW);
    expect(new Set(domains.map((d) => domainKey(d.domainName))).size).toBe(1000);
    const tlds = new Set(domains.map((d) => tldOf(d.domainName)));
    for (const t of ['com', 'cn', 'net', 'org', 'io', 'com.cn', 'xyz']) expect(tlds).toContain(t);
    expect(domains.some((d) => domainKey(d.domainName).includes('xn--'))).toBe(true);
    const groups = new Set(domains.map((d) => d.groupName ?? 'none'));
    expect([...groups].sort()).toEqual(['Brand', 'Legacy', 'Marketing', 'none']);
    const premium = domains.filter((d) => d.premium).length;
    expect(premium).toBeGreaterThanOrEqual(10);
    expect(premium).toBeLessThanOrEqual(30);
    const statuses = domains.map((d) => domainStatusAt(d.expiresAtMs, NOW));
    expect(statuses.filter((s) => s === '2').length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === '1').length).toBeGreaterThan(0);
    expect(
      domains.filter((d) => d.expiresAtMs < NOW && domainStatusAt(d.expiresAtMs, NOW) === '1').length,
    ).toBeGreaterThan(0);
    for (const d of domains) {
      expect(d.expiresAtMs).toBeGreaterThanOrEqual(NOW - 60 * DAY_MS);
      expect(d.expiresAtMs).toBeLessThanOrEqual(NOW + 731 * DAY_MS);
      expect(d.registeredAtMs).toBeLessThan(NOW);
      expect(d.instanceId).toMatch(/^S\d{4}[A-Z0-9]{10}$/);
    }
  });

  test('at least one premium domain from 20 domains; none below', () => {
    expect(generatePortfolio(20, 3, NOW).filter((d) => d.premium)).toHaveLength(1);
    expect(generatePortfolio(5, 3, NOW).filter((d) => d.premium)).toHaveLength(0);
  });
});

describe('dates', () => {
  test('display dates are Beijing time', () => {
    expect(formatDisplayDate(Date.UTC(2025, 11, 31, 20, 30, 5))).toBe('2026-01-01 04:30:05');
  });
  test('calendar years in UTC, including Feb 29', () => {
    expect(addYearsUtc(Date.UTC(2026, 4, 3, 7), 3)).toBe(Date.UTC(2029, 4, 3, 7));
    expect(addYearsUtc(Date.UTC(2028, 1, 29), 1)).toBe(Date.UTC(2029, 2, 1));
  });
  test('days until expiry counts Beijing calendar days', () => {
    expect(daysUntil(NOW + 10 * DAY_MS, NOW + 1)).toBe(10);
    expect(daysUntil(NOW - 5 * DAY_MS, NOW + 1)).toBe(-5);
    expect(daysUntil(NOW + 3_600_000, NOW)).toBe(0);
  });
  test('domain status thresholds', () => {
    expect(domainStatusAt(NOW + 31 * DAY_MS, NOW)).toBe('3');
    expect(domainStatusAt(NOW + 30 * DAY_MS, NOW)).toBe('1');
    expect(domainStatusAt(NOW - 30 * DAY_MS, NOW)).toBe('1');
    expect(domainStatusAt(NOW - 30 * DAY_MS - 1, NOW)).toBe('2');
  });
});

describe('tld and prices', () => {
  test.each([
    ['example.com', 'com', 69, 'gTLD'],
    ['example.com.cn', 'com.cn', 39, 'ccTLD'],
    ['example.cn', 'cn', 39, 'ccTLD'],
    ['EXAMPLE.NET', 'net', 79, 'gTLD'],
    ['example.xyz', 'xyz', 85, 'New gTLD'],
    ['例子.中国', '中国', 39, 'ccTLD'],
    ['example.shop', 'shop', 99, 'New gTLD'],
  ])('%s', (name, tld, price, type) => {
    expect(tldOf(name)).toBe(tld);
    expect(priceOf(name, false)).toBe(price);
    expect(priceOf(name, true)).toBe(price * 20);
    expect(domainTypeOf(name)).toBe(type);
  });
  test('IDN keys match across Unicode and punycode', () => {
    expect(domainKey('例子.中国')).toBe('xn--fsqu00a.xn--fiqs8s');
    expect(domainKey('XN--FSQU00A.xn--fiqs8s')).toBe('xn--fsqu00a.xn--fiqs8s');
  });
});

describe('prng', () => {
  test('same seed, same sequence; values in range', () => {
    const a = createPrng(42);
    const b = createPrng(42);
    for (let i = 0; i < 100; i++) {
      const x = a.next();
      expect(x).toBe(b.next());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
    const r = createPrng(1);
    for (let i = 0; i < 100; i++) {
      const n = r.int(3, 5);
      expect([3, 4, 5]).toContain(n);
    }
  });
});
