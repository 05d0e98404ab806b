import { AuthRejectedError, RejectedRetryableError } from '../../lib/errors';
import { toBudgetKey } from '../../lib/ledger/items';
import type { Ledger } from '../../lib/ledger/port';
import { DOMAIN_BUDGET, spendBudgetName, utcDay, utcMonth } from '../../lib/renewal/budgets';
import { runRenew } from '../../lib/renewal/run-renew';
import { type Given, given } from '../helpers/builder';
import { crossAfterFirstOrder } from '../helpers/faulty';

/**
 * Renew takes the next batch's budget while it sends this one (lib/renewal/run-renew.ts, issue 19): the budget's
 * conditional writes leave the critical path between two paid calls. What that early take holds must never outlive
 * the batch it was for: a run that stops gives it back, a cut one is taken again once the batch before has given
 * back what it did not buy, and a batch sent on another UTC day takes that day's budget.
 */

/** Domains taken from today's own count budget (the ledger's counter), 0 when none was ever taken. */
function countUsed(t: Given, day: string): number {
  const used = t.ledger.store.get(toBudgetKey(DOMAIN_BUDGET, day))?.used;
  return typeof used === 'number' ? used : 0;
}

/** The domains taken from the global counter (shared by every account) on `day`. */
function sharedUsed(t: Given, day: string): unknown {
  return t.ledger.store.get(toBudgetKey(DOMAIN_BUDGET, day, undefined, true))?.used;
}

/** A renew run under a global cap of 10 of which this run's share is `share` domains. */
function renewWithShare(t: Given, share: number) {
  return runRenew(t.deps(), {
    policy: t.policy,
    dryRun: false,
    runId: 'r1',
    global: { cap: 10, share: async () => share },
  });
}

/** A ledger whose budget takes are counted (the domain count's, once per batch). */
function countingTakes(t: Given): { ledger: Ledger; takes: () => number } {
  let takes = 0;
  const ledger = Object.create(t.ledger) as Ledger;
  ledger.takeBudget = (request) => {
    if (request.name === DOMAIN_BUDGET) takes += 1;
    return t.ledger.takeBudget(request);
  };
  return { ledger, takes: () => takes };
}

const names = (t: Given) => t.registrar.submissions().map((s) => s.domainName);

describe("the next batch's budget, taken while this one is sent", () => {
  test('each batch after the first has its budget taken before the batch before it reaches the registrar', async () => {
    const t = await given({ domains: ['a.com+5d', 'b.com+6d', 'c.com+7d'], policy: { limits: { maxBatchSize: 1 } } });
    const { ledger, takes } = countingTakes(t);
    const seen: number[] = [];
    t.registrar.faults.before = (op) => {
      if (op === 'submitRenewBatch') seen.push(takes());
    };
    const run = await t.renew({ deps: { ledger } });
    expect(run.summary.submitted).toBe(3);
    // Taken one after another, the takes at each submit would be 1, 2, 3.
    expect(seen).toEqual([2, 3, 3]);
    expect(countUsed(t, utcDay(t.clock.now()))).toBe(3);
  });

  test('an authorisation refusal stops the run and gives back the budget taken for the next batch', async () => {
    const t = await given({
      domains: ['a.com+5d', 'b.com+6d'],
      policy: { limits: { maxBatchSize: 1, maxSpendPerMonth: '1000' } },
    });
    t.registrar.faults.before = (op) => {
      if (op === 'submitRenewBatch') throw new AuthRejectedError('key refused (test)', { code: 'Forbidden.RAM' });
    };
    const run = await t.renew();
    expect(run.stoppedBy).toBeInstanceOf(AuthRejectedError);
    expect(names(t)).toEqual([]);
    expect(run.heldBack.map((h) => [h.decision.domain.domainName, h.limitedBy]).sort()).toEqual([
      ['a.com', 'stopped'],
      ['b.com', 'stopped'],
    ]);
    // Nothing bought, nothing counted: kept, b.com's early take would hold back a domain of today's count for nothing.
    expect(countUsed(t, utcDay(t.clock.now()))).toBe(0);
    // Its money too (taken for the month, in minor units).
    expect(t.ledger.store.get(toBudgetKey(spendBudgetName('CNY'), utcMonth(t.clock.now())))?.used).toBe(0);
  });

  test('with the global cap, the early take goes back to the global counter too', async () => {
    const t = await given({ domains: ['a.com+5d', 'b.com+6d', 'c.com+7d'], policy: { limits: { maxBatchSize: 1 } } });
    let submits = 0;
    t.registrar.faults.before = (op) => {
      // Batch 1 is refused in passing (its count goes back); batch 2 stops the run (the key is refused).
      if (op === 'submitRenewBatch' && ++submits === 1)
        throw new RejectedRetryableError('busy (test)', { code: 'ServiceUnavailable' });
      if (op === 'submitRenewBatch') throw new AuthRejectedError('key refused (test)', { code: 'Forbidden.RAM' });
    };
    const run = await renewWithShare(t, 3);
    expect(run.stoppedBy).toBeInstanceOf(AuthRejectedError);
    expect(names(t)).toEqual([]);
    const day = utcDay(t.clock.now());
    // c.com's early take (while b.com was sent) is given back to the global counter as well as to this account's.
    expect(sharedUsed(t, day)).toBe(0);
    expect(countUsed(t, day)).toBe(0);
  });

  test("a grant cut by the run's share of the global cap is taken again with the share it gave back", async () => {
    // A share of 3, batches of 2: the early take for c.com and d.com gets one (c.com) and is cut; taken again at
    // its turn, the one it gave back must be this run's to take again.
    const t = await given({
      domains: ['a.com+5d', 'b.com+6d', 'c.com+7d', 'd.com+8d'],
      policy: { limits: { maxBatchSize: 2 } },
    });
    const run = await renewWithShare(t, 3);
    expect(names(t)).toEqual(['a.com', 'b.com', 'c.com']);
    expect(run.heldBack.map((h) => [h.decision.domain.domainName, h.limitedBy])).toEqual([['d.com', 'global-count']]);
    const day = utcDay(t.clock.now());
    expect(sharedUsed(t, day)).toBe(3);
    expect(countUsed(t, day)).toBe(3);
  });

  test("a batch refused in passing gives its part of the run's global share back to the batches after it", async () => {
    // A share of 2, batches of 2: a.com and b.com take the whole share and are refused (nothing bought, the count
    // given back, the shared counter's and the share's). c.com and d.com then fit the share.
    const t = await given({
      domains: ['a.com+5d', 'b.com+6d', 'c.com+7d', 'd.com+8d'],
      policy: { limits: { maxBatchSize: 2 } },
    });
    let submits = 0;
    t.registrar.faults.before = (op) => {
      if (op === 'submitRenewBatch' && ++submits === 1)
        throw new RejectedRetryableError('busy (test)', { code: 'ServiceUnavailable' });
    };
    const run = await renewWithShare(t, 2);
    expect(names(t)).toEqual(['c.com', 'd.com']);
    expect(run.heldBack.map((h) => [h.decision.domain.domainName, h.limitedBy])).toEqual([
      ['a.com', 'refused'],
      ['b.com', 'refused'],
    ]);
    expect(sharedUsed(t, utcDay(t.clock.now()))).toBe(2);
  });

  test('an early take that fails in passing is taken again at its batch: the run goes on', async () => {
    const t = await given({ domains: ['a.com+5d', 'b.com+6d'], policy: { limits: { maxBatchSize: 1 } } });
    let takes = 0;
    const ledger = Object.create(t.ledger) as Ledger;
    ledger.takeBudget = async (request) => {
      if (++takes === 2) throw new Error('DynamoDB throttled (test)'); // b.com's early take
      return t.ledger.takeBudget(request);
    };
    const run = await t.renew({ deps: { ledger } });
    expect(names(t)).toEqual(['a.com', 'b.com']);
    expect(run.summary.errors).toBe(0);
    expect(t.logs.some((l) => /the budget taken early failed; taking it again/.test(l))).toBe(true);
    expect(countUsed(t, utcDay(t.clock.now()))).toBe(2);
  });

  test("a hold written before the next batch's early read is honoured: not bought, its budget given back", async () => {
    const t = await given({ domains: ['a.com+5d', 'b.com+6d'], policy: { limits: { maxBatchSize: 1 } } });
    const ledger = Object.create(t.ledger) as Ledger;
    // A person holds b.com while a.com's submit start is written, before b.com's reads start (at a.com's paid call).
    ledger.saveBatch = async (batch) => {
      if (batch.submitStartedAtMs !== undefined && batch.entries[0]?.domain === 'a.com' && !batch.taskNo)
        await t.ledger.putHolds([{ domain: 'b.com', createdAtMs: t.clock.now() }]);
      return t.ledger.saveBatch(batch);
    };
    const run = await t.renew({ deps: { ledger } });
    expect(names(t)).toEqual(['a.com']);
    expect(run.summary.batches.find((b) => b.heldAfterPlan)?.heldAfterPlan).toEqual(['b.com']);
    expect(countUsed(t, utcDay(t.clock.now()))).toBe(1);
  });

  test('a run out of time after a batch gives back the budget taken for the next one, and waits for its reads', async () => {
    const t = await given({ domains: ['a.com+5d', 'b.com+6d'], policy: { limits: { maxBatchSize: 1 } } });
    const remainingMs = () => (t.registrar.submissions().length === 0 ? 600_000 : 1_000);
    // The holds reads are slow (a few turns of the event loop): the one started for b.com must end before the run.
    const reads = { started: 0, ended: 0 };
    const ledger = Object.create(t.ledger) as Ledger;
    ledger.listHolds = async () => {
      reads.started += 1;
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      reads.ended += 1;
      return t.ledger.listHolds();
    };
    const run = await t.renew({ deps: { remainingMs, ledger }, timeMarginMs: 60_000 });
    expect(reads.started).toBe(3); // the plan's, a.com's, and b.com's (started while a.com was sent)
    expect(reads.ended).toBe(3);
    expect(names(t)).toEqual(['a.com']);
    expect(run.summary.batchesLeftForTime).toBe(1);
    expect(run.heldBack.map((h) => [h.decision.domain.domainName, h.limitedBy])).toEqual([['b.com', 'time']]);
    expect(countUsed(t, utcDay(t.clock.now()))).toBe(1);
  });

  test('a batch refused and given back: the next batch, cut by the count while it was sent, is taken again and bought', async () => {
    // Room for two more domains today (an earlier run bought two of four), batches of two. Batch 1 takes both; the
    // early take for batch 2 gets none. The registrar then refuses batch 1 (a passing refusal: nothing bought, its
    // count given back), so batch 2 fits.
    const t = await given({
      domains: ['a.com+5d', 'b.com+6d', 'c.com+7d', 'd.com+8d'],
      policy: { limits: { maxBatchSize: 2, maxDomainsPerRun: 4 } },
    });
    const day = utcDay(t.clock.now());
    await t.ledger.takeBudget({ name: DOMAIN_BUDGET, period: day, amount: 2, cap: 4, nowMs: 0 });
    let submits = 0;
    t.registrar.faults.before = (op) => {
      if (op === 'submitRenewBatch' && ++submits === 1)
        throw new RejectedRetryableError('busy (test)', { code: 'ServiceUnavailable' });
    };
    const run = await t.renew();
    expect(names(t)).toEqual(['c.com', 'd.com']);
    expect(run.heldBack.map((h) => [h.decision.domain.domainName, h.limitedBy])).toEqual([
      ['a.com', 'refused'],
      ['b.com', 'refused'],
    ]);
    expect(countUsed(t, day)).toBe(4);
  });

  test('a batch sent after UTC midnight takes the new day budget, not the one taken before midnight', async () => {
    const t = await given({
      domains: ['a.com+5d', 'b.com+6d'],
      now: '2026-11-29T23:59:40Z',
      policy: { limits: { maxBatchSize: 1 } },
    });
    // The first batch is ordered before midnight; the second starts after it (its budget taken early, on the day
    // before, is taken again).
    crossAfterFirstOrder(t, '25s');
    await t.renew();
    expect(names(t)).toEqual(['a.com', 'b.com']);
    expect([countUsed(t, '2026-11-29'), countUsed(t, '2026-11-30')]).toEqual([1, 1]);
  });
});
