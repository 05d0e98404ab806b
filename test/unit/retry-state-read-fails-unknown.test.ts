import { AmbiguousOutcomeError, LedgerError } from '../../lib/errors';
import { executeCheck, executeRenew } from '../../lib/jobs';
import type { Ledger } from '../../lib/ledger/port';
import type { Registrar } from '../../lib/registrar/port';
import { given } from '../helpers/builder';
import { strangeRegistrar } from '../helpers/faulty';

/**
 * Thirty-first session's open list. Check's digest reads the claims of its failed and unknown lines (notices.ts
 * withRetryState); when that read fails, their batches stay pending so the next run tells them with their retry
 * state. An `unknown` line has no retry state to wait for (its advice: check settles it, "usually nothing"), yet its
 * batch stayed pending as well: while the read failed, every hourly check paged the same "outcome unknown" SMS again.
 */
describe('an unknown outcome whose claims cannot be read for hours', () => {
  test('is told once, not every hour', async () => {
    const t = await given({ domains: ['a.com+10d'] });
    // The paid call's answer is lost after the registrar queued it, and its task is not listed yet: unknown for hours.
    let hidden = true;
    const lossy: Registrar = {
      ...t.registrar,
      submitRenewBatch: async (request) => {
        await t.registrar.submitRenewBatch(request);
        throw new AmbiguousOutcomeError('the answer was lost (injected: connection reset)');
      },
    };
    const registrar = strangeRegistrar(lossy, { hideTasks: () => hidden, noDetails: () => hidden });
    let failing = false;
    let refused = 0;
    const inner = t.ledger as Ledger;
    const ledger: Ledger = {
      ...inner,
      // From the write that makes the outcome unknown on: the digest's read of the claims fails.
      saveBatch: async (batch, ...rest) => {
        const out = await inner.saveBatch(batch, ...rest);
        if (batch.pendingNotices.includes('unknown')) failing = true;
        return out;
      },
      getClaims: async (keys) => {
        if (failing) {
          refused++;
          throw new LedgerError('ledger getClaims failed (injected: throttled)');
        }
        return inner.getClaims(keys);
      },
    };
    await executeRenew(t.deps({ ledger, registrar }), { policy: t.policy, dryRun: false, runId: 'r1' }).catch(
      () => undefined,
    );
    const told: string[] = [];
    for (let h = 1; h <= 4; h++) {
      t.advance('1h');
      const before = t.notifier.sent.length;
      await executeCheck(t.deps({ ledger, registrar }), { policy: t.policy, runId: `c${h}` }).catch(() => undefined);
      for (const m of t.notifier.sent.slice(before)) {
        if (m.digest?.outcomes.some((o) => o.domain === 'a.com' && o.event === 'unknown')) told.push(`c${h}`);
      }
    }
    hidden = false;
    expect(refused).toBeGreaterThan(0);
    // Told by renew's own digest, once; never again by the hourly checks while the read fails.
    const byRenew = t.notifier.sent.some(
      (m) => m.digest?.job === 'renew' && m.digest.outcomes.some((o) => o.domain === 'a.com' && o.event === 'unknown'),
    );
    expect({ byRenew, byChecks: told }).toEqual({ byRenew: true, byChecks: [] });
  });
});
