import { executeCheck, executeRenew } from '../../lib/jobs';
import type { Batch } from '../../lib/ledger/port';
import { runCheck } from '../../lib/renewal/check';
import { runRenew } from '../../lib/renewal/submit';
import { flakyLedger, strangeRegistrar } from '../helpers/faulty';
import { duplicateSubmissions, startWorld, type World } from '../helpers/world';

/**
 * Issue 12: money safety under PARTIAL faults — one write that fails while the next succeeds, a task that waits in
 * the registrar's queue, an answer nobody expected. Each test here failed on the code before the fix.
 */

const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MIN_MS = 60_000;
const SUBMIT = 'SaveBatchTaskForCreatingOrderRenew';

async function batches(world: World): Promise<Batch[]> {
  return world.ledger.listRecentBatches(100);
}

async function claimOf(world: World, domain: string, expiryMs: number) {
  return (await world.ledger.getClaims([{ domain, expiryMs }]))[0];
}

describe('issue 12: money safety under partial failure', () => {
  let world: World;
  afterEach(async () => world?.stop());

  describe('item 1: a transient claim write never orphans a claim', () => {
    it('a claim write that fails fails the step: the batch stays open and the next check finishes it', async () => {
      const expiry = NOW + 10 * DAY_MS;
      world = await startWorld({
        sandbox: { nowMs: NOW, fixture: { domains: [{ domainName: 'a.com', expiresAtMs: expiry }] } },
      });
      await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
      world.sandbox.setClock({ advanceMs: 5 * MIN_MS });
      const flaky = flakyLedger(world.ledger, { saveClaim: [1] });
      const first = await runCheck(world.deps({ ledger: flaky }), { policy: world.policy, runId: 'c1' });
      expect(flaky.failures).toBe(1);
      expect(first.errors).toBe(1);
      const [open] = await world.ledger.listOpenBatches();
      expect(open?.status).toBe('SUBMITTED');
      expect((await claimOf(world, 'a.com', expiry))?.status).toBe('CLAIMED');

      const second = await runCheck(world.deps(), { policy: world.policy, runId: 'c2' });
      expect(second.errors).toBe(0);
      expect((await claimOf(world, 'a.com', expiry))?.status).toBe('RENEWED');
      expect((await batches(world))[0]?.status).toBe('CLOSED');
    });

    it('check sweeps a live claim whose batch is closed, repairs it from the batch and alerts', async () => {
      const expiry = NOW + 10 * DAY_MS;
      world = await startWorld({
        sandbox: { nowMs: NOW, fixture: { domains: [{ domainName: 'a.com', expiresAtMs: expiry }] } },
      });
      await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
      world.sandbox.setClock({ advanceMs: 5 * MIN_MS });
      await runCheck(world.deps(), { policy: world.policy, runId: 'c1' });
      // The state an older version (or a hand edit) leaves: batch closed as renewed, claim still CLAIMED.
      const claim = await claimOf(world, 'a.com', expiry);
      if (!claim) throw new Error('no claim');
      await world.ledger.saveClaim({ ...claim, status: 'CLAIMED', newExpiryMs: undefined as never });
      world.notifier.sent.length = 0;

      const summary = await runCheck(world.deps(), { policy: world.policy, runId: 'c2' });
      expect(summary.orphaned).toBe(1);
      const repaired = await claimOf(world, 'a.com', expiry);
      expect(repaired?.status).toBe('RENEWED');
      const digest = world.notifier.sent.at(-1);
      expect(digest?.event).toBe('orphaned');
      expect(digest?.email).toContain('a.com');
      // Repaired once: the next check finds nothing to repair and says nothing.
      const again = await runCheck(world.deps(), { policy: world.policy, runId: 'c3' });
      expect(again.orphaned).toBe(0);
    });

    it('a live claim whose batch is missing is reconciled, not left in-flight for ever', async () => {
      const expiry = NOW + 10 * DAY_MS;
      world = await startWorld({
        sandbox: { nowMs: NOW, fixture: { domains: [{ domainName: 'a.com', expiresAtMs: expiry }] } },
      });
      const taken = await world.ledger.claim({
        domain: 'a.com',
        expiryMs: expiry,
        batchId: 'gone',
        attemptId: 'x/gone',
        years: 1,
        nowMs: NOW,
        maxAttempts: 3,
      });
      expect(taken.ok).toBe(true);
      const summary = await runCheck(world.deps(), { policy: world.policy, runId: 'c1' });
      expect(summary.orphaned).toBe(1);
      expect(world.notifier.sent.at(-1)?.event).toBe('orphaned');
      // Now held by a reconciliation batch that check owns: it will be settled by the release rule.
      const claim = await claimOf(world, 'a.com', expiry);
      const open = await world.ledger.listOpenBatches();
      expect(open.map((b) => b.batchId)).toContain(claim?.batchId);
      expect(claim?.status).toBe('UNKNOWN');
    });
  });

  describe('item 2: an unknown outcome is never released on a single read', () => {
    it('a queued task that the task list does not show yet is not bought twice', async () => {
      const expiry = NOW + 10 * DAY_MS;
      world = await startWorld({
        sandbox: {
          nowMs: NOW,
          taskMs: 3 * HOUR_MS, // the task waits in the queue for hours: the expiry stays unchanged meanwhile
          fixture: { domains: [{ domainName: 'a.com', expiresAtMs: expiry }] },
          faults: { loseRate: 1, actions: [SUBMIT] },
        },
      });
      let hidden = true;
      const registrar = strangeRegistrar(world.registrar, { hideTasks: () => hidden });
      const deps = () => world.deps({ registrar });
      await runRenew(deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
      world.sandbox.setFaults({});
      for (let i = 0; i < 4; i++) {
        world.sandbox.setClock({ advanceMs: 25 * MIN_MS });
        await runCheck(deps(), { policy: world.policy, runId: `c${i}` });
        await runRenew(deps(), { policy: world.policy, dryRun: false, runId: `r${i + 2}` });
      }
      expect(world.sandbox.state().submissions).toHaveLength(1);
      hidden = false;
      world.sandbox.setClock({ advanceMs: 6 * HOUR_MS });
      const check = await runCheck(deps(), { policy: world.policy, runId: 'late' });
      expect(check.adopted).toBe(1);
      await runCheck(deps(), { policy: world.policy, runId: 'late2' });
      expect((await claimOf(world, 'a.com', expiry))?.status).toBe('RENEWED');
      expect(duplicateSubmissions(world.sandbox)).toEqual([]);
      expect(world.sandbox.state().renewals).toHaveLength(1);
    });

    it('releases only after releaseAfterHours and two empty task-list reads at least 1 h apart', async () => {
      const expiry = NOW + 10 * DAY_MS;
      world = await startWorld({
        sandbox: {
          nowMs: NOW,
          fixture: { domains: [{ domainName: 'a.com', expiresAtMs: expiry }] },
          faults: { errorRate: 1, actions: [SUBMIT] }, // 503: ambiguous, and in fact never executed
        },
      });
      await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
      world.sandbox.setFaults({});
      const status = async () => (await claimOf(world, 'a.com', expiry))?.status;
      // Many reads, but all within the first day: no release.
      for (let i = 0; i < 5; i++) {
        world.sandbox.setClock({ advanceMs: 4 * HOUR_MS });
        await runCheck(world.deps(), { policy: world.policy, runId: `c${i}` });
        expect(await status()).toBe('UNKNOWN');
      }
      // 24 h passed, but only one read since the last: still, the earlier reads count once they are 1 h apart.
      world.sandbox.setClock({ advanceMs: 5 * HOUR_MS });
      const released = await runCheck(world.deps(), { policy: world.policy, runId: 'c-day' });
      expect(released.released).toBe(1);
      expect(await status()).toBe('FAILED');
      // The person who got the "unknown" alert hears how it ended.
      const resolved = world.notifier.sent.find((m) => m.email.includes('Resolved'));
      expect(resolved?.email).toContain('a.com');
    });

    it('a single late read after 24 h is not enough', async () => {
      const expiry = NOW + 10 * DAY_MS;
      world = await startWorld({
        sandbox: {
          nowMs: NOW,
          fixture: { domains: [{ domainName: 'a.com', expiresAtMs: expiry }] },
          faults: { errorRate: 1, actions: [SUBMIT] },
        },
      });
      await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
      world.sandbox.setFaults({});
      world.sandbox.setClock({ advanceMs: 25 * HOUR_MS });
      const first = await runCheck(world.deps(), { policy: world.policy, runId: 'c1' });
      expect(first.released).toBe(0);
      world.sandbox.setClock({ advanceMs: 30 * MIN_MS });
      expect((await runCheck(world.deps(), { policy: world.policy, runId: 'c2' })).released).toBe(0);
      world.sandbox.setClock({ advanceMs: 31 * MIN_MS });
      expect((await runCheck(world.deps(), { policy: world.policy, runId: 'c3' })).released).toBe(1);
    });

    it('a domain that would lapse before release is allowed is an SMS alert naming it, not a release', async () => {
      const expiry = NOW + 10 * HOUR_MS;
      world = await startWorld({
        sandbox: {
          nowMs: NOW,
          fixture: { domains: [{ domainName: 'soon.com', expiresAtMs: expiry }] },
          faults: { errorRate: 1, actions: [SUBMIT] },
        },
      });
      await executeRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
      world.sandbox.setFaults({});
      world.sandbox.setClock({ advanceMs: 25 * MIN_MS });
      await executeCheck(world.deps(), { policy: world.policy, runId: 'c1' }).catch(() => {});
      const alert = world.notifier.sent.find((m) => m.event === 'will-lapse');
      expect(alert?.severity).toBe('alert');
      expect(alert?.sms).toContain('soon.com');
      expect((await claimOf(world, 'soon.com', expiry))?.status).toBe('UNKNOWN');
    });
  });

  describe('item 3: adoption never takes an older task', () => {
    it('an earlier successful task of the same domain is not adopted for the next unknown submit', async () => {
      // Expired 20 days ago (inside the grace period): once renewed for a year it is due again at once.
      const expiry = NOW - 20 * DAY_MS;
      world = await startWorld({
        sandbox: { nowMs: NOW, fixture: { domains: [{ domainName: 'a.com', expiresAtMs: expiry }] } },
        policy: { window: { daysBeforeExpiry: 365, daysAfterExpiry: 30 }, limits: { maxYearsAhead: 2 } },
      });
      await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
      world.sandbox.setClock({ advanceMs: 5 * MIN_MS });
      await runCheck(world.deps(), { policy: world.policy, runId: 'c1' });
      const first = await claimOf(world, 'a.com', expiry);
      expect(first?.status).toBe('RENEWED');
      const oldTask = first?.taskNo;

      world.sandbox.setFaults({ errorRate: 1, actions: [SUBMIT] });
      await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r2' });
      world.sandbox.setFaults({});
      world.sandbox.setClock({ advanceMs: 25 * MIN_MS });
      const check = await runCheck(world.deps(), { policy: world.policy, runId: 'c2' });
      expect(check.adopted).toBe(0);
      const second = (await batches(world)).find((b) => b.runId === 'r2');
      expect(second?.taskNo).toBeUndefined();
      expect(second?.taskNo).not.toBe(oldTask);
    });
  });

  describe('item 4: only old + years (±2 days) is "renewed"', () => {
    it('a look-up that reports the expiry truncated to the day is not a renewal', async () => {
      const expiry = NOW + 5 * DAY_MS + 7 * HOUR_MS;
      world = await startWorld({
        sandbox: {
          nowMs: NOW,
          fixture: { domains: [{ domainName: 'a.com', expiresAtMs: expiry }] },
          faults: { errorRate: 1, actions: [SUBMIT] },
        },
      });
      const registrar = strangeRegistrar(world.registrar, { truncateLookups: true });
      await runRenew(world.deps({ registrar }), { policy: world.policy, dryRun: false, runId: 'r1' });
      world.sandbox.setFaults({});
      for (const advance of [25 * MIN_MS, 2 * HOUR_MS, 23 * HOUR_MS]) {
        world.sandbox.setClock({ advanceMs: advance });
        await executeCheck(world.deps({ registrar }), { policy: world.policy, runId: `c${advance}` }).catch(() => {});
      }
      const claim = await claimOf(world, 'a.com', expiry);
      expect(claim?.status).not.toBe('RENEWED');
      expect(world.sandbox.state().renewals).toHaveLength(0);
      const moved = world.notifier.sent.find((m) => m.event === 'expiry-moved');
      expect(moved?.email).toContain('a.com');
      expect(world.notifier.sent.some((m) => /renewed to/i.test(m.email) && m.email.includes('a.com'))).toBe(false);
    });
  });

  describe('item 6: a due domain the planner will not buy gets a will-lapse notice', () => {
    it('a premium domain 5 days before expiry: SMS alert once per threshold', async () => {
      const expiry = NOW + 5 * DAY_MS + 3 * HOUR_MS;
      world = await startWorld({
        sandbox: {
          nowMs: NOW,
          fixture: { domains: [{ domainName: 'prem.com', expiresAtMs: expiry, premium: true }] },
        },
      });
      await executeRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
      const first = world.notifier.sent.at(-1);
      expect(first?.event).toBe('will-lapse');
      expect(first?.severity).toBe('alert');
      expect(first?.email).toContain('prem.com');
      expect(first?.email).toContain('5 days left');
      expect(first?.email).toMatch(/premium/);
      const count = world.notifier.sent.length;
      world.sandbox.setClock({ advanceMs: HOUR_MS });
      await executeRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r2' });
      expect(world.notifier.sent).toHaveLength(count);
      world.sandbox.setClock({ advanceMs: 3 * DAY_MS });
      await executeRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r3' });
      expect(world.notifier.sent).toHaveLength(count + 1);
      expect(world.notifier.sent.at(-1)?.email).toContain('2 days left');
    });
  });

  describe('item 7: maxDomainsPerRun holds across overlapping runs', () => {
    it('two runs of the same day buy at most the cap together', async () => {
      world = await startWorld({
        sandbox: {
          nowMs: NOW,
          fixture: {
            domains: Array.from({ length: 10 }, (_, i) => ({
              domainName: `d${i}.com`,
              expiresAtMs: NOW + (5 + i) * DAY_MS,
            })),
          },
        },
        policy: { limits: { maxDomainsPerRun: 4 } },
      });
      await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
      world.sandbox.setClock({ advanceMs: 250 });
      await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r2' });
      const submitted = world.sandbox.state().submissions.length;
      expect(submitted).toBe(4);
      // The next UTC day has a fresh budget.
      world.sandbox.setClock({ advanceMs: DAY_MS });
      await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r3' });
      expect(world.sandbox.state().submissions.length).toBe(8);
    });
  });
});
