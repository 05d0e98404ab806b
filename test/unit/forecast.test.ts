import { InputError, RejectedFinalError } from '../../lib/errors';
import type { Hold } from '../../lib/ledger/port';
import type { Money } from '../../lib/money';
import { parsePolicyText } from '../../lib/policy/load';
import type { ListedDomain, Quote, Registrar } from '../../lib/registrar/port';
import { type Forecast, forecastListingRange, forecastRenewals } from '../../lib/renewal/forecast';
import { fetchForecastQuotes } from '../../lib/renewal/forecast-quotes';
import { findTablePrice } from '../../lib/renewal/price-table';

// Every date is a literal: "now" is 2026-12-02 10:00 UTC.
const NOW = Date.UTC(2026, 11, 2, 10);
const at = (iso: string) => Date.parse(iso);
const cny = (minor: number): Money => ({ minor, currency: 'CNY' });

const BASE = {
  version: 1,
  // No grace period: the cases below are written for a window that closes at expiry.
  window: { daysBeforeExpiry: 30, daysAfterExpiry: 0 },
  limits: { maxYearsAhead: 10 },
  // "renew": the job buys a name no source prices (counted 0 without maxPricePerDomain), so the forecast lists it.
  money: { currency: 'CNY', priceTable: { com: '79.00', cn: 35, 'com.cn': '29.9', net: '89.50' }, unpriced: 'renew' },
};

function policy(fields: Record<string, unknown> = {}) {
  return parsePolicyText(JSON.stringify({ ...BASE, ...fields }), 'forecast-policy.json');
}

function domain(domainName: string, expiry: string, extra: Partial<ListedDomain> = {}): ListedDomain {
  return {
    domainName,
    instanceId: `S-${domainName}`,
    expiresAtMs: at(expiry),
    standing: 'normal' as const,
    premium: false,
    ...extra,
  };
}

function forecast(domains: ListedDomain[], fields: Record<string, unknown> = {}, months = 12, quotes?: Quote[]) {
  return forecastRenewals({
    domains,
    policy: policy(fields),
    nowMs: NOW,
    months,
    ...(quotes ? { quotes: new Map(quotes.map((q) => [q.domainName, q])) } : {}),
  });
}

/** The rows a reader checks: domain, renew day, month, years, price (minor) or why unpriced. */
function rows(f: Forecast) {
  return f.renewals.map((r) => [
    r.domain,
    new Date(r.renewAtMs).toISOString().slice(0, 10),
    r.month,
    r.years,
    r.price ? r.price.minor : r.unpriced,
    r.source ?? '-',
  ]);
}

describe('findTablePrice: per-TLD one-year price, longest matching TLD wins, exact minor units', () => {
  test.each([
    ['example.com', 7900],
    ['shop.com.cn', 2990], // com.cn beats cn
    ['example.cn', 3500], // a number in the table
    ['example.net', 8950],
    ['example.org', undefined],
    ['notcom', undefined],
    ['x.dotcom', undefined], // whole labels only
  ])('%s -> %s', (name, minor) => {
    const price = findTablePrice(policy(), name);
    expect(price).toEqual(minor === undefined ? undefined : cny(minor));
  });
});

describe('forecastRenewals', () => {
  test.each<[string, ListedDomain[], Record<string, unknown>, number, (string | number)[][]]>([
    [
      'planned at expiry - 30 days, grouped by the month of that day',
      [domain('b.com', '2027-02-15T08:00:00Z'), domain('a.net', '2027-01-10T00:00:00Z')],
      {},
      12,
      [
        ['a.net', '2026-12-11', '2026-12', 1, 8950, 'table'],
        ['b.com', '2027-01-16', '2027-01', 1, 7900, 'table'],
      ],
    ],
    [
      'already due: planned now, in the current month; its next renewal comes due again 11 months later',
      [domain('soon.com', '2026-12-20T00:00:00Z')],
      {},
      12,
      [
        ['soon.com', '2026-12-02', '2026-12', 1, 7900, 'table'],
        ['soon.com', '2027-11-20', '2027-11', 1, 7900, 'table'],
      ],
    ],
    [
      'years from the rule; the price is one year times years',
      [domain('brand.com', '2027-03-31T00:00:00Z')],
      { rules: [{ name: 'brands', match: ['brand.*'], years: 3 }] },
      12,
      [['brand.com', '2027-03-01', '2027-03', 3, 23700, 'table']],
    ],
    [
      "a rule's own window moves the renewal day",
      [domain('early.com', '2027-03-31T00:00:00Z')],
      { rules: [{ name: 'early', match: ['early.com'], window: { daysBeforeExpiry: 60 } }] },
      12,
      [['early.com', '2027-01-30', '2027-01', 1, 7900, 'table']],
    ],
    [
      'the horizon ends at the start of the month after the last: due 2027-12-01 is outside 12 months',
      [domain('edge.com', '2027-12-31T00:00:00Z'), domain('inside.com', '2027-12-30T23:59:59Z')],
      {},
      12,
      [['inside.com', '2027-11-30', '2027-11', 1, 7900, 'table']],
    ],
    [
      'one month: only the rest of the current month',
      [domain('a.com', '2026-12-31T00:00:00Z'), domain('b.com', '2027-01-31T00:00:00Z')],
      {},
      1,
      [['a.com', '2026-12-02', '2026-12', 1, 7900, 'table']],
    ],
    [
      'later renewals are projected while they fall in the horizon (1 year each)',
      [domain('loop.cn', '2027-01-15T00:00:00Z')],
      {},
      24,
      [
        ['loop.cn', '2026-12-16', '2026-12', 1, 3500, 'table'],
        ['loop.cn', '2027-12-16', '2027-12', 1, 3500, 'table'],
      ],
    ],
    [
      'a TLD without a table price is unpriced',
      [domain('nope.org', '2027-01-15T00:00:00Z')],
      {},
      12,
      [['nope.org', '2026-12-16', '2026-12', 1, 'no registrar quote and no money.priceTable entry for its TLD', '-']],
    ],
    [
      'IDN names (punycode, as the registrar port gives them) are priced by their TLD',
      [domain('xn--bcher-kva.com', '2027-01-15T00:00:00Z')],
      {},
      12,
      [['xn--bcher-kva.com', '2026-12-16', '2026-12', 1, 7900, 'table']],
    ],
  ])('%s', (_what, domains, fields, months, expected) => {
    expect(rows(forecast(domains, fields, months))).toEqual(expected);
  });

  test('the planner’s skips: opted out, premium not allowed, redemption, past the window, at max term', () => {
    const domains = [
      domain('out.com', '2027-01-15T00:00:00Z'),
      domain('gold.com', '2027-01-15T00:00:00Z', { premium: true }),
      domain('gone.com', '2026-10-01T00:00:00Z'),
      domain('late.com', '2026-11-30T00:00:00Z'),
      domain('capped.com', '2027-01-15T00:00:00Z'),
      domain('far.com', '2029-01-15T00:00:00Z'),
    ];
    const valid = policy({ rules: [{ name: 'keep-out', match: ['out.com'], renew: false }] });
    // The validator refuses years plus window beyond maxYearsAhead; the forecast must still be safe with one.
    const capped = { ...valid, limits: { ...valid.limits, maxYearsAhead: 1 } };
    const f = forecastRenewals({ domains, policy: capped, nowMs: NOW, months: 12 });
    expect(f.renewals).toEqual([]);
    expect(f.skipped.map((s) => [s.domain, s.reason])).toEqual([
      ['out.com', 'opted-out'],
      ['gold.com', 'premium'],
      ['gone.com', 'redemption'],
      ['late.com', 'past-window'],
      ['capped.com', 'at-max-term'],
    ]);
  });

  test('a domain whose group the listing cannot say, reaching a groups rule, is group-unknown, as the planner says', () => {
    const domains = [
      domain('intl.com', '2027-01-15T00:00:00Z', { groupUnstated: true }),
      domain('named.com', '2027-01-16T00:00:00Z', { groupUnstated: true }),
    ];
    const rules = [
      { name: 'by-name', match: ['named.com'] },
      { name: 'legacy', groups: ['Legacy'], renew: false },
    ];
    const f = forecastRenewals({ domains, policy: policy({ rules }), nowMs: NOW, months: 12 });
    expect(f.skipped.map((s) => [s.domain, s.reason])).toEqual([['intl.com', 'group-unknown']]);
    expect(f.renewals.map((r) => r.domain)).toEqual(['named.com']);
  });

  test('registrar quotes win over the table; a premium name is priced only by a quote; another currency is unpriced', () => {
    const quotes: Quote[] = [
      { domainName: 'quoted.com', perYear: cny(6500), source: 'realtime' },
      { domainName: 'gold.com', perYear: cny(1_000_000), source: 'checkdomain' },
      { domainName: 'dollar.com', perYear: { minor: 1200, currency: 'USD' }, source: 'realtime' },
    ];
    const f = forecast(
      [
        domain('quoted.com', '2027-01-15T00:00:00Z'),
        domain('gold.com', '2027-01-16T00:00:00Z', { premium: true }),
        domain('silver.com', '2027-01-17T00:00:00Z', { premium: true }),
        domain('dollar.com', '2027-01-18T00:00:00Z'),
      ],
      { limits: { maxYearsAhead: 10, allowPremium: true } },
      12,
      quotes,
    );
    expect(rows(f).map((r) => [r[0], r[4], r[5]])).toEqual([
      ['quoted.com', 6500, 'realtime'],
      ['gold.com', 1_000_000, 'checkdomain'],
      ['dollar.com', "quoted in USD, the policy's currency is CNY", '-'],
    ]);
    // A premium name without a quote is never bought unpriced (plan-money.ts): not a renewal of the forecast.
    expect(f.skipped.map((s) => [s.domain, s.reason])).toEqual([['silver.com', 'unpriced']]);
    expect(f.unpriced).toBe(1);
  });

  test('a name the registrar priced in a way that cannot be used is not priced from the table (price-unusable)', () => {
    const f = forecastRenewals({
      domains: [domain('gold.com', '2027-01-16T00:00:00Z'), domain('plain.com', '2027-01-17T00:00:00Z')],
      policy: policy({ money: { priceTable: { com: '79.00' } } }),
      nowMs: NOW,
      months: 12,
      unusable: new Map([['gold.com', 'QueryDomainRealTimePrice: answered 2 times, differently']]),
    });
    // Never bought (price-unusable): skipped, not a renewal of the forecast.
    expect(rows(f).map((r) => [r[0], r[4], r[5]])).toEqual([['plain.com', 7900, 'table']]);
    expect(f.skipped.map((s) => [s.domain, s.reason])).toEqual([['gold.com', 'unpriced']]);
  });

  test('totals: every month and the whole equal the exact sum of their renewals’ prices (integer minor units)', () => {
    const names = ['a.com', 'b.net', 'c.cn', 'd.com.cn', 'e.org', 'f.com'];
    const domains = names.flatMap((n, i) => [
      domain(n, `2027-0${1 + (i % 6)}-1${i}T00:00:00Z`),
      domain(`x${n}`, `2027-0${2 + (i % 5)}-2${i}T00:00:00Z`),
    ]);
    const f = forecast(domains, { rules: [{ name: 'two', match: ['x*'], years: 2 }] });
    expect(f.renewals).toHaveLength(12);
    for (const m of f.months) {
      const sum = m.renewals.reduce((s, r) => s + (r.price?.minor ?? 0), 0);
      expect(m.total).toEqual(cny(sum));
      expect(m.unpriced).toBe(m.renewals.filter((r) => !r.price).length);
      expect(Number.isInteger(m.total.minor)).toBe(true);
    }
    expect(f.total).toEqual(cny(f.renewals.reduce((s, r) => s + (r.price?.minor ?? 0), 0)));
    expect(f.total.minor).toBe(f.months.reduce((s, m) => s + m.total.minor, 0));
    // 29.90 CNY twice 2 years etc.: the float sum would drift; minor units do not.
    expect(f.months.map((m) => m.month)).toEqual([
      '2026-12',
      '2027-01',
      '2027-02',
      '2027-03',
      '2027-04',
      '2027-05',
      '2027-06',
      '2027-07',
      '2027-08',
      '2027-09',
      '2027-10',
      '2027-11',
    ]);
  });

  test.each([0, -1, 1.5, 121, Number.NaN])('months %s is refused with an InputError', (months) => {
    expect(() => forecast([], {}, months)).toThrow(InputError);
  });

  test('the listing range covers grace and redemption behind, and the widest window past the horizon', () => {
    const range = forecastListingRange(
      policy({ rules: [{ name: 'wide', match: ['w.*'], window: { daysBeforeExpiry: 90 } }] }),
      NOW,
      12,
    );
    expect(new Date(range.fromMs).toISOString()).toBe('2026-11-02T10:00:00.000Z');
    // 2027-12-01 (the horizon's end) + 90 days, through a leap February.
    expect(new Date(range.toMs).toISOString()).toBe('2028-02-29T00:00:00.000Z');
  });
});

describe('forecastRenewals with holds (autorenew hold)', () => {
  const hold = (domain: string, until?: string): Hold => ({
    domain,
    ...(until ? { untilMs: at(until) } : {}),
    createdAtMs: NOW - 1,
  });

  test.each<[string, Hold, (string | number)[][], string[]]>([
    ['a hold until unhold: never bought, listed as held', hold('a.com'), [], ['a.com held']],
    [
      'a hold ending before the renewal day changes nothing',
      hold('a.com', '2026-12-10T00:00:00Z'),
      [['a.com', '2027-01-15', '2027-01', 1, 7900, 'table']],
      [],
    ],
    [
      'a hold ending inside the window: bought the day it ends',
      hold('a.com', '2027-02-01T00:00:00Z'),
      [['a.com', '2027-02-01', '2027-02', 1, 7900, 'table']],
      [],
    ],
    [
      'a hold ending after the window closes (expiry, daysAfterExpiry 0): held, not bought',
      hold('a.com', '2027-02-15T00:00:01Z'),
      [],
      ['a.com held'],
    ],
    [
      'a hold of another domain changes nothing',
      hold('b.com'),
      [['a.com', '2027-01-15', '2027-01', 1, 7900, 'table']],
      [],
    ],
  ])('%s', (_what, h, expected, skipped) => {
    const f = forecastRenewals({
      domains: [domain('a.com', '2027-02-14T00:00:00Z')],
      policy: policy(),
      holds: [h],
      nowMs: NOW,
      months: 6,
    });
    expect(rows(f)).toEqual(expected);
    expect(f.skipped.map((s) => `${s.domain} ${s.reason}`)).toEqual(skipped);
  });

  test('an expired hold (its end before now) is ignored', () => {
    const f = forecastRenewals({
      domains: [domain('soon.com', '2026-12-20T00:00:00Z')],
      policy: policy(),
      holds: [hold('soon.com', '2026-12-01T00:00:00Z')],
      nowMs: NOW,
      months: 1,
    });
    expect(rows(f)).toEqual([['soon.com', '2026-12-02', '2026-12', 1, 7900, 'table']]);
  });
});

describe('fetchForecastQuotes: registrar quotes when it offers them', () => {
  const domains = [
    domain('A.com', '2027-01-15T00:00:00Z'),
    domain('gold.com', '2027-01-16T00:00:00Z', { premium: true }),
  ];

  test('a registrar without quoteRenewals: no quotes, no warning (the table prices)', async () => {
    expect(await fetchForecastQuotes({}, domains, 'CNY')).toEqual({ warnings: [] });
  });

  test('quotes keyed by name; the premium flag is passed; unavailable sources become warnings', async () => {
    const asked: unknown[] = [];
    const registrar: Pick<Registrar, 'quoteRenewals'> = {
      quoteRenewals: async (items, currency) => {
        asked.push({ items, currency });
        return {
          quotes: [{ domainName: 'a.com', perYear: cny(6500), source: 'checkdomain' }],
          unpriced: [{ domainName: 'gold.com', why: 'Avail 0' }],
          unavailable: [{ source: 'realtime', code: 'InvalidAction.NotFound', message: 'no such action' }],
        };
      },
    };
    const out = await fetchForecastQuotes(registrar, domains, 'CNY');
    expect(asked).toEqual([
      {
        items: [
          { domainName: 'A.com', premium: false },
          { domainName: 'gold.com', premium: true },
        ],
        currency: 'CNY',
      },
    ]);
    expect([...(out.quotes ?? new Map()).keys()]).toEqual(['a.com']);
    expect(out.warnings).toEqual(['price source realtime unavailable (InvalidAction.NotFound); tried the next one']);
  });

  test('a registrar error falls back to the table with a warning; any other error fails', async () => {
    const refusing = {
      quoteRenewals: async (): Promise<never> => {
        throw new RejectedFinalError('Forbidden.RAM: not allowed', { code: 'Forbidden.RAM' });
      },
    };
    const out = await fetchForecastQuotes(refusing, domains, 'CNY');
    expect(out.quotes).toBeUndefined();
    expect(out.warnings).toEqual([expect.stringMatching(/^the registrar gave no quotes \(Forbidden\.RAM/)]);
    const broken = {
      quoteRenewals: async (): Promise<never> => {
        throw new TypeError('bug');
      },
    };
    await expect(fetchForecastQuotes(broken, domains, 'CNY')).rejects.toBeInstanceOf(TypeError);
  });
});
