import { createHttpPost, type HttpPost } from '../../lib/http-post';
import { runRenew } from '../../lib/renewal/run-renew';
import { startWorld, type World } from '../helpers/world';

/**
 * Review 2026-12-08, thirty-second session (currencies): CheckDomain's `StaticPriceInfo.PriceInfo[]` renew row states this name's renewal at
 * 500 CNY, with a `period` the tool does not read as one year (1: the unit is "months" in the docs, UNCONFIRMED; the
 * sandbox's own answer says 12). The real-time answer's rule (review 2026-12-07: a price stated for another Period
 * is suspect, never left to the table) is not applied here: the row is dropped silently, the policy table prices
 * the name at 69 CNY, it passes limits.maxPricePerDomain 100 and is charged 500.
 */
const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;

/** CheckDomain answers its renew rows with `period` 1 instead of 12 (the same money). */
function renewRowPeriod(period: number): HttpPost {
  const real = createHttpPost().post;
  return async (req) => {
    const answer = await real(req);
    if (!req.body.includes('Action=CheckDomain') || answer.status !== 200 || !answer.text) return answer;
    const body = JSON.parse(answer.text) as { StaticPriceInfo?: { PriceInfo?: Record<string, unknown>[] } };
    for (const row of body.StaticPriceInfo?.PriceInfo ?? []) if (row.action === 'renew') row.period = period;
    return { status: answer.status, header: answer.header, text: JSON.stringify(body) };
  };
}

describe('a CheckDomain renew row for a period the tool does not read', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('is not replaced by the cheaper table price: nothing past maxPricePerDomain is bought', async () => {
    world = await startWorld({
      sandbox: {
        nowMs: NOW,
        faults: { refusals: { QueryDomainRealTimePrice: 'InvalidAction' } },
        fixture: {
          balance: 10_000,
          domains: [{ domainName: 'dear.com', expiresAtMs: NOW + 3 * DAY_MS, price: 500 }],
        },
      },
      policy: {
        money: { currency: 'CNY', priceTable: { com: '69.00' } },
        limits: { maxPricePerDomain: '100.00' },
      },
      client: { post: renewRowPeriod(1) },
    });
    const run = await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
    world.sandbox.setClock({ advanceMs: 60_000 });
    const spent = 10_000 - world.sandbox.state().balance;
    const decision = run.plan.decisions.find((d) => d.domain.domainName === 'dear.com');
    // The registrar said 500 CNY; limits.maxPricePerDomain is 100: not bought (price-unusable or over-price).
    expect({ action: decision?.action, spent }).toEqual({ action: 'skip', spent: 0 });
  });
});
