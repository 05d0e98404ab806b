import type { ListedDomain } from '../../lib/registrar/port';
import { DAY_MS } from '../../lib/renewal/dates';
import { planRenewals } from '../../lib/renewal/plan';
import {
  checkPlanAge,
  comparePlans,
  createPlanFile,
  PlanMovedError,
  parseMaxAge,
  parsePlanFile,
  planGuard,
} from '../../lib/renewal/plan-file';
import { policyOf } from '../helpers/builder';

const NOW = Date.UTC(2026, 10, 29);
const policy = policyOf();
const d = (domainName: string, days: number, extra: Partial<ListedDomain> = {}): ListedDomain => ({
  domainName,
  instanceId: `S-${domainName}`,
  expiresAtMs: NOW + days * DAY_MS,
  standing: 'normal' as const,
  premium: false,
  ...extra,
});
const plan = (domains: ListedDomain[], nowMs = NOW) => planRenewals({ policy, nowMs, inFlight: new Map(), domains });
const base = [d('a.com', 5), d('b.com', 10), d('c.com', 200)];
const file = createPlanFile(plan(base), { endpoint: 'https://x', policy, account: '' });

describe('plan file', () => {
  test('round trip: version and hash verified; any edit is refused', () => {
    const text = JSON.stringify(file);
    expect(parsePlanFile(text, 'p.json')).toEqual(file);
    expect(() => parsePlanFile(text.replace('"a.com"', '"z.com"'), 'p.json')).toThrow(/hash does not match/);
    expect(() => parsePlanFile(JSON.stringify({ ...file, version: 1 }), 'p.json')).toThrow(
      /version 1 is not supported/,
    );
    expect(() => parsePlanFile('{', 'p.json')).toThrow(/not JSON/);
    expect(() => parsePlanFile('{"kind":"other"}', 'p.json')).toThrow(/not an autorenew plan file/);
  });

  test('the same listing later the same day still holds', () => {
    expect(
      planGuard(file, { endpoint: 'https://x', policy, account: '' })(plan(base, NOW + 3_600_000)),
    ).toBeUndefined();
  });

  test('an expiry, a status or the due set moved: each difference named', () => {
    const moved = createPlanFile(
      plan([d('a.com', 370), d('b.com', 10, { standing: 'redemption' as const }), d('c.com', 200), d('new.com', 3)]),
      { endpoint: 'https://x', policy, account: '' },
    );
    expect(comparePlans(file, moved)).toEqual([
      'a.com: expiry 2026-12-04T00:00:00Z -> 2027-12-04T00:00:00Z',
      'b.com: status normal -> redemption',
      'a.com: in the plan, would not be renewed now',
      'b.com: in the plan, would not be renewed now',
      'new.com: not in the plan, would be renewed now',
    ]);
    expect(() => planGuard(file, { endpoint: 'https://y', policy, account: '' })(plan(base))).toThrow(PlanMovedError);
  });

  test('a price above the one the plan showed, or no price where it had one, is a difference; a lower one is not', () => {
    // The plan a person approved bound the price too (review 2026-12-03: it was bought at whatever today's was).
    const priced = (minor: number | undefined) => {
      const p = plan(base);
      return {
        ...p,
        decisions: p.decisions.map((x) =>
          x.domain.domainName === 'a.com' && minor !== undefined ? { ...x, price: { minor, currency: 'CNY' } } : x,
        ),
      };
    };
    const approved = createPlanFile(priced(6900), { endpoint: 'https://x', policy, account: '' });
    const guard = planGuard(approved, { endpoint: 'https://x', policy, account: '' });
    expect(() => guard(priced(6900))).not.toThrow();
    expect(() => guard(priced(5900))).not.toThrow();
    expect(
      comparePlans(approved, createPlanFile(priced(69000), { endpoint: 'https://x', policy, account: '' })),
    ).toEqual(['a.com: price 69.00 CNY -> 690.00 CNY']);
    expect(
      comparePlans(approved, createPlanFile(priced(undefined), { endpoint: 'https://x', policy, account: '' })),
    ).toEqual(['a.com: price 69.00 CNY -> none']);
    expect(() => guard(priced(6901))).toThrow(PlanMovedError);
  });

  test('age: refused past --max-age and when dated in the future', () => {
    expect(() => checkPlanAge(file, NOW + 23 * 3_600_000, parseMaxAge('24h'))).not.toThrow();
    expect(() => checkPlanAge(file, NOW + 25 * 3_600_000, parseMaxAge('24h'))).toThrow(/older than --max-age 24\.0 h/);
    expect(() => checkPlanAge(file, NOW - DAY_MS, parseMaxAge('1d'))).toThrow(/after now/);
    expect(parseMaxAge('90m')).toBe(5_400_000);
    expect(() => parseMaxAge('soon')).toThrow(/not a duration/);
  });
});
