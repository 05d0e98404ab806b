import type { Billing } from '../../lib/billing/port';
import type { Ledger } from '../../lib/ledger/port';
import type { Given } from '../helpers/builder';
import { createChargingBilling, given } from '../helpers/builder';
import { startHeldRun } from '../helpers/held-run';

/**
 * The open-batches read is a Query of a global secondary index (ledger/dynamodb.ts listOpenBatches), and a GSI is
 * always eventually consistent: DynamoDB propagates a new item to it asynchronously, "typically within a fraction
 * of a second" (DynamoDB developer guide, "Reading data from a GSI"), with no way to ask for a consistent read. A
 * batch intent written moments before another run's read right before its balance is missing from that read. This
 * is the race of balance-committed-intent-race.test.ts (an intent written after the first read and before the
 * balance read, sent, charged and settled before the read after the balance), with the index a moment behind.
 */

const names = (subs: { domainName: string }[]) => subs.map((s) => s.domainName).sort();
const LAG_MS = 1_000;

/** `ledger` whose open-batches read (the GSI) does not show batches created less than LAG_MS ago yet. */
function laggingIndex(t: Given, ledger: Ledger): Ledger {
  return new Proxy(ledger, {
    get(target, prop, receiver) {
      if (prop === 'listOpenBatches')
        return async () => (await target.listOpenBatches()).filter((b) => b.createdAtMs <= t.clock.now() - LAG_MS);
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

test('an intent written just before the read before the balance, not in the lagging index yet, still counts against the balance', async () => {
  const t = await given({
    domains: ['a.com+5d', 'b.com+6d', 'c.com+7d'],
    policy: { limits: { minBalanceAfter: '20' } },
  });
  const billing = createChargingBilling(t, 15800);
  let run1: Awaited<ReturnType<typeof startHeldRun>> | undefined;
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
  await t.renew({ deps: { billing: run2Billing, registrar, ledger: laggingIndex(t, t.ledger) } });
  expect(run1).toBeDefined();
  t.advance('1h');
  await t.check();
  const after = await billing.readBalance();
  // 158 CNY, 20 kept: room for two renewals of 69. a.com (run 1) and one more.
  expect({ bought: names(t.registrar.submissions()), cash: after.availableCash.minor }).toEqual({
    bought: ['a.com', 'b.com'],
    cash: 2000,
  });
});
