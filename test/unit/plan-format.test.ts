import { parsePolicyText } from '../../lib/policy/load';
import { DAY_MS } from '../../lib/renewal/dates';
import { planRenewals } from '../../lib/renewal/plan';
import { displayWidth, formatPlanTable, planToJson, truncate } from '../../lib/renewal/plan-format';
import { applyMoney } from '../../lib/renewal/plan-money';
import { REASONS } from '../../lib/renewal/plan-types';
import { listedDomain as domain } from '../helpers/builder';

const NOW = Date.UTC(2026, 10, 29);

const policy = parsePolicyText(
  JSON.stringify({
    version: 1,
    notify: { advanceDays: 0 },
    rules: [{ name: 'brand', match: ['brand.com'], years: 3, coupon: 'C-1' }],
    limits: { allowPremium: true },
  }),
  'p.json',
);
const plan = planRenewals({
  policy,
  nowMs: NOW,
  inFlight: new Map(),
  domains: [
    domain('brand.com', NOW + 5 * DAY_MS),
    domain('a-really-long-domain-name-for-a-product-launch-campaign.com', NOW + 10 * DAY_MS),
    domain('例子.中国', NOW + 12 * DAY_MS, { premium: true }),
    domain('later.net', NOW + 100 * DAY_MS),
  ],
});

describe('formatPlanTable (TTY)', () => {
  const short = planRenewals({
    policy,
    nowMs: NOW,
    inFlight: new Map(),
    domains: [
      domain('brand.com', NOW + 5 * DAY_MS),
      domain('例子.中国', NOW + 12 * DAY_MS, { premium: true }),
      domain('later.net', NOW + 100 * DAY_MS),
    ],
  });

  test('header with the rule column, one row per decision, batches and totals; every line fits 80 columns', () => {
    const lines = formatPlanTable(short, { width: 80, tty: true });
    expect(lines[0]).toBe('domain     expires      days  decision  years  reason          batch  rule');
    expect(lines[1]).toBe('brand.com  2026-12-04      5  renew         3  due                 0  brand');
    expect(lines[2]).toBe('例子.中国  2026-12-11     12  renew         1  due                 1  -');
    expect(lines[3]).toBe('later.net  2027-03-09    100  skip             not-due                -');
    expect(lines.slice(4)).toEqual([
      'batch 0: 1 domain, 3 years, coupon C-1',
      'batch 1: 1 domain, 1 year, premium permitted',
      'total: 3 listed, 2 to renew (4 years) in 2 batches, 1 skipped (not-due 1)',
    ]);
    for (const line of lines.slice(0, 4)) expect(displayWidth(line)).toBeLessThanOrEqual(80);
  });

  test('a name too long for one row: each domain on its own line, whole, with its rule; cells below', () => {
    for (const width of [60, 80]) {
      const lines = formatPlanTable(plan, { width, tty: true });
      expect(lines.slice(0, 10)).toEqual([
        'domain (rule)',
        '  expires      days  decision  years  reason          batch',
        'brand.com (brand)',
        '  2026-12-04      5  renew         3  due                 0',
        'a-really-long-domain-name-for-a-product-launch-campaign.com',
        '  2026-12-09     10  renew         1  due                 1',
        '例子.中国',
        '  2026-12-11     12  renew         1  due                 2',
        'later.net',
        '  2027-03-09    100  skip             not-due',
      ]);
      for (const d of plan.decisions) expect(lines.join('\n')).toContain(d.domain.domainName);
      expect(lines.join('\n')).not.toContain('…');
      // Only a name itself may pass 60 columns; layout never does.
      for (const line of lines.filter((l) => l.startsWith('  '))) expect(displayWidth(line)).toBeLessThanOrEqual(60);
    }
  });

  test('wider terminals show one row per domain, whole names', () => {
    const wide = formatPlanTable(plan, { width: 140, tty: true });
    expect(wide[2]).toBe(
      'a-really-long-domain-name-for-a-product-launch-campaign.com  2026-12-09     10  renew         1  due                 1  -',
    );
    expect(wide[1]).toMatch(/ brand$/);
  });
});

describe('formatPlanTable (not a TTY)', () => {
  test('key=value lines', () => {
    expect(formatPlanTable(plan, { width: 80, tty: false })).toEqual([
      'domain=brand.com expires=2026-12-04 daysLeft=5 decision=renew years=3 reason=due batch=0 rule=brand',
      'domain=a-really-long-domain-name-for-a-product-launch-campaign.com expires=2026-12-09 daysLeft=10 decision=renew years=1 reason=due batch=1 rule=-',
      'domain=例子.中国 expires=2026-12-11 daysLeft=12 decision=renew years=1 reason=due batch=2 rule=-',
      'domain=later.net expires=2027-03-09 daysLeft=100 decision=skip years=- reason=not-due batch=- rule=-',
      'batch=0 domains=1 years=3 coupon=C-1 promotion=- permitPremium=false',
      'batch=1 domains=1 years=1 coupon=- promotion=- permitPremium=false',
      'batch=2 domains=1 years=1 coupon=- promotion=- permitPremium=true',
      'totals listed=4 renew=3 skip=1 years=5 batches=3 due=3 not-due=1',
    ]);
  });
});

describe('planToJson', () => {
  test('stable shape: every key present, every reason counted', () => {
    const json = planToJson(plan);
    expect(json.version).toBe(1);
    expect(json.now).toBe('2026-11-29T00:00:00.000Z');
    expect(Object.keys(json.totals.byReason)).toEqual(Object.keys(REASONS));
    expect(json.totals).toMatchObject({ listed: 4, renew: 3, skip: 1, years: 5, batches: 3 });
    expect(json.batches[0]).toEqual({
      index: 0,
      couponNo: 'C-1',
      promotionNo: null,
      permitPremium: false,
      domains: ['brand.com'],
      years: 3,
      cost: null,
    });
    expect(json.decisions[3]).toEqual({
      domain: 'later.net',
      instanceId: 'S-later.net',
      expiresAt: '2027-03-09T00:00:00.000Z',
      expiresAtMs: NOW + 100 * DAY_MS,
      daysLeft: 100,
      action: 'skip',
      reason: 'not-due',
      reasonText: REASONS['not-due'],
      rule: null,
      years: null,
      couponNo: null,
      promotionNo: null,
      permitPremium: null,
      batch: null,
      price: null,
      priceSource: null,
    });
    expect(json.money).toBeNull();
    for (const d of json.decisions) expect(Object.keys(d)).toEqual(Object.keys(json.decisions[3] ?? {}));
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe('a plan with prices and a balance', () => {
  const cny = (minor: number) => ({ minor, currency: 'CNY' });
  const priced = applyMoney(plan, policy, {
    prices: new Map([
      ['brand.com', { perYear: cny(6900), source: 'realtime' as const }],
      ['a-really-long-domain-name-for-a-product-launch-campaign.com', { perYear: cny(6900), source: 'table' as const }],
      // Keyed by the name as listed (the planner compares names as the port gives them; this listing is Unicode).
      ['例子.中国', { perYear: cny(78000), source: 'checkdomain' as const }],
    ]),
    balance: { state: 'read', availableCash: cny(40000) },
  });

  test('the table shows each price and its source, the batch costs, and the balance before and after', () => {
    const lines = formatPlanTable(priced, { width: 200, tty: true });
    expect(lines[0]).toMatch(/^domain +expires .* batch +price +rule$/);
    expect(lines.find((l) => l.startsWith('brand.com'))).toMatch(/ 207\.00 CNY realtime +brand$/);
    expect(lines).toContain('batch 0: 1 domain, 3 years, 207.00 CNY, coupon C-1');
    expect(lines).toContain('money: planned 276.00 CNY; balance 400.00 CNY before, 124.00 CNY after the plan.');
    // 例子.中国 costs 780 and does not fit what is left: deferred, with the top-up it needs.
    expect(lines.find((l) => l.startsWith('例子.中国'))).toMatch(/skip .*low-balance .* 780\.00 CNY checkdomain/);
    expect(lines).toContain('money: 1 domain (780.00 CNY) deferred: top up 656.00 CNY before 2026-12-11.');
  });

  test('plain lines and JSON carry minor units and the currency', () => {
    const plain = formatPlanTable(priced, { width: 80, tty: false });
    expect(plain[0]).toMatch(/ price=207\.00CNY source=realtime$/);
    expect(plain.at(-1)).toMatch(
      / cost=276\.00CNY balanceBefore=400\.00CNY balanceAfter=124\.00CNY deferred=1 deferredCost=780\.00CNY topUp=656\.00CNY$/,
    );
    const json = planToJson(priced);
    expect(json.decisions[0]?.price).toEqual({ minor: 20700, currency: 'CNY', text: '207.00 CNY' });
    expect(json.money).toMatchObject({
      currency: 'CNY',
      total: { minor: 27600 },
      balance: { state: 'read', before: { minor: 40000 }, after: { minor: 12400 } },
      deferred: { count: 1, topUp: { minor: 65600 } },
    });
  });
});

describe('text width helpers', () => {
  test('wide characters count twice; truncation ends in an ellipsis', () => {
    expect(displayWidth('例子.中国')).toBe(9);
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcd', 4)).toBe('abcd');
    expect(truncate('例子例子', 5)).toBe('例子…');
  });
});
