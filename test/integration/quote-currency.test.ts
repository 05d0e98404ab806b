import { runRenew } from '../../lib/renewal/run-renew';
import { startWorld, type World } from '../helpers/world';

/**
 * Review 2026-12-06 (round 8, budgets): money.currency says "a balance or quote in another currency stops the run before anything is
 * bought" (lib/policy/descriptions.ts, lib/renewal/pricing.ts module comment). A registrar that answers its quote in
 * USD to a policy in CNY reveals that every amount of the policy (caps, table) is in the wrong unit; yet the quote is
 * only "not used", the policy table then prices the domain in CNY, and with the balance unread (RAM user without
 * bssapi, money.balanceUnreadable "continue") the run buys with every cap checked in the wrong currency.
 */
const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;

describe('a quote in another currency than the policy', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('stops the run before anything is bought (money.currency), even when the table could price the domain', async () => {
    world = await startWorld({
      sandbox: {
        nowMs: NOW,
        currency: 'USD',
        faults: { refusals: { QueryAccountBalance: 'Forbidden' } },
        fixture: {
          domains: [
            { domainName: 'one.com', expiresAtMs: NOW + 3 * DAY_MS },
            { domainName: 'two.com', expiresAtMs: NOW + 4 * DAY_MS },
          ],
        },
      },
      policy: {
        money: { currency: 'CNY', priceTable: { com: '69.00' }, balanceUnreadable: 'continue' },
        limits: { maxSpendPerMonth: '100.00' },
      },
    });
    let error: unknown;
    try {
      await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
    } catch (err) {
      error = err;
    }
    // The registrar quoted USD to a CNY policy: nothing may be bought, and the run must say the currency is wrong.
    expect(world.sandbox.state().submissions.map((s) => s.domainName)).toEqual([]);
    expect(String(error)).toMatch(/currency/i);
  });
});
