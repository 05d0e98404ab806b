import { LedgerError } from '../../lib/errors';
import { executeCheck, executeRenew } from '../../lib/jobs';
import type { Ledger } from '../../lib/ledger/port';
import { given } from '../helpers/builder';

const HOUR = 3_600_000;

/**
 * Review 2026-12-07, twenty-ninth session. Check's digest reads the failed lines' claims to say where their retries stand (notices.ts withRetryState). A
 * failure whose retry comes after the domain's last buying moment gets `too-late` and an urgent look-first
 * will-lapse line. That read is best effort: when it fails once (a throttled BatchGetItem), the failed line goes out
 * with its generic advice ("failed renewals are retried by the next run after a backoff"), no will-lapse line, and
 * the `final` notice is marked sent with the failure `announced`: check never tells it again. The planner's own
 * `retry-too-late` line comes with the next daily renew run, after the domain left its window. Now the read is tried
 * twice, and when both fail the batch's notices stay pending, so the next check tells them with their retry state.
 */
/** a.com due in 20 h with no grace taken (its last buying moment: the expiry); its one order fails. */
async function failingOnceOnItsLastDay() {
  const t = await given({
    domains: ['a.com+20h'],
    policy: { window: { daysBeforeExpiry: 2, daysAfterExpiry: 0 } },
  });
  let fails = 1;
  t.registrar.faults.failDomain = () => (fails-- > 0 ? 'registry temporarily unavailable (test)' : undefined);
  return { t, expiry: t.expiry('a.com') as number };
}

describe('a too-late failure whose claim read fails once while its digest is rendered', () => {
  test('still reaches a person as will-lapse before the last buying moment', async () => {
    const { t, expiry } = await failingOnceOnItsLastDay();

    // One getClaims fails: the first one after check records the failure (the digest's read of the attempt counts).
    let armed = false;
    let tripped = false;
    const inner = t.ledger as Ledger;
    const ledger: Ledger = {
      ...inner,
      saveBatch: async (batch, ...rest) => {
        const out = await inner.saveBatch(batch, ...rest);
        if (!tripped && batch.pendingNotices.includes('final')) armed = true;
        return out;
      },
      getClaims: async (keys) => {
        if (armed && !tripped) {
          tripped = true;
          throw new LedgerError('ledger getClaims failed (injected: throttled)');
        }
        return inner.getClaims(keys);
      },
    };

    const start = t.clock.now();
    let n = 0;
    for (let h = 0; h <= 48; h++) {
      if (h % 24 === 0) {
        t.clock.set(start + h * HOUR);
        await executeRenew(t.deps({ ledger }), { policy: t.policy, dryRun: false, runId: `r${++n}` }).catch(
          () => undefined,
        );
      }
      t.clock.set(start + h * HOUR + 5 * 60_000);
      await executeCheck(t.deps({ ledger }), { policy: t.policy, runId: `c${++n}` }).catch(() => undefined);
    }
    expect(tripped).toBe(true);
    // Sanity: one attempt, failed; never bought again (the retry is too late).
    expect(t.registrar.submissions().filter((s) => s.domainName === 'a.com')).toHaveLength(1);
    const beforeExpiry = t.notifier.sent.filter((m) => (m.digest?.nowMs ?? 0) < expiry);
    const failed = beforeExpiry
      .flatMap((m) => m.digest?.outcomes ?? [])
      .filter((o) => o.domain === 'a.com' && o.event === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    const lapse = beforeExpiry
      .flatMap((m) => m.digest?.outcomes ?? [])
      .filter((o) => o.domain === 'a.com' && o.event === 'will-lapse');
    const email = beforeExpiry.map((m) => m.email).join('\n');
    // What a person read before the expiry: a promise of a retry that never comes.
    expect({ lapse: lapse.length, promisesRetry: /retried by the next run after a backoff/.test(email) }).toEqual({
      lapse: 1,
      promisesRetry: false,
    });
  });
});

describe('the attempt counts unread for a whole check run', () => {
  test('the failed line stays pending and the next check tells it with its urgent will-lapse line', async () => {
    const { t, expiry } = await failingOnceOnItsLastDay();
    // Every getClaims fails from the write that makes the failure final to the end of that check run.
    let state: 'waiting' | 'failing' | 'done' = 'waiting';
    let refused = 0;
    const stateNow = () => state; // set inside the ledger's methods
    const inner = t.ledger as Ledger;
    const ledger: Ledger = {
      ...inner,
      saveBatch: async (batch, ...rest) => {
        const out = await inner.saveBatch(batch, ...rest);
        if (state === 'waiting' && batch.pendingNotices.includes('final')) state = 'failing';
        return out;
      },
      getClaims: async (keys) => {
        if (state === 'failing') {
          refused++;
          throw new LedgerError('ledger getClaims failed (injected: throttled)');
        }
        return inner.getClaims(keys);
      },
    };
    await executeRenew(t.deps({ ledger }), { policy: t.policy, dryRun: false, runId: 'r1' });
    const digests: { run: string; failed: boolean; lapse: boolean }[] = [];
    for (let h = 1; h <= 6 && t.clock.now() < expiry; h++) {
      t.advance('1h');
      await executeCheck(t.deps({ ledger }), { policy: t.policy, runId: `c${h}` }).catch(() => undefined);
      const wasFailing = stateNow() === 'failing';
      if (wasFailing) state = 'done';
      const last = t.notifier.sent.at(-1);
      const lines = last?.digest?.outcomes.filter((o) => o.domain === 'a.com') ?? [];
      if (last && lines.length > 0) {
        digests.push({
          run: wasFailing ? 'unread' : 'read',
          failed: lines.some((o) => o.event === 'failed'),
          lapse: lines.some((o) => o.event === 'will-lapse' && o.urgent === true),
        });
      }
    }
    expect(refused).toBeGreaterThanOrEqual(2); // the read and its second try
    // Told while unread (nothing dropped), then again with its retry state and the urgent will-lapse line.
    expect(digests.slice(0, 2)).toEqual([
      { run: 'unread', failed: true, lapse: false },
      { run: 'read', failed: true, lapse: true },
    ]);
    const [batch] = await inner.listRecentBatches(1);
    expect(batch?.pendingNotices).toEqual([]);
  });
});
