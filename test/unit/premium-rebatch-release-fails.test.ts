import type { ListedDomain } from '../../lib/registrar/port';
import { given } from '../helpers/builder';
import { flakyLedger } from '../helpers/faulty';

/**
 * The money pass makes a renewal premium (a price answer says so, with allowPremium): claim-ahead releases that item's
 * claim taken under its ordinary draft batch and batches it anew (claim-ahead.ts finish). When that release write
 * failed, the draft batch was left unsent (its items named `not-sent`), but the premium item was still batched anew:
 * its new claim was refused by this run's OWN live claim under the draft INTENT, the new batch closed empty, and the
 * domain was counted as "held elsewhere" only: not bought, and named nowhere, though nobody else held it (review
 * 2026-12-07, twenty-sixth session).
 */
describe('a premium re-batch whose draft claim could not be released', () => {
  test('the premium domain is named as not sent, not counted as held by another run', async () => {
    const t = await given({
      domains: ['gold.com+1d premium', 'plain.com+1d'],
      policy: { limits: { allowPremium: true } },
    });
    // The listing does not say gold.com is premium; the price answer does (the money pass flips it).
    const registrar = {
      ...t.registrar,
      listDomains: async (query: Parameters<typeof t.registrar.listDomains>[0]) =>
        (await t.registrar.listDomains(query)).map((d: ListedDomain) => ({ ...d, premium: false })),
    };
    // The first claim writes of the run after the claims themselves are the release of gold.com's draft claim: it
    // fails at each of its three tries (a throttled table, releaseLeftOut), every later write succeeds.
    const ledger = flakyLedger(t.ledger, { saveClaim: [1, 2, 3] });
    const run = await t.renew({ deps: { registrar, ledger } });
    expect(ledger.failures).toBe(3);
    const gold = run.plan.decisions.find((d) => d.domain.domainName === 'gold.com');
    expect(gold).toMatchObject({ action: 'renew', permitPremium: true });
    // Not bought this run (its claim is still live under the unsent draft intent)...
    expect(t.registrar.submissions().map((s) => s.domainName)).not.toContain('gold.com');
    // ...so it is named in the run's digest lines, as its draft batch-mate plain.com is...
    const named = run.heldBack.map((h) => h.decision.domain.domainName).sort();
    expect(named).toEqual(['gold.com', 'plain.com']);
    // ...and not "held elsewhere": no other run holds it.
    expect(run.summary.conflicts).toBe(0);
  });
});
