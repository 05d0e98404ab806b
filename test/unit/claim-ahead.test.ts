import type { Billing } from '../../lib/billing/port';
import { InputError } from '../../lib/errors';
import type { Claim } from '../../lib/ledger/port';
import { runRenew } from '../../lib/renewal/run-renew';
import { given } from '../helpers/builder';

/**
 * Claims taken ahead (issue 19, lib/renewal/claim-ahead.ts): the renew job claims while the money pass waits for
 * prices and the balance. Every claim the final plan does not buy must end released (FAILED `not-submitted`, no
 * attempt, claimable at once), never live, and nothing may be sent before the final plan.
 * Prices are the sandbox list (per year): .com 69, .net 79, .io 398 CNY.
 */

const names = (subs: { domainName: string }[]) => subs.map((s) => s.domainName).sort();

/** Every claim of these domains, whatever its expiry. */
async function claimsOf(t: Awaited<ReturnType<typeof given>>, domains: readonly string[]): Promise<Claim[]> {
  return (await Promise.all(domains.map((d) => t.ledger.listClaimsForDomain(d)))).flat();
}

/** A billing port that, before answering, lets the event loop turn a bounded number of times and counts claims. */
function watchingBilling(inner: Billing, count: () => Promise<number>): Billing & { claimsSeen: number } {
  const watched = {
    claimsSeen: -1,
    async readBalance() {
      for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
      watched.claimsSeen = await count();
      return inner.readBalance();
    },
  };
  return watched;
}

describe('claims taken ahead', () => {
  test('are written while the money pass waits for the balance; nothing is sent before the final plan', async () => {
    const domains = ['a.com', 'b.com', 'c.net'];
    const t = await given({ domains: ['a.com+5d', 'b.com+6d', 'c.net+8d'], balance: 1000 });
    const billing = watchingBilling(t.billing as Billing, async () => (await claimsOf(t, domains)).length);
    let sentBeforeBalance = -1;
    t.registrar.faults.before = (op) => {
      if (op === 'submitRenewBatch' && sentBeforeBalance === -1) sentBeforeBalance = billing.claimsSeen;
    };
    await t.renew({ deps: { billing } });
    expect(billing.claimsSeen).toBe(3);
    expect(sentBeforeBalance).toBe(3); // the first paid call came after the balance was read
    expect(names(t.registrar.submissions())).toEqual(domains);
  });

  test('a domain the money pass drops is released, not left live, and is bought once money allows', async () => {
    // Balance 220: a.com (69), b.io (398) does not fit, c.net (79) and d.com (69) do.
    const t = await given({ domains: ['a.com+5d', 'b.io+6d', 'c.net+8d', 'd.com+9d'], balance: '220.00' });
    const run = await t.renew();
    expect(names(t.registrar.submissions())).toEqual(['a.com', 'c.net', 'd.com']);
    const [bio] = await claimsOf(t, ['b.io']);
    expect(bio).toMatchObject({ status: 'FAILED', code: 'not-submitted', attempts: 0 });
    expect(bio?.nextEligibleAtMs).toBeLessThanOrEqual(t.clock.now());
    // The batch record lists what was sent, priced, and nothing else.
    const sent = run.summary.batches.filter((b) => b.status === 'submitted');
    expect(sent.reduce((n, b) => n + b.domains, 0)).toBe(3);
    expect(run.summary.conflicts).toBe(0);
    (t.billing as NonNullable<typeof t.billing>).cash = { minor: 100_000, currency: 'CNY' };
    await t.renew();
    expect(t.registrar.submissions().filter((s) => s.domainName === 'b.io')).toHaveLength(1);
  });

  test('a run that fails in its money pass releases every claim it took and buys nothing', async () => {
    const t = await given({ domains: ['a.com+5d', 'b.com+6d'], balance: 1000 });
    (t.billing as NonNullable<typeof t.billing>).cash = { minor: 100_000, currency: 'USD' };
    await expect(t.renew()).rejects.toBeInstanceOf(InputError);
    expect(t.registrar.submissions()).toEqual([]);
    const claims = await claimsOf(t, ['a.com', 'b.com']);
    expect(claims).toHaveLength(2);
    expect(claims.every((c) => c.status === 'FAILED' && c.code === 'not-submitted' && c.attempts === 0)).toBe(true);
    expect(await t.ledger.listOpenBatches()).toEqual([]);
  });

  test('a money pass that fails near the deadline leaves its claims to check and still throws at once', async () => {
    const t = await given({
      domains: ['a.com+5d', 'b.com+6d'],
      balance: 1000,
      policy: { limits: { maxBatchSize: 1 } },
    });
    (t.billing as NonNullable<typeof t.billing>).cash = { minor: 100_000, currency: 'USD' };
    let releases = 0;
    const inner = t.ledger;
    const ledger = {
      ...inner,
      saveClaim: async (...args: Parameters<typeof inner.saveClaim>) => {
        releases++;
        return inner.saveClaim(...args);
      },
    };
    await expect(t.renew({ deps: { ledger, remainingMs: () => 100_000 } })).rejects.toBeInstanceOf(InputError);
    expect(releases).toBe(0);
    expect((await claimsOf(t, ['a.com', 'b.com'])).map((c) => c.status)).toEqual(['CLAIMED', 'CLAIMED']);
  });

  test('the daily budget holds part back: those claims are released and a later day buys them', async () => {
    const t = await given({
      domains: ['a.com+5d', 'b.com+6d', 'c.com+7d', 'd.com+8d'],
      policy: { limits: { maxDomainsPerRun: 3, maxBatchSize: 2 } },
    });
    await t.renew();
    expect(names(t.registrar.submissions())).toEqual(['a.com', 'b.com', 'c.com']);
    // The same UTC day: d.com is planned and claimed ahead, but the day's budget (3) is used.
    const second = await t.renew();
    expect(second.heldBack.map((h) => h.decision.domain.domainName)).toEqual(['d.com']);
    const [d] = await claimsOf(t, ['d.com']);
    expect(d).toMatchObject({ status: 'FAILED', code: 'not-submitted', attempts: 0 });
    expect((await t.ledger.listOpenBatches()).filter((b) => b.status === 'INTENT')).toEqual([]);
    t.advance('1d');
    await t.renew();
    expect(t.registrar.submissions().filter((s) => s.domainName === 'd.com')).toHaveLength(1);
  });

  test('the time limit stops the run: the batches it claimed ahead and did not send are released', async () => {
    const domains = Array.from({ length: 6 }, (_, i) => `d${i}.com`);
    const t = await given({
      domains: domains.map((d, i) => `${d}+${i + 1}d`),
      policy: { limits: { maxBatchSize: 2 } },
    });
    // Past the margin (200 s) with time for the releases (each batch's three slow calls and the report's margin).
    const run = await t.renew({ deps: { remainingMs: () => 150_000 }, timeMarginMs: 200_000 });
    expect(run.summary.batchesLeftForTime).toBe(3);
    expect(t.registrar.submissions()).toEqual([]);
    const claims = await claimsOf(t, domains);
    expect(claims.every((c) => c.status === 'FAILED' && c.code === 'not-submitted' && c.attempts === 0)).toBe(true);
    expect(await t.ledger.listOpenBatches()).toEqual([]);
  });

  test('too near the deadline to release them: left for check, which releases them with their intents', async () => {
    const domains = Array.from({ length: 6 }, (_, i) => `d${i}.com`);
    const t = await given({
      domains: domains.map((d, i) => `${d}+${i + 1}d`),
      policy: { limits: { maxBatchSize: 2 } },
    });
    // 100 s left: less than one batch's release (48 s) and the report's margin (64 s).
    const run = await t.renew({ deps: { remainingMs: () => 100_000 }, timeMarginMs: 200_000 });
    expect(run.summary.batchesLeftForTime).toBe(3);
    expect(run.heldBack.map((h) => h.limitedBy)).toEqual(domains.map(() => 'time'));
    expect((await claimsOf(t, domains)).map((c) => c.status)).toEqual(domains.map(() => 'CLAIMED'));
    // Check's reconciler releases the unsent intents; the next run buys them.
    for (let h = 0; h < 3; h++) {
      t.advance('1h');
      await t.check();
    }
    expect((await claimsOf(t, domains)).every((c) => c.status === 'FAILED' && c.code === 'not-submitted')).toBe(true);
    t.advance('1d');
    await t.renew();
    expect(names(t.registrar.submissions())).toEqual(domains);
  });

  test('a release that fails every try leaves the batch unsent and its claims live; check releases them with the intent', async () => {
    const t = await given({ domains: ['a.com+5d', 'b.io+6d'], balance: '100.00' });
    let failures = 0;
    t.ledger.faults.before = (op) => {
      if (op === 'saveClaim' && failures++ < 3) throw new Error('ledger throttled (injected)');
    };
    const run = await t.renew();
    t.ledger.faults.before = undefined;
    // b.io (398) does not fit: its release failed, so its batch (shared with a.com) is not sent this run.
    expect(failures).toBeGreaterThan(0);
    expect(t.registrar.submissions()).toEqual([]);
    expect(run.summary.errors).toBe(1);
    expect((await claimsOf(t, ['a.com', 'b.io'])).map((c) => c.status)).toEqual(['CLAIMED', 'CLAIMED']);
    t.advance('30m');
    await t.check();
    const claims = await claimsOf(t, ['a.com', 'b.io']);
    expect(claims.every((c) => c.status === 'FAILED' && c.attempts === 0)).toBe(true);
    await t.renew();
    expect(names(t.registrar.submissions())).toEqual(['a.com']);
  });

  test('a dry run and a guarded run write no claim before the plan is final', async () => {
    const t = await given({ domains: ['a.com+5d'], balance: 1000 });
    await t.renew({ dryRun: true });
    expect(await claimsOf(t, ['a.com'])).toEqual([]);
    const guard = () => {
      throw new Error('the person said no');
    };
    await expect(runRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'g1', guard })).rejects.toThrow(
      /said no/,
    );
    expect(await claimsOf(t, ['a.com'])).toEqual([]);
    expect(await t.ledger.listOpenBatches()).toEqual([]);
  });
});
