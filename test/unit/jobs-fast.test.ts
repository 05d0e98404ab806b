import { AmbiguousOutcomeError, InputError, RejectedRetryableError, SecretError } from '../../lib/errors';
import { executeRenew } from '../../lib/jobs';
import { given } from '../helpers/builder';

/**
 * Job-level tests on the fast layer (in-memory registrar and ledger, builder). The end-to-end versions of the first
 * cases, over HTTP against the sandbox and dynalite, stay in test/integration/renew.test.ts and check.test.ts.
 */

const due = (n: number, prefix = 'd') => Array.from({ length: n }, (_, i) => `${prefix}${i}.com+${1 + (i % 28)}d`);
const far = (n: number) => Array.from({ length: n }, (_, i) => `far${i}.net+${100 + i}d`);

/** Submissions per (domain, CurrentExpirationDate) that happened more than once: the M1 check. */
function duplicates(t: Awaited<ReturnType<typeof given>>): string[] {
  const seen = new Map<string, number>();
  for (const s of t.registrar.submissions()) {
    const key = `${s.domainName.toLowerCase()}#${s.currentExpiryMs}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
}

describe('renew on the fakes', () => {
  test('submits each due domain once in batches; a second run submits nothing (in-flight claims)', async () => {
    const t = await given({ domains: [...due(30), ...far(20)], policy: { limits: { maxBatchSize: 8 } } });
    const first = await t.renew();
    expect(first.summary).toMatchObject({ planned: 30, submitted: 30 });
    expect(first.summary.batches.map((b) => b.status)).toEqual(['submitted', 'submitted', 'submitted', 'submitted']);
    const second = await t.renew();
    expect(second.summary.submitted).toBe(0);
    expect(second.plan.totals.byReason['in-flight']).toBe(30);
    expect(t.registrar.calls.submitRenewBatch).toBe(4);
    const recorded = new Set((await t.ledger.listRecentBatches(50)).map((b) => b.taskNo));
    for (const task of t.registrar.tasks) expect(recorded.has(task.taskNo)).toBe(true);
  });

  test('dry run plans but never submits nor writes the ledger', async () => {
    const t = await given({ domains: due(5) });
    const run = await t.renew({ dryRun: true });
    expect(run.summary.planned).toBe(5);
    expect(t.registrar.calls.submitRenewBatch).toBe(0);
    expect(t.ledger.store.items.size).toBe(0);
  });

  test('an unreachable registrar stops the run before any paid call and leaves the ledger unchanged', async () => {
    const t = await given({ domains: due(3) });
    t.registrar.faults.before = (op) => {
      if (op === 'listDomains') throw new RejectedRetryableError('throttled for good', { code: 'Throttling' });
    };
    await expect(t.renew()).rejects.toBeInstanceOf(RejectedRetryableError);
    expect(t.registrar.calls.submitRenewBatch).toBe(0);
    expect(t.ledger.store.items.size).toBe(0);
  });

  test('a request the adapter refuses to send is FAILED and final; a secret it cannot read uses up no attempt', async () => {
    const t = await given({ domains: due(1) });
    t.registrar.faults.before = (op) => {
      if (op === 'submitRenewBatch') throw new InputError('item 1 (d0.com): cannot be expressed; nothing was sent.');
    };
    const refused = await t.renew();
    expect(refused.summary.batches.map((b) => b.status)).toEqual(['rejected']);
    // Closed at once (never UNKNOWN), with the failure notice pending for the digest.
    expect((await t.ledger.listOpenBatches()).map((b) => [b.status, b.pendingNotices])).toEqual([
      ['CLOSED', ['final']],
    ]);

    const u = await given({ domains: due(1) });
    u.registrar.faults.before = (op) => {
      if (op === 'submitRenewBatch') throw new SecretError('cannot read secret autorenew/alibaba: Throttling');
    };
    const notSent = await u.renew();
    // A person fixes the secret: nothing was sent, no attempt is counted, the domain is retried.
    expect(notSent.summary.batches.map((b) => b.status)).toEqual(['not-submitted']);
    expect(u.registrar.calls.submitRenewBatch).toBe(1);
    u.registrar.faults.before = () => {};
    u.advance('1d');
    expect((await u.renew()).summary.submitted).toBe(1);
  });

  test('a batch not sent this run names its domains in the digest: refused for now, or our ledger failed first', async () => {
    // Throttled on every attempt: nothing was bought, and a domain with a day left must not go unmentioned.
    const t = await given({ domains: ['a.com+1d'] });
    t.registrar.faults.before = (op) => {
      if (op === 'submitRenewBatch')
        throw new RejectedRetryableError('submit failed after 5 attempts: Throttling.User');
    };
    const refused = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'throttled' });
    expect(refused.summary.batches.map((b) => b.status)).toEqual(['not-submitted']);
    expect(t.notifier.sent.at(-1)?.email).toMatch(
      /^- a\.com: .* reason: not bought this run: the order was not accepted \(submit failed after 5 attempts: Throttling\.User\); nothing was bought/m,
    );

    // The ledger refuses the intent write: the batch fails on our side before sending, and its domain is named.
    const u = await given({ domains: ['b.com+1d'] });
    const put = u.ledger.putBatchIntent.bind(u.ledger);
    u.ledger.putBatchIntent = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    const failed = await executeRenew(u.deps(), { policy: u.policy, dryRun: false, runId: 'ledger' }).catch(
      (err: unknown) => err,
    );
    u.ledger.putBatchIntent = put;
    expect(u.registrar.calls.submitRenewBatch).toBe(0);
    expect(String(failed)).toMatch(/failed on our side/);
    expect(u.notifier.sent.at(-1)?.email).toMatch(
      /^- b\.com: .* reason: not bought this run: its batch failed on our side \(ProvisionedThroughputExceededException\)/m,
    );
  });

  test('a held-back renewal close to its expiry pages (never "renew by hand"); one far from it is shown but pages no one', async () => {
    const t = await given({ domains: ['near.com+2d', 'far.com+25d'] });
    t.registrar.faults.before = (op) => {
      if (op === 'submitRenewBatch')
        throw new RejectedRetryableError('submit failed after 5 attempts: Throttling.User');
    };
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'both' });
    const both = t.notifier.sent.at(-1);
    expect(both?.email).toMatch(/^Not bought this run \(2\)/m);
    expect(both?.email).toMatch(/^- near\.com: .*not bought this run: the order was not accepted/m);
    expect(both?.email).not.toMatch(/renew by hand|-> lapses/);
    expect(both?.severity).toBe('alert');
    expect(both?.sms).toMatch(/near\.com/);

    const u = await given({ domains: ['far.com+25d'] });
    u.registrar.faults.before = t.registrar.faults.before;
    await executeRenew(u.deps(), { policy: u.policy, dryRun: false, runId: 'far' });
    expect(u.notifier.sent.at(-1)?.email).toMatch(/^- far\.com: .*not bought this run/m);
    expect(u.notifier.sent.at(-1)?.severity).toBe('info'); // a passing refusal 25 days out: no page every day
  });

  test('the daily budget holds maxDomainsPerRun across runs of one UTC day, and refills the next day', async () => {
    const t = await given({ domains: due(12), policy: { limits: { maxDomainsPerRun: 5 } } });
    const first = await t.renew();
    expect(first.summary).toMatchObject({ submitted: 5, deferred: 7 });
    t.advance('1h');
    const second = await t.renew();
    expect(second.summary).toMatchObject({ submitted: 0, overBudget: 5 });
    t.advance('1d');
    const third = await t.renew();
    expect(third.summary.submitted).toBe(5);
    expect(duplicates(t)).toEqual([]);
  });

  test('overlapping runs share one budget: together they never pass the cap', async () => {
    const t = await given({ domains: due(20), policy: { limits: { maxDomainsPerRun: 6, maxBatchSize: 2 } } });
    const runs = await Promise.all([t.renew(), t.renew(), t.renew()]);
    const submitted = runs.reduce((n, r) => n + r.summary.submitted, 0);
    expect(submitted).toBe(6);
    expect(t.registrar.submissions()).toHaveLength(6);
    expect(duplicates(t)).toEqual([]);
  });
});

describe('check on the fakes', () => {
  test('confirms renewals, records failures with the registrar message, retries after the backoff, then stops', async () => {
    const t = await given({
      domains: ['good.com+10d', 'broke.io+11d'],
      policy: { limits: { maxAttempts: 2, retryAfterHours: 24 } },
    });
    // A failure of the renewal itself (not one a person fixes, like a balance): it counts an attempt.
    t.registrar.faults.failDomain = (d) =>
      d === 'broke.io' ? 'Purchase record exists for the domain name in Aliyun' : undefined;
    const oldGood = t.expiry('good.com') as number;
    await t.renew();
    t.advance('5m');
    const check = await t.check();
    expect(check).toMatchObject({ renewed: 1, failed: 1 });
    const [good] = await t.ledger.getClaims([{ domain: 'good.com', expiryMs: oldGood }]);
    expect(good?.status).toBe('RENEWED');
    expect(good?.newExpiryMs).toBe(t.expiry('good.com'));
    const brokeKey = { domain: 'broke.io', expiryMs: t.expiry('broke.io') as number };
    const [broke] = await t.ledger.getClaims([brokeKey]);
    expect(broke).toMatchObject({ status: 'FAILED', attempts: 1, message: expect.stringMatching(/purchase record/i) });
    const digest = t.notifier.sent.at(-1);
    expect(digest).toMatchObject({ event: 'failed', severity: 'alert' });
    expect(digest?.email).toContain('broke.io');

    const tooSoon = await t.renew();
    expect(tooSoon.plan.decisions.find((d) => d.domain.domainName === 'broke.io')?.reason).toBe('retry-backoff');
    t.advance('25h');
    expect((await t.renew()).summary.submitted).toBe(1);
    t.advance('5m');
    await t.check();
    t.advance('25h');
    const last = await t.renew();
    expect(last.summary.submitted).toBe(0);
    expect(last.plan.decisions.find((d) => d.domain.domainName === 'broke.io')?.reason).toBe('max-attempts');
    expect(t.registrar.submissions().filter((s) => s.domainName === 'broke.io')).toHaveLength(2);
  });

  test('retryAfterHours counts from the attempt, not from when check read the failure: the next daily run retries', async () => {
    // The failure is read an hour after the daily run; counted from then, the next day's run came an hour too early
    // and every retry took two days (review 2026-12-05, round 4).
    const t = await given({ domains: ['a.com+20d', 'b.com+300d'], policy: { limits: { retryAfterHours: 24 } } });
    let failing = true;
    t.registrar.faults.failDomain = () => (failing ? 'busy' : undefined);
    await t.renew();
    t.advance('1h');
    await t.check();
    failing = false;
    t.advance('23h');
    const next = await t.renew();
    expect(next.plan.decisions.find((d) => d.domain.domainName === 'a.com')?.reason).toBe('due');
    expect(next.summary.submitted).toBe(1);
  });

  test('a failure read long after its attempt (a task queued 46 h) still waits before the retry (review 2026-12-05)', async () => {
    const t = await given({ domains: ['a.com+20d', 'b.com+300d'], policy: { limits: { retryAfterHours: 24 } } });
    t.registrar.faults.queueMs = () => 46 * 3_600_000;
    t.registrar.faults.failDomain = (d) => (d === 'a.com' ? 'registry busy' : undefined);
    await t.renew();
    t.registrar.faults.queueMs = () => 0;
    t.advance('47h');
    await t.check();
    t.advance('1h');
    const early = await t.renew();
    expect(early.plan.decisions.find((d) => d.domain.domainName === 'a.com')?.reason).toBe('retry-backoff');
    t.advance('12h');
    const later = await t.renew();
    expect(later.plan.decisions.find((d) => d.domain.domainName === 'a.com')?.reason).toBe('due');
  });

  test('a digest lost to a notifier outage is delivered on the next run, exactly once', async () => {
    const t = await given({ domains: due(3) });
    await t.renew();
    t.advance('5m');
    t.notifier.failNext = 10;
    const failed = await t.check();
    expect(failed.renewed).toBe(3);
    expect(failed.notified).toBe(false);
    const sentBefore = t.notifier.sent.length;
    t.notifier.failNext = 0;
    t.advance('1h');
    await t.check();
    const renewedDigests = t.notifier.sent.slice(sentBefore).filter((m) => m.email.includes('d0.com'));
    expect(renewedDigests).toHaveLength(1);
    t.advance('1h');
    await t.check();
    expect(t.notifier.sent.slice(sentBefore).filter((m) => m.email.includes('d0.com'))).toHaveLength(1);
  });

  test('a lost submit answer leaves the batch UNKNOWN; check adopts the one task after the safe delay and confirms it', async () => {
    const t = await given({ domains: due(4) });
    t.registrar.faults.afterSubmit = () => {
      throw new AmbiguousOutcomeError('socket hang up after the request was sent');
    };
    const run = await t.renew();
    expect(run.summary.unknown).toBe(4);
    t.registrar.faults = {};
    expect((await t.renew()).summary.submitted).toBe(0);
    expect((await t.check()).adopted).toBe(0);
    t.advance('25m');
    // The tasks finished long ago (2 min of simulated time): adopted and confirmed in one run.
    expect(await t.check()).toMatchObject({ adopted: 1, renewed: 4, unknown: 0 });
    expect(await t.ledger.listOpenBatches()).toEqual([]);
    expect(t.registrar.submissions()).toHaveLength(4);
    expect(duplicates(t)).toEqual([]);
  });
});

describe('what the ledger-held budgets hold back is named to people', () => {
  test("a domain held back by today's domain budget (used by an earlier run) is a deferred line with the fix", async () => {
    const { executeRenew } = await import('../../lib/jobs');
    const t = await given({ domains: ['early.com+5d'], policy: { limits: { maxDomainsPerRun: 1 } } });
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r1' });
    // A second domain comes due the same UTC day: the plan allows it, the day's budget does not.
    t.registrar.domains.set('late.com', { domainName: 'late.com', expiresAtMs: t.clock.now() + 36 * 3_600_000 });
    const run = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r2' });
    expect([run.summary.submitted, run.summary.overBudget]).toEqual([0, 1]);
    expect(run.heldBack.map((h) => [h.decision.domain.domainName, h.limitedBy])).toEqual([['late.com', 'day-count']]);
    const digest = t.notifier.sent.at(-1);
    expect(digest?.email).toMatch(
      /late\.com: .*reason: not bought this run: today's domain budget \(limits\.maxDomainsPerRun/,
    );
    expect(digest?.email).toContain('overBudget 1');
    expect(digest?.severity).toBe('alert');
  });
});
