import { AuthRejectedError, InputError, RejectedFinalError, RejectedRetryableError } from '../../lib/errors';
import { executeRenew } from '../../lib/jobs';
import type { Ledger } from '../../lib/ledger/port';
import { formatMoney } from '../../lib/money';
import type { ListedDomain, Registrar } from '../../lib/registrar/port';
import { spendBudgetName, utcDay, utcMonth } from '../../lib/renewal/budgets';
import type { JobDeps } from '../../lib/renewal/deps';
import { describeMoney } from '../../lib/renewal/money-notices';
import { REASONS } from '../../lib/renewal/plan-types';
import { collectHeldBack } from '../../lib/renewal/run-notices';
import type { HeldBack } from '../../lib/renewal/run-renew';
import { collectLapseWarnings } from '../../lib/renewal/will-lapse';
import { type Given, given, listedDomain } from '../helpers/builder';
import {
  duplicatingDetailRow,
  failingRow,
  flakyLedger,
  landedThenFailing,
  listingOnly,
  rewritingRows,
  strangeRegistrar,
} from '../helpers/faulty';

/**
 * Money before the charge (issue 15), on the fast layer: prices, balance, money limits, someone else's queued
 * renewal and Alibaba's own auto-renew. Prices are the sandbox list (per year): .com 69, .net 79, .io 398 CNY.
 */

const names = (subs: { domainName: string }[]) => subs.map((s) => s.domainName).sort();

/**
 * Deps for a run B that another run A overlaps: once B has read its open batches, and while B's listing is in
 * flight, A (maxDomainsPerRun 2) runs to the end: it buys the two soonest domains, whose tasks wait 6 h in the
 * queue (not charged yet).
 */
function overlappedByRunA(t: Given): Pick<JobDeps, 'ledger' | 'registrar'> {
  t.registrar.faults.queueMs = () => 6 * 3_600_000;
  let openRead = () => {};
  const opened = new Promise<void>((resolve) => {
    openRead = resolve;
  });
  let runA: Promise<unknown> | undefined;
  return {
    ledger: {
      ...t.ledger,
      listOpenBatches: async () => {
        const open = await t.ledger.listOpenBatches();
        openRead();
        return open;
      },
    },
    registrar: {
      ...t.registrar,
      listDomains: async (query) => {
        await opened;
        runA ??= t.renew({ policy: { ...t.policy, limits: { ...t.policy.limits, maxDomainsPerRun: 2 } } });
        await runA;
        return t.registrar.listDomains(query);
      },
    },
  };
}

describe('the balance covers only part of what is due', () => {
  /** a-d.com due in 5-8 days, 69 each; the balance 158 covers two of them plus the reserve of 20. */
  const fourDueTwoCovered = () =>
    given({
      domains: ['a.com+5d', 'b.com+6d', 'c.com+7d', 'd.com+8d'],
      balance: '158',
      policy: { limits: { minBalanceAfter: '20' } },
    });

  test('buys the covered part in priority order (soonest expiry first) and says how much to top up, by when', async () => {
    // Due: a.com 5d (69), b.io 6d (398), c.net 8d (79), d.com 9d (69). Balance 220: a.com, then b.io does not fit,
    // c.net fits (148), d.com fits (217).
    const t = await given({ domains: ['a.com+5d', 'b.io+6d', 'c.net+8d', 'd.com+9d'], balance: '220.00' });
    const run = await t.renew();
    expect(names(t.registrar.submissions())).toEqual(['a.com', 'c.net', 'd.com']);
    const deferred = run.plan.decisions.filter((d) => d.reason === 'low-balance').map((d) => d.domain.domainName);
    expect(deferred).toEqual(['b.io']);
    const money = run.plan.money;
    expect(money?.total).toEqual({ minor: 21700, currency: 'CNY' });
    expect(money?.balance).toEqual({
      state: 'read',
      availableCash: { minor: 22000, currency: 'CNY' },
      after: { minor: 300, currency: 'CNY' },
    });
    // Everything due costs 615; the balance is 220: top up 395 before b.io's expiry.
    expect(money?.deferred).toEqual({
      count: 1,
      total: { minor: 39800, currency: 'CNY' },
      earliestExpiryMs: t.registrar.domains.get('b.io')?.expiresAtMs,
      topUp: { minor: 39500, currency: 'CNY' },
    });
    expect(run.summary.deferred).toBe(1);
    // Nothing is announced (no notice in this policy): the shortfall for the alarm is the same top-up.
    expect(money?.shortfall).toEqual({ minor: 39500, currency: 'CNY' });
  });

  test('minBalanceAfter keeps a reserve: the top-up includes it', async () => {
    const t = await given({
      domains: ['a.com+5d', 'b.com+6d'],
      balance: 150,
      policy: { limits: { minBalanceAfter: '20' } },
    });
    const run = await t.renew();
    expect(names(t.registrar.submissions())).toEqual(['a.com']);
    expect(run.plan.money?.deferred?.topUp).toEqual({ minor: 800, currency: 'CNY' }); // 69+69+20-150
  });

  test('minBalanceAfter counts what earlier runs sent and the registrar has not charged yet', async () => {
    // 69 each; the balance covers two plus the reserve. The first run's tasks wait in the queue (not charged yet),
    // so a second run the same day reads the same balance: it must not spend it again.
    const t = await fourDueTwoCovered();
    t.registrar.faults.queueMs = () => 6 * 3_600_000;
    await t.renew({ policy: { ...t.policy, limits: { ...t.policy.limits, maxDomainsPerRun: 2 } } });
    expect(names(t.registrar.submissions())).toEqual(['a.com', 'b.com']);
    const second = await t.renew();
    expect(names(t.registrar.submissions())).toEqual(['a.com', 'b.com']);
    expect(second.plan.decisions.filter((d) => d.reason === 'low-balance').map((d) => d.domain.domainName)).toEqual([
      'c.com',
      'd.com',
    ]);
    expect(second.plan.money?.balance).toMatchObject({
      committed: { minor: 13800, currency: 'CNY' },
      after: { minor: 2000, currency: 'CNY' },
    });
    expect(describeMoney(second.plan.money)).toEqual(
      expect.arrayContaining([expect.stringMatching(/138\.00 CNY of renewals sent earlier and not charged yet/)]),
    );
  });

  test('minBalanceAfter holds against an overlapping run that sends while this one lists and prices', async () => {
    // 69 each; the balance covers two plus the reserve. Run B reads the open batches, then, while its listing is
    // in flight, run A buys a.com and b.com (queued: not charged yet). B must count A's sends, not only those it
    // saw at its start (review 2026-12-03).
    const t = await fourDueTwoCovered();
    const b = await t.renew({ deps: overlappedByRunA(t) });
    expect(names(t.registrar.submissions())).toEqual(['a.com', 'b.com']);
    expect(b.plan.decisions.filter((d) => d.reason === 'low-balance').map((d) => d.domain.domainName)).toEqual([
      'c.com',
      'd.com',
    ]);
    expect(b.plan.money?.balance).toMatchObject({ committed: { minor: 13800, currency: 'CNY' } });
  });

  test('minBalanceAfter holds against an overlapping run that has claimed its domains and not sent them yet', async () => {
    // Run A (maxDomainsPerRun 2) has written its intent and claimed a.com and b.com, and waits just before its
    // submit start while run B plans: B sees both in flight, and must count their price too, or both runs spend the
    // same balance (review 2026-12-05, round 4: only started batches were counted).
    const t = await fourDueTwoCovered();
    t.registrar.faults.queueMs = () => 6 * 3_600_000;
    let atSend = () => {};
    const reachedSend = new Promise<void>((resolve) => {
      atSend = resolve;
    });
    let letGo = () => {};
    const gate = new Promise<void>((resolve) => {
      letGo = resolve;
    });
    let holdReads = 0;
    const runA = t.renew({
      policy: { ...t.policy, limits: { ...t.policy.limits, maxDomainsPerRun: 2 } },
      deps: {
        ledger: {
          ...t.ledger,
          // The first read is the plan's; the second is the send's, once the claims are durable.
          listHolds: async () => {
            holdReads += 1;
            if (holdReads === 2) {
              atSend();
              await gate;
            }
            return t.ledger.listHolds();
          },
        },
      },
    });
    await reachedSend;
    const b = await t.renew();
    letGo();
    await runA;
    expect(names(t.registrar.submissions())).toEqual(['a.com', 'b.com']);
    expect(b.plan.decisions.filter((d) => d.reason === 'low-balance').map((d) => d.domain.domainName)).toEqual([
      'c.com',
      'd.com',
    ]);
    expect(b.plan.money?.balance).toMatchObject({ committed: { minor: 13800, currency: 'CNY' } });
  });

  /** An intent of another run, written a minute ago and not sent, listing `domain` (expiring in 5 days). */
  const rivalIntent = async (t: Given, domain: string, expiryMs = t.clock.now() + 5 * 86_400_000) => {
    const now = t.clock.now();
    await t.ledger.putBatchIntent({
      batchId: 'rival',
      runId: 'other-run',
      attemptId: 'other-run/rival',
      status: 'INTENT',
      createdAtMs: now - 60_000,
      updatedAtMs: now - 60_000,
      entries: [{ domain, expiryMs, years: 1, permitPremium: false }],
      pendingNotices: [],
      sentNotices: [],
    });
  };

  test("another run's intent this run cannot price costs limits.maxPricePerDomain; without one, the balance left is not known", async () => {
    // z.xyz is not in this run's listing: not priced here. The other run may have priced it (a price source refused
    // this run is skipped for its rest): counted at the cap, else balanceUnreadable decides (review 2026-12-05).
    // 200 less 100 for z.xyz less the 20 reserve covers a.com's 69.
    const capped = await given({
      domains: ['a.com+5d'],
      balance: '200',
      policy: { limits: { minBalanceAfter: '20', maxPricePerDomain: '100' } },
    });
    await rivalIntent(capped, 'z.xyz');
    const first = await capped.renew();
    expect(names(capped.registrar.submissions())).toEqual(['a.com']);
    expect(first.plan.money?.balance).toMatchObject({ state: 'read', committed: { minor: 10000, currency: 'CNY' } });

    const uncapped = await given({
      domains: ['a.com+5d'],
      balance: '158',
      policy: { limits: { minBalanceAfter: '20' } },
    });
    await rivalIntent(uncapped, 'z.xyz');
    const second = await uncapped.renew();
    expect(uncapped.registrar.submissions()).toEqual([]);
    expect(second.plan.money?.balance).toMatchObject({ state: 'unreadable', message: expect.stringMatching(/z\.xyz/) });
    expect(uncapped.logs.some((l) => /cannot price/.test(l) && /z\.xyz/.test(l))).toBe(true);
  });

  test('a domain another run claimed after this run drafted it, and this run then deferred, is counted for that run (review 2026-12-05)', async () => {
    // Room for two .com (158 less the reserve 20). The other run writes its intent for c.com while this run prices:
    // left out as this run's own, then deferred for low balance, it was counted by no one and both were bought.
    const t = await given({
      domains: ['a.com+5d', 'b.com+6d', 'c.com+7d'],
      balance: '158',
      policy: { limits: { minBalanceAfter: '20' } },
    });
    let reads = 0;
    const run = await t.renew({
      deps: {
        ledger: {
          ...t.ledger,
          listOpenBatches: async () => {
            reads += 1;
            if (reads === 2) await rivalIntent(t, 'c.com', t.expiry('c.com'));
            return t.ledger.listOpenBatches();
          },
        },
      },
    });
    expect(names(t.registrar.submissions())).toEqual(['a.com']);
    expect(run.plan.money?.balance).toMatchObject({ committed: { minor: 6900, currency: 'CNY' } });
  });

  test('two overlapping runs over the same domains (a duplicate delivery) buy them once, not count them twice', async () => {
    // Each run's intent lists the domains it drafted; the other run drafted the same ones, and its own money pass
    // counts them already (review 2026-12-05, round 4: both runs deferred everything for low balance).
    const t = await given({
      domains: ['a.com+5d', 'b.com+6d'],
      balance: '158',
      policy: { limits: { minBalanceAfter: '20' } },
    });
    await Promise.all([t.renew(), t.renew()]);
    expect(names(t.registrar.submissions())).toEqual(['a.com', 'b.com']);
  });

  test('two overlapping runs, the price API refused and the table pricing .com only: the .com is bought (with a price cap)', async () => {
    // b.org, left out unpriced by each run, is the other's to count: at the cap. Without one, the balance left is
    // not known and both runs stop (balanceUnreadable "stop"): nothing is bought until the next run.
    const t = await given({
      domains: ['a.com+5d', 'b.org+5d'],
      balance: '10000',
      policy: { money: { priceTable: { com: '69.00' } }, limits: { maxPricePerDomain: '500' } },
    });
    t.registrar.faults.quotesRefused = true;
    await Promise.all([t.renew(), t.renew()]);
    expect(names(t.registrar.submissions())).toEqual(['a.com']);
  });

  test('a balance that cannot be read stops the buying by default, and the plan says why', async () => {
    const t = await given({ domains: ['a.com+5d'], balance: 1000 });
    (t.billing as NonNullable<typeof t.billing>).failing = true;
    const run = await t.renew();
    expect(t.registrar.submissions()).toEqual([]);
    expect(run.plan.decisions[0]?.reason).toBe('balance-unknown');
    expect(run.plan.money?.balance).toMatchObject({ state: 'unreadable', stopped: true });
    const goOn = await t.renew({
      policy: { ...t.policy, money: { ...t.policy.money, balanceUnreadable: 'continue' } },
    });
    expect(names(t.registrar.submissions())).toEqual(['a.com']);
    expect(goOn.plan.money?.balance).toMatchObject({ state: 'unreadable', stopped: false });
  });

  test('a balance in another currency stops the run before any paid call', async () => {
    const t = await given({ domains: ['a.com+5d'], balance: 1000 });
    (t.billing as NonNullable<typeof t.billing>).cash = { minor: 100000, currency: 'USD' };
    await expect(t.renew()).rejects.toThrow(InputError);
    await expect(t.renew()).rejects.toThrow(/balance is in USD but the policy's money\.currency is CNY/);
    expect(t.registrar.calls.submitRenewBatch).toBe(0);
  });
});

describe('one schedule event delivered twice (one awsRequestId, so one runId) and the balance', () => {
  // Review 2026-12-07: the money pass left out every open batch of its own runId (meant for this invocation's own
  // claim-ahead intents), so the second delivery left out the first's sent, not yet charged orders and spent the
  // balance again, past limits.minBalanceAfter and past the balance itself.
  test.each([
    ['the same runId', 'aws-request-1'],
    ['control: another runId', 'aws-request-2'],
  ])("%s: the second run counts the first one's uncharged orders and buys nothing more", async (_case, secondRunId) => {
    // 69 CNY each; the balance 158 covers two of them and the reserve of 20.
    const t = await given({
      domains: ['a.com+5d', 'b.com+6d', 'c.com+7d', 'd.com+8d'],
      balance: '158',
      policy: { limits: { minBalanceAfter: '20' } },
    });
    t.registrar.faults.queueMs = () => 6 * 3_600_000; // queued: not charged yet
    const ordered = () =>
      t.registrar
        .submissions()
        .map((s) => s.domainName)
        .sort();
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'aws-request-1' });
    expect(ordered()).toEqual(['a.com', 'b.com']);
    t.advance('2m');
    const second = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: secondRunId });
    expect(ordered()).toEqual(['a.com', 'b.com']);
    expect(second.plan.money?.balance).toMatchObject({ committed: { minor: 13800, currency: 'CNY' } });
  });
});

describe('one event delivered twice at once (one runId), with one account, and the balance', () => {
  // Review 2026-12-07: the money pass told its own claim-ahead intents by runId while unsent, so with one account
  // the second of two overlapping deliveries took the first's unsent intent for its own, left its cost out, and
  // spent the reserve again (with several accounts the room knew the attempts by id).
  test.each([
    ['the same runId', 'aws-request-1'],
    ['control: another runId', 'aws-request-2'],
  ])('%s: the two invocations together stay within the balance less the reserve', async (_case, secondRunId) => {
    // 69 CNY each; balance 89 less the reserve of 20 leaves room for one.
    const t = await given({
      domains: ['a.com+5d', 'b.com+6d', 'c.com+7d'],
      balance: '89',
      policy: { limits: { minBalanceAfter: '20', maxDomainsPerRun: 2 } },
    });
    t.registrar.faults.queueMs = () => 6 * 3_600_000; // queued: not charged yet
    let second: Promise<unknown> | undefined;
    // The first invocation's submit-start write is slow (its budget taken, its intent written): the second runs then.
    const slow: Ledger = {
      ...t.ledger,
      saveBatch: async (batch) => {
        if (batch.submitStartedAtMs !== undefined && !second) {
          second = executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: secondRunId });
          await second;
        }
        return t.ledger.saveBatch(batch);
      },
    };
    await executeRenew(t.deps({ ledger: slow }), { policy: t.policy, dryRun: false, runId: 'aws-request-1' });
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com']);
  });
});

describe('money limits', () => {
  test("a run that sends after UTC midnight takes the new day: two runs cannot each spend a day's cap on one day (review 2026-12-04)", async () => {
    // Run A plans at 23:59:30 and, its listing taking 60 s, sends at 00:00:30 on the day's counters of the day
    // before; run B at 00:01 takes the new day's: 4 domains and 276 CNY sent in one UTC day, caps 2 and 140.
    const t = await given({
      now: '2026-11-29T23:59:30Z',
      domains: Array.from({ length: 8 }, (_, i) => `d${i}.com+${3 + i}d`),
      balance: '5000',
      policy: { limits: { maxBatchSize: 2, maxSpendPerRun: '140', maxDomainsPerRun: 2 } },
    });
    const slow: Registrar = {
      ...t.registrar,
      listDomains: async (q) => {
        t.advance('60s');
        return t.registrar.listDomains(q);
      },
    };
    await t.renew({ deps: { registrar: slow } });
    t.advance('30s');
    await t.renew();
    const midnight = Date.parse('2026-11-30T00:00:00Z');
    const onDay2 = t.registrar.tasks.filter((x) => x.createdAtMs >= midnight).flatMap((x) => x.request.items);
    expect(onDay2.length).toBeLessThanOrEqual(2);
  });

  test('no paid call is ever made for a domain whose price is above maxPricePerDomain', async () => {
    const t = await given({
      domains: ['cheap.com+5d', 'dear.io+5d', { domainName: 'gold.com', expiresAtMs: 0, premium: true }],
      policy: { limits: { maxPricePerDomain: '300', allowPremium: true } },
    });
    t.registrar.domains.get('gold.com')!.expiresAtMs = t.clock.now() + 3 * 86_400_000;
    const run = await t.renew();
    expect(names(t.registrar.submissions())).toEqual(['cheap.com']);
    const over = run.plan.decisions.filter((d) => d.reason === 'over-price');
    expect(over.map((d) => [d.domain.domainName, d.price && formatMoney(d.price)])).toEqual([
      ['gold.com', '1380.00 CNY'],
      ['dear.io', '398.00 CNY'],
    ]);
  });

  test('maxSpendPerRun defers the rest to a later run', async () => {
    const t = await given({
      domains: ['a.com+5d', 'b.com+6d', 'c.com+7d'],
      policy: { limits: { maxSpendPerRun: 140 } },
    });
    const run = await t.renew();
    expect(names(t.registrar.submissions())).toEqual(['a.com', 'b.com']);
    expect(run.plan.decisions.find((d) => d.domain.domainName === 'c.com')?.reason).toBe('over-spend');
    expect(run.plan.money?.deferred).toMatchObject({ count: 1, total: { minor: 6900 } });
    expect(run.plan.money?.deferred?.topUp).toBeUndefined(); // money is not what is missing
  });

  test('5 overlapping runs never spend more than maxSpendPerMonth together', async () => {
    const domains = Array.from({ length: 12 }, (_, i) => `d${String(i).padStart(2, '0')}.com+${5 + i}d`);
    const t = await given({ domains, policy: { limits: { maxSpendPerMonth: '500', maxBatchSize: 2 } } });
    await Promise.all(Array.from({ length: 5 }, () => t.renew()));
    const spent = t.registrar.submissions().length * 69;
    expect(spent).toBeLessThanOrEqual(500);
    expect(t.registrar.submissions().length).toBe(7); // 7 x 69 = 483: the budget is used, not wasted
    // The next month has a fresh budget.
    t.advance('3d'); // 2026-12-02: a new UTC month
    await t.renew();
    expect(t.registrar.submissions().length).toBe(12);
  });

  test("a month's money left that the batch's first domain does not fit still buys the cheaper ones after it", async () => {
    // 100 CNY left this month; the batch is x.io (398), a.com (69), c.com (69) in priority order. Held back as a
    // prefix, none would be bought and the digest would say the cap is reached; the money pass skips and goes on.
    const t = await given({
      domains: ['x.io+5d', 'a.com+6d', 'c.com+7d', 'd.com+8d'],
      policy: { limits: { maxSpendPerMonth: '1000', maxBatchSize: 3 } },
    });
    const period = utcMonth(t.clock.now());
    await t.ledger.takeBudget({ name: spendBudgetName('CNY'), period, amount: 90_000, cap: 100_000, nowMs: 0 });
    const run = await t.renew();
    expect(names(t.registrar.submissions())).toEqual(['a.com']);
    expect(run.heldBack.map((h) => [h.decision.domain.domainName, h.limitedBy])).toEqual([
      ['x.io', 'month-spend'],
      ['c.com', 'month-spend'],
      ['d.com', 'month-spend'],
    ]);
  });

  test('a count and money cutting one batch: each domain is named by its own budget, and the count still stops the run', async () => {
    // Room for 2 more domains and 110 CNY today. Batch 1 is x.io (398), a.com (69), c.com (69); batch 2 is d.cn (39).
    // The count keeps x.io and a.com (c.com is the count's); money keeps a.com only, giving back x.io's count slot.
    // That slot must not buy d.cn, lower in priority than c.com, which the count held back (review 2026-12-03).
    const t = await given({
      domains: ['x.io+5d', 'a.com+6d', 'c.com+7d', 'd.cn+8d'],
      policy: { limits: { maxDomainsPerRun: 4, maxSpendPerRun: '1000', maxBatchSize: 3 } },
    });
    const day = utcDay(t.clock.now());
    await t.ledger.takeBudget({ name: 'domains', period: day, amount: 2, cap: 4, nowMs: 0 });
    await t.ledger.takeBudget({ name: spendBudgetName('CNY'), period: day, amount: 89_000, cap: 100_000, nowMs: 0 });
    const run = await t.renew();
    expect(names(t.registrar.submissions())).toEqual(['a.com']);
    expect(run.heldBack.map((h) => [h.decision.domain.domainName, h.limitedBy])).toEqual([
      ['x.io', 'day-spend'],
      ['c.com', 'day-count'],
      ['d.cn', 'day-count'],
    ]);
  });

  test('an authorisation stop after a batch money cut still names the later batches', async () => {
    const t = await given({
      domains: ['x.io+5d', 'a.com+6d', 'c.com+7d'],
      policy: { limits: { maxSpendPerMonth: '1000', maxBatchSize: 2 } },
    });
    const period = utcMonth(t.clock.now());
    await t.ledger.takeBudget({ name: spendBudgetName('CNY'), period, amount: 90_000, cap: 100_000, nowMs: 0 });
    t.registrar.faults.before = (op) => {
      if (op === 'submitRenewBatch') throw new AuthRejectedError('Forbidden.RAM (test)', { code: 'Forbidden.RAM' });
    };
    const run = await t.renew();
    expect(run.heldBack.map((h) => [h.decision.domain.domainName, h.limitedBy])).toEqual([
      ['x.io', 'month-spend'],
      ['c.com', 'stopped'], // the batch not started
      ['a.com', 'stopped'], // the batch refused
    ]);
  });

  test('maxSpendPerRun holds across the runs of one UTC day (a duplicate delivery, a CLI run), like the domain count', async () => {
    const domains = Array.from({ length: 4 }, (_, i) => `d${i}.com+${5 + i}d`);
    const t = await given({ domains, policy: { limits: { maxSpendPerRun: '150', maxBatchSize: 1 } } });
    await t.renew(); // 2 x 69 = 138
    const second = await t.renew(); // sequential, same UTC day: the day's 150 has 12 left
    expect(t.registrar.submissions().length * 69).toBeLessThanOrEqual(150);
    expect(t.registrar.submissions()).toHaveLength(2);
    expect(second.heldBack.map((h) => h.limitedBy)).toEqual(['day-spend', 'day-spend']);
    await Promise.all([t.renew(), t.renew(), t.renew()]);
    expect(t.registrar.submissions()).toHaveLength(2);
    t.advance('1d'); // a new UTC day: a fresh 150
    await t.renew();
    expect(t.registrar.submissions()).toHaveLength(4);
  });

  test('held back by a budget whose next period starts after the expiry: also a will-lapse line (a person must act)', async () => {
    // 2026-11-29 06:00: this month's spending is used up; a.com expires 2026-11-30, before December's budget.
    const t = await given({ domains: ['a.com+1d', 'b.com+5d'], policy: { limits: { maxSpendPerMonth: '69' } } });
    await t.ledger.takeBudget({ name: spendBudgetName('CNY'), period: '2026-11', amount: 6900, cap: 6900, nowMs: 0 });
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r' });
    expect(t.registrar.submissions()).toEqual([]);
    const email = t.notifier.sent.at(-1)?.email ?? '';
    expect(email).toMatch(/^Will lapse \(1\)/m);
    expect(email).toMatch(
      /^- a\.com: .*the next chance, 2026-12-01, is after it expires: renew it by hand or raise the limit/m,
    );
    expect(email).toMatch(/^- b\.com: .*not bought this run: this month's spending cap/m); // December comes in time
    expect(email).not.toMatch(/^- b\.com: .*renew it by hand/m);
  });

  test('the next period must leave a day for the next run; an expired domain keeps its paging deferred line only', async () => {
    const held = (domain: string, expiresAtMs: number, daysLeft: number, limitedBy: HeldBack['limitedBy']) =>
      collectHeldBack(
        [
          {
            decision: { domain: listedDomain(domain, expiresAtMs), action: 'renew', reason: 'due', daysLeft, years: 1 },
            limitedBy,
          },
        ],
        Date.parse('2026-11-29T23:59:00Z'),
      ).map((o) => o.event);
    // Expires 00:30 the next day: the next UTC day starts before it, but the daily run comes after it.
    expect(held('a.com', Date.parse('2026-11-30T00:30:00Z'), 0, 'day-count')).toEqual(['deferred', 'will-lapse']);
    // Two days on: the next day's run has time.
    expect(held('b.com', Date.parse('2026-12-01T12:00:00Z'), 1, 'day-count')).toEqual(['deferred']);
    // Already expired (within its grace): a later run buys it; no "renew by hand".
    expect(held('c.com', Date.parse('2026-11-28T00:00:00Z'), -2, 'month-spend')).toEqual(['deferred']);
    // A December month cap, on the last day: January 1 comes after a January 1 expiry.
    expect(
      collectHeldBack(
        [
          {
            decision: {
              domain: listedDomain('d.com', Date.parse('2027-01-01T06:00:00Z')),
              action: 'renew',
              reason: 'due',
              daysLeft: 0,
              years: 1,
            },
            limitedBy: 'month-spend',
          },
        ],
        Date.parse('2026-12-31T02:00:00Z'),
      ).map((o) => o.reason),
    ).toEqual([
      expect.stringMatching(/this month's spending cap/),
      expect.stringMatching(/the next chance, 2027-01-01, is after it expires/),
    ]);
  });

  test('day and month spend together: a month trim gives back to the day what the dropped domain took', async () => {
    const domains = Array.from({ length: 4 }, (_, i) => `d${i}.com+${5 + i}d`);
    const t = await given({
      domains,
      policy: { limits: { maxSpendPerRun: '150', maxSpendPerMonth: '100', maxBatchSize: 2 } },
    });
    await t.renew(); // plans 2 x 69 = 138 within the day's 150; the month's 100 keeps one
    expect(t.registrar.submissions()).toHaveLength(1);
    // What is left in each counter: exactly its cap less the one domain bought (69.00 CNY).
    const room = (period: string, cap: number) =>
      t.ledger.takeBudget({ name: spendBudgetName('CNY'), period, amount: 1_000_000, cap, nowMs: t.clock.now() });
    expect(await room(utcDay(t.clock.now()), 15_000)).toBe(15_000 - 6_900);
    expect(await room(utcMonth(t.clock.now()), 10_000)).toBe(10_000 - 6_900);
  });

  test('a price the registrar stated but that cannot be used is never replaced by the policy table', async () => {
    // The answer names gold.com twice, 79.00 and 12 000.00: the table's 79.00 would pass every money limit.
    const t = await given({
      domains: ['gold.com+5d', 'plain.com+5d'],
      policy: { money: { priceTable: { com: '79.00' } } },
    });
    const quote = t.registrar.quoteRenewals?.bind(t.registrar);
    const registrar = {
      ...t.registrar,
      quoteRenewals: async (...args: Parameters<NonNullable<typeof quote>>) => {
        const answer = await (quote as NonNullable<typeof quote>)(...args);
        return {
          ...answer,
          quotes: answer.quotes.filter((q) => q.domainName !== 'gold.com'),
          unpriced: [
            ...answer.unpriced,
            {
              domainName: 'gold.com',
              why: 'QueryDomainRealTimePrice: answered 2 times, differently',
              suspect: true as const,
            },
          ],
        };
      },
    };
    const run = await t.renew({ deps: { registrar } });
    expect(run.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([
      ['gold.com', 'price-unusable'],
      ['plain.com', 'due'],
    ]);
    expect(names(t.registrar.submissions())).toEqual(['plain.com']);
    // Not bought unpriced either, even where the policy buys unpriced domains: no limit could bound it.
    const u = await given({
      domains: ['gold.com+5d'],
      policy: { money: { unpriced: 'renew', priceTable: { com: '79.00' } } },
    });
    const uQuote = u.registrar.quoteRenewals?.bind(u.registrar);
    const suspectGold = {
      ...u.registrar,
      quoteRenewals: async (...args: Parameters<NonNullable<typeof uQuote>>) => ({
        ...(await (uQuote as NonNullable<typeof uQuote>)(...args)),
        quotes: [],
        unpriced: [{ domainName: 'gold.com', why: 'answered 2 times, differently', suspect: true as const }],
      }),
    };
    const unpricedRun = await u.renew({ deps: { registrar: suspectGold } });
    expect(unpricedRun.plan.decisions.map((d) => d.reason)).toEqual(['price-unusable']);
    expect(u.registrar.submissions()).toEqual([]);
  });

  test('unpriced domains are skipped by default; the policy table prices them when the registrar cannot', async () => {
    const t = await given({ domains: ['a.com+5d', 'b.org+5d'] });
    t.registrar.faults.quotesRefused = true;
    const run = await t.renew();
    expect(t.registrar.submissions()).toEqual([]);
    expect(run.plan.decisions.map((d) => d.reason)).toEqual(['unpriced', 'unpriced']);
    expect(run.plan.money?.unavailableSources.map((u) => u.source)).toEqual(['realtime', 'checkdomain']);
    const tabled = await t.renew({
      policy: { ...t.policy, money: { ...t.policy.money, priceTable: { com: '75.50' } } },
    });
    expect(names(t.registrar.submissions())).toEqual(['a.com']);
    expect(tabled.plan.decisions.find((d) => d.domain.domainName === 'a.com')).toMatchObject({
      price: { minor: 7550, currency: 'CNY' },
      priceSource: 'table',
    });
    expect(tabled.plan.decisions.find((d) => d.domain.domainName === 'b.org')?.reason).toBe('unpriced');
  });
});

/** The listing reports every domain with these fields (a listing that lost or dropped a flag). */
function listingSays(t: Given, fields: Partial<ListedDomain>): Given['registrar'] {
  return {
    ...t.registrar,
    listDomains: async (query) => (await t.registrar.listDomains(query)).map((d) => ({ ...d, ...fields })),
  };
}

/** Premium allowed up to 300, the table prices .com at 79, and unpriced names are bought. */
const PREMIUM_ALLOWED_TABLE_PRICED = {
  limits: { allowPremium: true, maxPricePerDomain: '300' },
  money: { priceTable: { com: '79' }, unpriced: 'renew' },
};

describe('a premium domain without a registrar price', () => {
  test("is never priced from money.priceTable (an ordinary TLD's price) nor bought unpriced: the caps could not hold", async () => {
    // The registrar's price calls are refused; the table prices .com at 79; the premium name costs far more.
    const t = await given({
      domains: ['gold.com+5d premium', 'plain.com+5d'],
      policy: PREMIUM_ALLOWED_TABLE_PRICED,
    });
    t.registrar.faults.quotesRefused = true;
    const run = await t.renew();
    expect(names(t.registrar.submissions())).toEqual(['plain.com']);
    const gold = run.plan.decisions.find((d) => d.domain.domainName === 'gold.com');
    expect(gold).toMatchObject({ action: 'skip', reason: 'unpriced' });
    expect(gold?.price).toBeUndefined();
  });

  test('a price answer that says premium wins over a listing that said not: allowPremium false skips it', async () => {
    const t = await given({ domains: ['gold.com+5d premium', 'plain.com+5d'] });
    const registrar = listingSays(t, { premium: false });
    const run = await t.renew({ deps: { registrar } });
    expect(names(t.registrar.submissions())).toEqual(['plain.com']);
    expect(run.plan.decisions.find((d) => d.domain.domainName === 'gold.com')).toMatchObject({
      action: 'skip',
      reason: 'premium',
    });
  });

  test('with allowPremium, a name a price answer calls premium is ordered as premium though the listing said not (review 2026-12-06, round 8)', async () => {
    // Without PermitPremiumRenew the registrar refuses a premium renewal: each refusal spent one of its attempts,
    // and the domain lapsed after the last.
    const t = await given({
      domains: ['gold.com+5d premium', 'plain.com+5d'],
      policy: { limits: { allowPremium: true } },
    });
    const registrar = listingSays(t, { premium: false });
    const run = await t.renew({ deps: { registrar } });
    const gold = run.plan.decisions.find((d) => d.domain.domainName === 'gold.com');
    expect(gold).toMatchObject({ action: 'renew', permitPremium: true });
    expect(run.plan.decisions.find((d) => d.domain.domainName === 'plain.com')).toMatchObject({ permitPremium: false });
    expect(names(t.registrar.submissions())).toEqual(['gold.com', 'plain.com']);
  });

  test('so does a price answer that says premium without a usable price: never the table price, never unpriced', async () => {
    const t = await given({
      domains: ['gold.com+5d premium', 'plain.com+5d'],
      policy: PREMIUM_ALLOWED_TABLE_PRICED,
    });
    t.registrar.faults.quotesUnusable = true;
    const registrar = listingSays(t, { premium: false });
    const run = await t.renew({ deps: { registrar } });
    expect(names(t.registrar.submissions())).toEqual(['plain.com']);
    expect(run.plan.decisions.find((d) => d.domain.domainName === 'gold.com')).toMatchObject({ reason: 'unpriced' });
    // Without allowPremium it is simply premium.
    const strict = await t.renew({
      deps: { registrar },
      policy: { ...t.policy, limits: { ...t.policy.limits, allowPremium: false } },
    });
    expect(strict.plan.decisions.find((d) => d.domain.domainName === 'gold.com')).toMatchObject({ reason: 'premium' });
  });

  test('a listing that does not say whether a name is premium is treated the same way (review 2026-12-03)', async () => {
    const t = await given({
      domains: ['gold.com+5d premium', 'plain.com+5d'],
      policy: { limits: { maxPricePerDomain: '300' }, money: { priceTable: { com: '79' }, unpriced: 'renew' } },
    });
    t.registrar.faults.quotesRefused = true;
    // The answer left `Premium` out: gold.com reads as not premium, and allowPremium (false) cannot skip it.
    const registrar = listingSays(t, { premium: false, premiumUnstated: true });
    const run = await t.renew({ deps: { registrar } });
    expect(t.registrar.submissions()).toEqual([]);
    expect(run.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([
      ['gold.com', 'unpriced'],
      ['plain.com', 'unpriced'],
    ]);
  });
});

describe("someone else's renewal", () => {
  test('a renewal submitted outside the tool and still queued is never bought a second time', async () => {
    const t = await given({ domains: ['a.com+5d', 'b.com+5d'] });
    t.registrar.faults.queueMs = () => 6 * 3_600_000; // waits in the registrar's queue for 6 h
    await t.registrar.submitRenewBatch({
      items: [{ domainName: 'a.com', years: 1, currentExpiryMs: t.expiry('a.com') as number, permitPremium: false }],
    });
    const run = await t.renew();
    expect(run.plan.decisions.find((d) => d.domain.domainName === 'a.com')?.reason).toBe('renewing-elsewhere');
    expect(t.registrar.submissions().filter((s) => s.domainName === 'a.com')).toHaveLength(1);
    expect(t.registrar.submissions().filter((s) => s.domainName === 'b.com')).toHaveLength(1);
    // Once their task is done, the expiry has moved a year and the domain is no longer due.
    const before = t.expiry('a.com') as number;
    t.advance('7h');
    const later = await t.renew();
    expect(t.expiry('a.com')).toBeGreaterThan(before + 360 * 86_400_000);
    expect(later.plan.decisions.find((d) => d.domain.domainName === 'a.com' && d.action === 'renew')).toBeUndefined();
    expect(t.registrar.submissions().filter((s) => s.domainName === 'a.com')).toHaveLength(1);
  });

  test('a renewal of theirs queued 10 days (past a 7-day look at the task list) is still not bought again (review 2026-12-05)', async () => {
    // The task list was read 7 days back: from day 8 the queued task was out of sight, and a.com was bought while
    // it still waited; it ran on day 10, a second year.
    const t = await given({ domains: ['a.com+20d', 'b.com+300d'], rejectStaleExpiry: false });
    t.registrar.faults.queueMs = () => 10 * 86_400_000;
    await t.registrar.submitRenewBatch({
      items: [{ domainName: 'a.com', years: 1, currentExpiryMs: t.expiry('a.com') as number, permitPremium: false }],
    });
    t.registrar.faults.queueMs = () => 0;
    for (let day = 1; day <= 9; day++) {
      t.advance('1d');
      const run = await t.renew();
      expect(run.plan.decisions.find((d) => d.domain.domainName === 'a.com')?.reason).toBe('renewing-elsewhere');
      await t.check();
    }
    t.advance('3d');
    await t.renew();
    expect(t.registrar.submissions().filter((s) => s.domainName === 'a.com')).toHaveLength(1);
  });

  test('their finished task, seen queued once, is read on the buying runs of the next week only (review 2026-12-05)', async () => {
    // With the 30-day lookback each such task cost a detail read on every buying run for 30 days.
    const t = await given({
      domains: ['x.com+20d', ...Array.from({ length: 14 }, (_, i) => `d${i}.com+${i + 2}d`)],
      rejectStaleExpiry: false,
      policy: { limits: { maxDomainsPerRun: 1 } },
    });
    t.registrar.faults.queueMs = () => 30 * 3_600_000;
    const console = await t.registrar.submitRenewBatch({
      items: [{ domainName: 'x.com', years: 1, currentExpiryMs: t.expiry('x.com') as number, permitPremium: false }],
    });
    t.registrar.faults.queueMs = () => 0;
    const reads: number[] = [];
    for (let day = 0; day < 12; day++) {
      let count = 0;
      const registrar = {
        ...t.registrar,
        listTaskDetails: async (taskNo: string) => {
          if (taskNo === console.taskNo) count += 1;
          return t.registrar.listTaskDetails(taskNo);
        },
      };
      await t.renew({ deps: { registrar } });
      reads.push(count);
      t.advance('1d');
    }
    expect(reads.slice(0, 3).every((n) => n === 1)).toBe(true);
    expect(reads.slice(9)).toEqual([0, 0, 0]);
  });

  test('the digest says so, once per domain and expiry', async () => {
    const t = await given({ domains: ['a.com+5d', 'b.com+5d'] });
    t.registrar.faults.queueMs = () => 6 * 3_600_000;
    await t.registrar.submitRenewBatch({
      items: [{ domainName: 'a.com', years: 1, currentExpiryMs: t.expiry('a.com') as number, permitPremium: false }],
    });
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'e1' });
    const email = t.notifier.sent.at(-1)?.email ?? '';
    expect(email).toMatch(/^Being renewed elsewhere \(1\): /m);
    expect(email).toMatch(/^- a\.com: expiry .* -> elsewhere, 5 days left, reason: not bought here/m);
    t.advance('1h');
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'e2' });
    expect(t.notifier.sent.filter((m) => /Being renewed elsewhere/.test(m.email))).toHaveLength(1);
  });

  test('their renewal that has just succeeded, while the listing still shows the old expiry, is not bought again', async () => {
    const t = await given({ domains: ['a.com+2d'], rejectStaleExpiry: false });
    const old = t.expiry('a.com') as number;
    t.registrar.faults.expiryLagMs = () => 6 * 3_600_000;
    await t.registrar.submitRenewBatch({
      items: [{ domainName: 'a.com', years: 1, currentExpiryMs: old, permitPremium: false }],
    });
    t.advance('10m'); // their task has run; the listing shows the old expiry for 6 hours more
    expect((await t.registrar.listDomains({}))[0]?.expiresAtMs).toBe(old);
    const run = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'lagging' });
    expect(run.plan.decisions.find((d) => d.domain.domainName === 'a.com')?.reason).toBe('renewed-elsewhere');
    expect(t.registrar.submissions().filter((s) => s.domainName === 'a.com')).toHaveLength(1);
    // Already renewed: an "elsewhere" line, never a will-lapse alarm, even 2 days before the old expiry.
    expect(t.notifier.sent.at(-1)?.email).toMatch(/^- a\.com: .*renewed by that task; not bought again/m);
    expect(t.notifier.sent.some((m) => /^Will lapse/m.test(m.email))).toBe(false);
    t.advance('7h');
    const later = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'caught-up' });
    // The listing now shows the new expiry: a year away, outside the window, so not even listed.
    expect(later.plan.decisions.find((d) => d.domain.domainName === 'a.com')).toBeUndefined();
    expect(t.registrar.submissions().filter((s) => s.domainName === 'a.com')).toHaveLength(1);
  });

  test('their task half-way through: a row that succeeded holds its domain, and one that failed may run again (review 2026-12-04)', async () => {
    // Only waiting and executing rows of an unfinished task used to count: the succeeded one's domain, its listing
    // lagging, was bought a second time at the same expiry.
    const t = await given({ domains: ['x.com+10d', 'y.com+10d', 'z.com+10d'], rejectStaleExpiry: false });
    t.registrar.faults.expiryLagMs = () => 2 * 86_400_000;
    const items = ['x.com', 'y.com', 'z.com'].map((d) => ({
      domainName: d,
      years: 1,
      currentExpiryMs: t.expiry(d) as number,
      permitPremium: false,
    }));
    const theirs = await t.registrar.submitRenewBatch({ items });
    t.advance('3m'); // shown half-way: x renewed (no UpdateTime read), y still executing, z failed (it may run again)
    const halfWay: Registrar = {
      ...rewritingRows(t.registrar, ({ updatedAtMs: _unread, ...d }) =>
        d.domainName === 'y.com'
          ? { ...d, state: 'executing' }
          : d.domainName === 'z.com'
            ? failingRow('z.com', 'try 1 failed')(d)
            : d,
      ),
      listTasks: async (r) =>
        (await t.registrar.listTasks(r)).map((k) => (k.taskNo === theirs.taskNo ? { ...k, finished: false } : k)),
    };
    const run = await t.renew({ deps: { registrar: halfWay } });
    const reasons = Object.fromEntries(run.plan.decisions.map((d) => [d.domain.domainName, d.reason]));
    expect(reasons).toEqual({
      'x.com': 'renewed-elsewhere',
      'y.com': 'renewing-elsewhere',
      'z.com': 'renewing-elsewhere',
    });
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['x.com', 'y.com', 'z.com']);
  });

  test('their renewal that waited days in the queue and has just run is not bought again while the listing lags', async () => {
    // Seen queued by a run (held), it runs 3 days after it was made: made too long ago to be read as "just finished"
    // by its creation, the run that saw it queued remembers it (a ledger mark) and its rows are read once it is done.
    const t = await given({ domains: ['a.com+10d'], rejectStaleExpiry: false });
    t.registrar.faults.queueMs = () => 3 * 86_400_000;
    t.registrar.faults.expiryLagMs = () => 6 * 3_600_000;
    await t.registrar.submitRenewBatch({
      items: [{ domainName: 'a.com', years: 1, currentExpiryMs: t.expiry('a.com') as number, permitPremium: false }],
    });
    const first = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'queued' });
    expect(first.plan.decisions.find((d) => d.domain.domainName === 'a.com')?.reason).toBe('renewing-elsewhere');
    t.advance('3d');
    t.advance('10m'); // their task has run; the listing shows the old expiry for 6 hours more
    const run = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'lagging' });
    expect(run.plan.decisions.find((d) => d.domain.domainName === 'a.com')?.reason).toBe('renewed-elsewhere');
    expect(t.registrar.submissions().filter((s) => s.domainName === 'a.com')).toHaveLength(1);
  });

  test('their queued task whose rows name one domain twice and miss another holds every due domain', async () => {
    // TaskNum 3, rows [a, a, b]: three rows, two domains. Counted by rows, c.com would read as not theirs.
    const t = await given({ domains: ['a.com+10d', 'b.com+10d', 'c.com+10d'] });
    t.registrar.faults.queueMs = () => 86_400_000;
    await t.registrar.submitRenewBatch({
      items: ['a.com', 'b.com', 'c.com'].map((d) => ({
        domainName: d,
        years: 1,
        currentExpiryMs: t.expiry(d) as number,
        permitPremium: false,
      })),
    });
    const registrar = duplicatingDetailRow(t.registrar, 'a.com', 'waiting', 'c.com');
    const run = await t.renew({ deps: { registrar } });
    expect(run.plan.decisions.map((d) => [d.domain.domainName, d.action])).toEqual([
      ['a.com', 'skip'],
      ['b.com', 'skip'],
      ['c.com', 'skip'],
    ]);
    expect(t.registrar.submissions()).toHaveLength(3);
  });

  test('a dry run that sees their queued renewal writes nothing', async () => {
    const t = await given({ domains: ['a.com+10d'] });
    t.registrar.faults.queueMs = () => 3 * 86_400_000;
    await t.registrar.submitRenewBatch({
      items: [{ domainName: 'a.com', years: 1, currentExpiryMs: t.expiry('a.com') as number, permitPremium: false }],
    });
    const putMarks = jest.spyOn(t.ledger, 'putMarks');
    const run = await executeRenew(t.deps(), { policy: t.policy, dryRun: true, runId: 'dry' });
    expect(run.plan.decisions.find((d) => d.domain.domainName === 'a.com')?.reason).toBe('renewing-elsewhere');
    expect(putMarks).not.toHaveBeenCalled();
  });

  test('their bulk renewal that just ran holds every domain it renewed, beyond the run cap too', async () => {
    // The first plan buys a.com and defers b.com (over-run-limit); held a.com frees the slot for b.com (review).
    const t = await given({
      domains: ['a.com+5d', 'b.com+6d'],
      rejectStaleExpiry: false,
      policy: { limits: { maxDomainsPerRun: 1 } },
    });
    t.registrar.faults.expiryLagMs = () => 6 * 3_600_000;
    await t.registrar.submitRenewBatch({
      items: ['a.com', 'b.com'].map((d) => ({
        domainName: d,
        years: 1,
        currentExpiryMs: t.expiry(d) as number,
        permitPremium: false,
      })),
    });
    t.advance('10m');
    const run = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'capped' });
    expect(run.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([
      ['a.com', 'renewed-elsewhere'],
      ['b.com', 'renewed-elsewhere'],
    ]);
    expect(t.registrar.submissions()).toHaveLength(2);
  });

  test('the run slot a domain skipped for money held goes to the next one the run cap kept out (review 2026-12-04)', async () => {
    // a.io (398 CNY, over maxPricePerDomain) took the only run slot every day and was skipped for money; b.com
    // (over-run-limit) waited behind it until it lapsed, unnamed.
    const t = await given({
      domains: ['a.io+2d', 'b.com+3d', 'c.com+20d'],
      policy: { limits: { maxDomainsPerRun: 1, maxPricePerDomain: '100.00' } },
    });
    const run = await t.renew();
    expect(run.plan.decisions.map((d) => [d.domain.domainName, d.action, d.reason])).toEqual([
      ['a.io', 'skip', 'over-price'],
      ['b.com', 'renew', 'due'],
      ['c.com', 'skip', 'over-run-limit'],
    ]);
    // Still one domain per run, and b.com priced before it was bought.
    expect(names(t.registrar.submissions())).toEqual(['b.com']);
    expect(run.plan.decisions.find((d) => d.domain.domainName === 'b.com')?.price).toEqual({
      minor: 6900,
      currency: 'CNY',
    });
    // c.com, 20 days left, is not warned about: a run cap normally clears within days.
    expect(collectLapseWarnings(run.plan).map((w) => w.outcome.domain)).toEqual(['a.io']);
  });

  test('slots freed over several rounds, and never more bought than maxDomainsPerRun', async () => {
    // Round 1 moves x.io up, which is over-price too; round 2 moves c.com up.
    const t = await given({
      domains: ['a.io+2d', 'b.com+3d', 'x.io+4d', 'c.com+5d', 'd.com+6d'],
      policy: { limits: { maxDomainsPerRun: 2, maxPricePerDomain: '100.00' } },
    });
    const run = await t.renew();
    expect(names(t.registrar.submissions())).toEqual(['b.com', 'c.com']);
    expect(run.plan.decisions.filter((d) => d.reason === 'over-run-limit').map((d) => d.domain.domainName)).toEqual([
      'd.com',
    ]);
  });

  test('a domain the run cap keeps out a week before its expiry is named will-lapse (review 2026-12-04)', async () => {
    const t = await given({
      domains: ['a.com+2d', 'b.com+3d', 'c.com+20d'],
      policy: { limits: { maxDomainsPerRun: 1 } },
    });
    const run = await t.renew();
    expect(names(t.registrar.submissions())).toEqual(['a.com']);
    expect(collectLapseWarnings(run.plan).map((w) => [w.outcome.domain, w.outcome.reason?.split(':')[0]])).toEqual([
      ['b.com', 'over-run-limit'],
    ]);
  });

  test('a just-finished task whose details cannot be read holds the due domains until they read (it may have renewed any)', async () => {
    const t = await given({ domains: ['a.com+5d', 'b.com+6d'] });
    await t.registrar.submitRenewBatch({
      items: [{ domainName: 'b.com', years: 1, currentExpiryMs: t.expiry('b.com') as number, permitPremium: false }],
    });
    t.advance('1h'); // theirs has run (b.com renewed, no longer due)
    const details = t.registrar.listTaskDetails.bind(t.registrar);
    const registrar = {
      ...t.registrar,
      listTaskDetails: async (no: string) => {
        if (t.registrar.tasks.some((task) => task.taskNo === no && task.request.items[0]?.domainName === 'b.com'))
          throw new RejectedRetryableError('QueryTaskDetailList failed after 5 attempts: Throttling');
        return details(no);
      },
    };
    const run = await executeRenew(t.deps({ registrar }), { policy: t.policy, dryRun: false, runId: 'r' });
    // Until 2026-12-05 it was skipped and the rest bought: one row the adapter could not read hid another party's
    // renewal of a domain on the same page (foreign-tasks-unexpected.test.ts).
    expect(run.summary.submitted).toBe(0);
    expect(run.plan.decisions.find((d) => d.domain.domainName === 'a.com')?.reason).toBe('elsewhere-unread');
    expect(t.logs.some((l) => l.includes("a finished renewal task's details could not be read"))).toBe(true);
    // Read the next run, it holds only what it renewed (b.com, no longer listed as due).
    t.advance('1h');
    const next = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r2' });
    expect(next.summary.submitted).toBe(1);
    expect(names(t.registrar.submissions())).toEqual(['a.com', 'b.com']);
  });

  test('a task of theirs still waiting 3 days before the expiry gets will-lapse lines (it may never run)', async () => {
    const t = await given({ domains: ['a.com+5d'] });
    t.registrar.faults.queueMs = () => 30 * 86_400_000; // stalled in the queue (or cancelled, which reads the same)
    await t.registrar.submitRenewBatch({
      items: [{ domainName: 'a.com', years: 1, currentExpiryMs: t.expiry('a.com') as number, permitPremium: false }],
    });
    const lapseLines = () => t.notifier.sent.filter((m) => /^Will lapse/m.test(m.email)).length;
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'day5' });
    expect(lapseLines()).toBe(0); // an ordinary renewal elsewhere, minutes or hours from done: no alarm yet
    t.advance('2d');
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'day3' });
    expect(lapseLines()).toBe(1);
    expect(t.notifier.sent.at(-1)?.email).toMatch(/^- a\.com: .*3 days left, reason: renewing-elsewhere/m);
    t.advance('2d');
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'day1' });
    expect(lapseLines()).toBe(2);
    expect(t.registrar.submissions().filter((s) => s.domainName === 'a.com')).toHaveLength(1);
  });

  test("an overlapping run's task, recorded after this run read its open batches, is not someone else's", async () => {
    // Run A buys a.com and b.com while run B lists; A's task details read short to B (lagging): were it taken for
    // someone else's, B would hold back every renewal and warn that each may lapse (review 2026-12-03).
    const t = await given({ domains: ['a.com+5d', 'b.com+6d', 'c.com+7d', 'd.com+8d'] });
    const deps = overlappedByRunA(t);
    const b = await t.renew({ deps: { ...deps, registrar: { ...deps.registrar, listTaskDetails: async () => [] } } });
    expect(b.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([
      ['a.com', 'in-flight'],
      ['b.com', 'in-flight'],
      ['c.com', 'due'],
      ['d.com', 'due'],
    ]);
    expect(names(t.registrar.submissions())).toEqual(['a.com', 'b.com', 'c.com', 'd.com']);
  });

  test('our own renewal, confirmed and closed, is not bought again by a lagging listing that reads the old expiry a little differently', async () => {
    // Claims are keyed by the exact listed expiry: a listing that, while it lags, shows the old expiry an hour off
    // (a zone, a registry sync) found no claim, and our own just-finished task was skipped as ours (review).
    const t = await given({ domains: ['a.com+10d'], rejectStaleExpiry: false });
    const old = t.expiry('a.com') as number;
    await t.renew();
    t.advance('10m');
    await t.check();
    expect((await t.ledger.listOpenBatches()).filter((b) => b.status !== 'CLOSED')).toEqual([]);
    // The listing of an hour ago, read with a new offset: a.com shows its old expiry, an hour later.
    const lagging = listingOnly(t.registrar, 'a.com', old + 3_600_000);
    const run = await t.renew({ deps: { registrar: lagging } });
    expect(run.plan.decisions.map((d) => [d.domain.domainName, d.action])).toEqual([['a.com', 'skip']]);
    expect(t.registrar.submissions()).toHaveLength(1);
  });

  test("Alibaba's own auto-renew: skipped by default, bought when the policy says so", async () => {
    const t = await given({ domains: ['a.com+5d autorenew'] });
    const run = await t.renew();
    expect(run.plan.decisions[0]?.reason).toBe('registrar-auto-renew');
    expect(t.registrar.submissions()).toEqual([]);
    await t.renew({ policy: { ...t.policy, money: { ...t.policy.money, registrarAutoRenew: 'renew' } } });
    expect(names(t.registrar.submissions())).toEqual(['a.com']);
  });
});

describe('holds (the veto)', () => {
  test('a held domain is never bought while the hold lasts, and is warned about as it nears expiry', async () => {
    const t = await given({ domains: ['a.com+6d', 'b.com+6d'] });
    const until = t.clock.now() + 3 * 86_400_000;
    await t.ledger.putHolds([
      { domain: 'a.com', untilMs: until, reason: 'moving to another registrar', createdAtMs: 0 },
    ]);
    const run = await t.renew();
    expect(run.plan.decisions.find((d) => d.domain.domainName === 'a.com')?.reason).toBe('held');
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['b.com']);
    expect(collectLapseWarnings(run.plan).map((w) => [w.outcome.domain, w.outcome.reason])).toEqual([
      ['a.com', `held: ${REASONS.held}`],
    ]);
    expect(await t.ledger.listHolds()).toEqual([expect.objectContaining({ domain: 'a.com', untilMs: until })]);
    // The hold ends: the next run buys it.
    t.advance('3d');
    await t.renew();
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['b.com', 'a.com']);
  });
});

describe('budgets given back', () => {
  test('without a monthly cap no money is taken, so none is given back (no failing write, no warning)', async () => {
    const t = await given({ domains: ['a.com+5d'] });
    t.registrar.faults.before = (op) => {
      if (op === 'submitRenewBatch') throw new RejectedFinalError('refused (test)', { code: 'InvalidParameter' });
    };
    const run = await t.renew();
    expect(run.summary.rejected).toBe(1);
    expect(t.logs.filter((l) => /could not give back/.test(l))).toEqual([]);
  });

  test('a domain held after the plan, in a batch the registrar then refused, is not named refused (review 2026-12-05)', async () => {
    const t = await given({ domains: ['a.com+5d', 'b.com+6d'] });
    t.registrar.faults.before = (op) => {
      if (op === 'submitRenewBatch') throw new RejectedRetryableError('busy (test)', { code: 'ServiceUnavailable' });
    };
    let reads = 0;
    const run = await t.renew({
      deps: {
        ledger: {
          ...t.ledger,
          // The send's read of the holds (the second): a person held a.com once the run had claimed it.
          listHolds: async () => {
            reads += 1;
            if (reads === 2) await t.ledger.putHolds([{ domain: 'a.com', createdAtMs: t.clock.now() }]);
            return t.ledger.listHolds();
          },
        },
      },
    });
    expect(t.registrar.submissions()).toEqual([]);
    expect(run.heldBack.map((h) => [h.decision.domain.domainName, h.limitedBy])).toEqual([['b.com', 'refused']]);
    expect(run.summary.rejected).toBe(1);
  });

  test('a refused order is not counted as money submitted (digest and SpendSubmitted)', async () => {
    const t = await given({ domains: ['a.com+5d'] });
    t.registrar.faults.before = (op) => {
      if (op === 'submitRenewBatch') throw new RejectedFinalError('refused (test)', { code: 'InvalidParameter' });
    };
    const metrics: Record<string, number>[] = [];
    await executeRenew(t.deps({ metrics: (m) => metrics.push(m) }), { policy: t.policy, dryRun: false, runId: 'r' });
    expect(t.notifier.sent.at(-1)?.email).toMatch(/Money: submitted 0\.00 CNY \(quoted\) of 69\.00 CNY planned/);
    expect(metrics.find((m) => 'SpendSubmitted' in m)).toMatchObject({ SpendSubmitted: 0 });
  });

  test('with a monthly cap, a refused batch gives its money back: the next run can spend it', async () => {
    const t = await given({ domains: ['a.com+5d'], policy: { limits: { maxSpendPerMonth: '69' } } });
    t.registrar.faults.before = (op) => {
      if (op === 'submitRenewBatch') throw new RejectedFinalError('refused (test)', { code: 'InvalidParameter' });
    };
    await t.renew();
    t.registrar.faults = {};
    t.advance('25h');
    await t.renew();
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com']);
  });

  const onOurSide: [string, Parameters<typeof flakyLedger>[1]][] = [
    // (A claim write failing, claims being taken ahead, fails its batch before any budget is taken.)
    ['the submit-start write', { saveBatch: [1] }],
  ];
  test.each(onOurSide)(
    'a batch that fails on our side before the paid call (%s) gives back its count and money',
    async (_, failOn) => {
      // Nothing was sent: the day's count and the month's money must not read as spent until the period ends.
      const t = await given({
        domains: ['a.com+5d', 'b.com+6d'],
        policy: { limits: { maxDomainsPerRun: 2, maxSpendPerMonth: '138' } },
      });
      const flaky = flakyLedger(t.ledger, failOn);
      const first = await t.renew({ deps: { ledger: flaky } });
      expect(first.summary.errors).toBe(1);
      expect(t.registrar.submissions()).toEqual([]);
      // Provably not sent: released at once, nothing left for check to settle (or to call unknown).
      expect(await t.ledger.listOpenBatches()).toEqual([]);
      t.advance('30m');
      await t.check(); // releases the intent the failed batch left
      const second = await t.renew();
      expect(second.heldBack).toEqual([]);
      expect(names(t.registrar.submissions())).toEqual(['a.com', 'b.com']);
    },
  );

  test("a refusal whose record fails names the registrar's reason, gives the money back, and is not called unknown", async () => {
    const t = await given({ domains: ['a.com+5d'], policy: { limits: { maxSpendPerMonth: '69' } } });
    t.registrar.faults.before = (op) => {
      if (op === 'submitRenewBatch')
        throw new RejectedFinalError('real-name verification missing (test)', { code: 'InvalidParameter' });
    };
    const flaky = flakyLedger(t.ledger, { saveBatch: [2] }); // the submit start is written, the refusal's record not
    const run = await executeRenew(t.deps({ ledger: flaky }), { policy: t.policy, dryRun: false, runId: 'r' }).catch(
      (err: unknown) => err,
    );
    expect(run).toBeInstanceOf(Error); // the run fails loudly (a batch failed on our side)
    expect(t.notifier.sent.at(-1)?.email).toMatch(/^- a\.com: .*real-name verification missing \(test\)/m);
    // The claims say refused: check does not announce an order that "may have been sent".
    t.advance('30m');
    await t.check({ deps: { registrar: strangeRegistrar(t.registrar, { hideTasks: () => true }) } });
    expect(t.notifier.sent.some((m) => /^Unknown outcome/m.test(m.email))).toBe(false);
    // The month's 69 went back: once the refusal's backoff is over, the domain is bought.
    t.registrar.faults = {};
    t.advance('25h');
    const later = await t.renew();
    expect(later.heldBack).toEqual([]);
    expect(names(t.registrar.submissions())).toEqual(['a.com']);
  });

  test('a submit-start write that landed but was reported failed: nothing sent, released at once, no unknown later', async () => {
    const t = await given({ domains: ['a.com+5d', 'b.com+6d'] });
    const landed = landedThenFailing(t.ledger, { saveBatch: [1] });
    const run = await t.renew({ deps: { ledger: landed } });
    expect(run.summary.errors).toBe(1);
    expect(t.registrar.submissions()).toEqual([]);
    expect(await t.ledger.listOpenBatches()).toEqual([]);
    expect((await t.ledger.listClaimsForDomain('a.com')).map((c) => [c.status, c.code])).toEqual([
      ['FAILED', 'not-submitted'],
    ]);
    t.advance('30m');
    await t.check();
    expect(t.notifier.sent.some((m) => /^(Unknown outcome|Stuck)/m.test(m.email))).toBe(false);
    await t.renew();
    expect(names(t.registrar.submissions())).toEqual(['a.com', 'b.com']);
  });

  test("a budget write that fails after the day's count was taken gives the count back: the run stops, the next buys", async () => {
    const t = await given({
      domains: ['a.com+5d', 'b.com+6d'],
      policy: { limits: { maxDomainsPerRun: 2, maxSpendPerMonth: '138' } },
    });
    const flaky = flakyLedger(t.ledger, { takeBudget: [2] }); // the count is taken, the month's money fails
    const first = await t.renew({ deps: { ledger: flaky } });
    // Reported, not thrown: the run's lines name what was not sent, and the error fails the run (summary.errors).
    expect(first.summary.errors).toBe(1);
    expect(first.heldBack.map((h) => [h.decision.domain.domainName, h.limitedBy])).toEqual([
      ['a.com', 'not-sent'],
      ['b.com', 'not-sent'],
    ]);
    expect(t.registrar.submissions()).toEqual([]);
    const second = await t.renew();
    expect(second.heldBack).toEqual([]);
    expect(names(t.registrar.submissions())).toEqual(['a.com', 'b.com']);
  });
});
