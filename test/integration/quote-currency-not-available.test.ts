import { createHttpPost, type HttpPost } from '../../lib/http-post';
import { runRenew } from '../../lib/renewal/run-renew';
import { startWorld, type World } from '../helpers/world';

/**
 * Review 2026-12-08, thirty-second session (currencies): the round-8 fix (quote-currency.test.ts) stops a run whose real-time price answer
 * names another currency than the policy's. readRealtimePrice looks at `Currency` only after `Avail`, `Price`,
 * `Action` and `Period`: an item with `Avail` 0 and no `Price` (the meaning of Avail is UNCONFIRMED; the sandbox
 * answers so for a name it cannot renew) still says `Currency: "USD"`, and that is dropped. With the balance unread
 * (money.balanceUnreadable "continue"), the CNY table prices the name and a USD account is charged under CNY caps.
 */
const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;

/** QueryDomainRealTimePrice items answered with Avail 0 and no Price (Currency kept as the sandbox says it). */
function notAvailable(): HttpPost {
  const real = createHttpPost().post;
  return async (req) => {
    const answer = await real(req);
    if (!req.body.includes('Action=QueryDomainRealTimePrice') || answer.status !== 200 || !answer.text) return answer;
    const body = JSON.parse(answer.text) as { Module?: { DomainPrices?: Record<string, unknown>[] } };
    for (const item of body.Module?.DomainPrices ?? []) {
      item.Avail = 0;
      delete item.Price;
    }
    return { status: answer.status, header: answer.header, text: JSON.stringify(body) };
  };
}

describe('a real-time price answer in another currency, with Avail 0', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('still stops the run on the currency (nothing bought, money.currency named)', async () => {
    world = await startWorld({
      sandbox: {
        nowMs: NOW,
        currency: 'USD',
        faults: { refusals: { QueryAccountBalance: 'Forbidden', CheckDomain: 'InvalidAction' } },
        fixture: {
          balance: 1000,
          domains: [{ domainName: 'one.com', expiresAtMs: NOW + 3 * DAY_MS, price: 69 }],
        },
      },
      policy: {
        money: { currency: 'CNY', priceTable: { com: '69.00' }, balanceUnreadable: 'continue' },
        limits: { maxPricePerDomain: '80.00', maxSpendPerMonth: '100.00' },
      },
      client: { post: notAvailable() },
    });
    let error: unknown;
    try {
      await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
    } catch (err) {
      error = err;
    }
    expect(world.sandbox.state().submissions.map((s) => s.domainName)).toEqual([]);
    expect(String(error)).toMatch(/currency/i);
  });
});
