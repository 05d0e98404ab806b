import type { Billing } from '../../lib/billing/port';
import { createChargingBilling, given } from '../helpers/builder';
import { startHeldRun } from '../helpers/held-run';

/**
 * The balance pre-flight against another run's orders (plan-listing.ts: committedSpend, unsettledInEither). 1d68783
 * kept an entry unsettled when the first open-batches read showed it unsettled in a batch whose submit had started; a
 * batch that read showed as an INTENT (the other run has claimed, not sent yet) was dropped from the merge. If that run
 * sent it, its task ran (charged) and check settled it before the second read, its cost was in neither read, and the
 * balance read before the charge was spent again: the planner saw the domain in flight, so this run's plan did not
 * count it either (review 2026-12-07, twenty-sixth session).
 */

const names = (subs: { domainName: string }[]) => subs.map((s) => s.domainName).sort();

describe("another run's intent is sent, charged and settled while this run reads its balance", () => {
  // 69 CNY each; 158 CNY cash and a reserve of 20: room for two renewals in all.
  const world = () =>
    given({ domains: ['a.com+5d', 'b.com+6d', 'c.com+7d'], policy: { limits: { minBalanceAfter: '20' } } });

  test('an intent the first open-batches read showed still counts: the run stays within the balance less minBalanceAfter', async () => {
    const t = await world();
    const billing = createChargingBilling(t, 15800);
    const run1 = await startHeldRun(t, billing);
    await run1.intent;
    expect((await t.ledger.listOpenBatches()).map((b) => [b.status, b.submitStartedAtMs])).toEqual([
      ['INTENT', undefined],
    ]);
    // Run 2's balance read answers 158 CNY (a.com not charged); meanwhile run 1 sends a.com, the task runs (charged),
    // and the hourly check records it RENEWED and closes the batch before run 2 reads the open batches again.
    let raced = false;
    const run2Billing: Billing = {
      async readBalance() {
        const b = await billing.readBalance();
        raced = true;
        run1.release();
        await run1.done;
        t.advance('5m');
        await t.check();
        return b;
      },
    };
    const second = await t.renew({ deps: { billing: run2Billing } });
    expect(raced).toBe(true);
    t.advance('1h');
    await t.check();
    const after = await billing.readBalance();
    expect({ bought: names(t.registrar.submissions()), cash: after.availableCash.minor }).toEqual({
      bought: ['a.com', 'b.com'],
      cash: 2000,
    });
    expect(second.plan.money?.balance).toMatchObject({ committed: { minor: 6900, currency: 'CNY' } });
  });

  test('an intent written after the first read and before the balance read counts too', async () => {
    const t = await world();
    const billing = createChargingBilling(t, 15800);
    let run1: Awaited<ReturnType<typeof startHeldRun>> | undefined;
    // Run 2's listing (its first open-batches read is beside it) ends; then run 1 plans and writes its intent.
    const listing = t.registrar.listDomains.bind(t.registrar);
    const registrar = {
      ...t.registrar,
      listDomains: async (query: Parameters<typeof listing>[0]) => {
        const listed = await listing(query);
        if (!run1) {
          run1 = await startHeldRun(t, billing);
          await run1.intent;
        }
        return listed;
      },
    };
    const run2Billing: Billing = {
      async readBalance() {
        const b = await billing.readBalance();
        run1?.release();
        await run1?.done;
        t.advance('5m');
        await t.check();
        return b;
      },
    };
    await t.renew({ deps: { billing: run2Billing, registrar } });
    expect(run1).toBeDefined();
    t.advance('1h');
    await t.check();
    const after = await billing.readBalance();
    expect({ bought: names(t.registrar.submissions()), cash: after.availableCash.minor }).toEqual({
      bought: ['a.com', 'b.com'],
      cash: 2000,
    });
  });
});
