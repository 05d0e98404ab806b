import { executeRenew } from '../../lib/jobs';
import type { Registrar } from '../../lib/registrar/port';
import { given } from '../helpers/builder';

/**
 * The weekly whole-account listing (lib/renewal/inventory.ts) runs after the purchases, in the renew function's
 * time: a registrar that answers it slowly (throttled, a large account) must not keep the run past its deadline, where
 * the digest of what it bought never goes out. It is given up at the time margin and tried again by the next run.
 * Time is jest's fake clock: remainingMs() is the deadline minus Date.now(); nothing sleeps for real.
 */
describe('a whole-account listing that does not answer in time', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  test('is given up at the margin: the run buys, reports and finishes before its deadline', async () => {
    const deadline = Date.now() + 900_000;
    const remainingMs = () => deadline - Date.now();
    const t = await given({ domains: ['due.com+1d', 'far.com+200d'] });
    const base = t.registrar;
    let whole = 0;
    const slowWhole: Registrar = {
      ...base,
      // The renew window's listing answers at once; the whole account's takes an hour.
      listDomains: (q) => {
        if (q.expiringToMs !== undefined) return base.listDomains(q);
        whole += 1;
        return new Promise((resolve, reject) => {
          setTimeout(() => base.listDomains(q).then(resolve, reject), 3_600_000);
        });
      },
    };
    let finished = false;
    let failed: unknown;
    void executeRenew(t.deps({ registrar: slowWhole, remainingMs }), { policy: t.policy, dryRun: false, runId: 'r1' })
      .catch((err: unknown) => {
        failed = err;
      })
      .finally(() => {
        finished = true;
      });
    while (remainingMs() > 0 && !finished) await jest.advanceTimersByTimeAsync(1_000);
    expect({ finished, failed }).toEqual({ finished: true, failed: undefined });
    expect(whole).toBe(1);
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['due.com']);
    expect(t.notifier.sent.at(-1)?.email).toContain('due.com');
    // Not stored: the next run lists the whole account again.
    expect(await t.ledger.readInventory()).toBeUndefined();
  });
});
