import { runRenew } from '../../lib/renewal/run-renew';
import { priceOf } from '../../lib/sandbox/tld';
import { startWorld, type World } from '../helpers/world';

/**
 * Money before the charge (issue 15) end to end: the sandbox quotes and reports the balance over signed HTTP, the
 * ledger is dynalite. Sandbox list prices per year: .com 69, .net 79, .io 398 CNY.
 */
const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;

describe('money against the sandbox', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('a balance covering only part of what is due: the covered part in priority order, and the right top-up', async () => {
    world = await startWorld({
      sandbox: {
        nowMs: NOW,
        fixture: {
          balance: 160,
          domains: [
            { domainName: 'first.com', expiresAtMs: NOW + 3 * DAY_MS },
            { domainName: 'dear.io', expiresAtMs: NOW + 4 * DAY_MS },
            { domainName: 'second.net', expiresAtMs: NOW + 5 * DAY_MS },
            { domainName: 'third.com', expiresAtMs: NOW + 6 * DAY_MS },
          ],
        },
      },
    });
    const run = await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
    // 69 (first.com) fits; dear.io (398) does not; second.net (79) fits: 148; third.com (69) would make 217.
    expect(world.sandbox.state().submissions.map((s) => s.domainName)).toEqual(['first.com', 'second.net']);
    expect(run.plan.decisions.filter((d) => d.reason === 'low-balance').map((d) => d.domain.domainName)).toEqual([
      'dear.io',
      'third.com',
    ]);
    // All due: 69 + 398 + 79 + 69 = 615 against 160: top up 455 before dear.io's expiry.
    expect(run.plan.money?.deferred).toEqual({
      count: 2,
      total: { minor: 46_700, currency: 'CNY' },
      earliestExpiryMs: NOW + 4 * DAY_MS,
      topUp: { minor: 45_500, currency: 'CNY' },
    });
  });

  it('no paid call is ever made for a domain whose quote is above maxPricePerDomain', async () => {
    world = await startWorld({
      sandbox: {
        nowMs: NOW,
        fixture: {
          domains: [
            { domainName: 'fine.com', expiresAtMs: NOW + 3 * DAY_MS },
            { domainName: 'dear.io', expiresAtMs: NOW + 3 * DAY_MS },
            { domainName: 'gold.com', expiresAtMs: NOW + 3 * DAY_MS, price: 50_000 },
          ],
        },
      },
      policy: { limits: { maxPricePerDomain: '300.00' } },
    });
    const run = await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
    expect(world.sandbox.state().submissions.map((s) => s.domainName)).toEqual(['fine.com']);
    expect(
      run.plan.decisions
        .filter((d) => d.reason === 'over-price')
        .map((d) => d.domain.domainName)
        .sort(),
    ).toEqual(['dear.io', 'gold.com']);
  });

  it('5 overlapping runs never spend more than maxSpendPerMonth together (the sum of the submitted quotes)', async () => {
    const domains = Array.from({ length: 20 }, (_, i) => ({
      domainName: `m${String(i).padStart(2, '0')}.${i % 2 ? 'net' : 'com'}`,
      expiresAtMs: NOW + (2 + i) * DAY_MS,
    }));
    world = await startWorld({
      sandbox: { nowMs: NOW, fixture: { domains } },
      policy: { limits: { maxSpendPerMonth: '700', maxBatchSize: 3 } },
    });
    const runs = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: `r${i}` }),
      ),
    );
    const spent = world.sandbox.state().submissions.reduce((sum, s) => sum + priceOf(s.domainName, false), 0);
    expect(spent).toBeLessThanOrEqual(700);
    // Without the cap all 20 (1 480 CNY) would be bought; the overlapping runs share the one monthly counter.
    expect(spent).toBeGreaterThan(0);
    expect(new Set(world.sandbox.state().submissions.map((s) => s.domainName)).size).toBe(
      world.sandbox.state().submissions.length,
    );
    expect(runs.reduce((n, r) => n + r.summary.overMonthSpend, 0)).toBeGreaterThan(0);
  });
});
