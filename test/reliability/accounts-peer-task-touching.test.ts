import { peerClaimsOf } from '../../lib/compose/accounts';
import { AmbiguousOutcomeError } from '../../lib/errors';
import type { Ledger } from '../../lib/ledger/port';
import type { Registrar } from '../../lib/registrar/port';
import { renewInRoom } from '../helpers/accounts-room';
import { given } from '../helpers/builder';
import { slowQuotes } from '../helpers/faulty';
import { createMemoryLedger, MemoryLedgerStore } from '../helpers/memory-ledger';
import { createCapturingNotifier } from '../helpers/world';

const DAY = 24 * 3_600_000;

/**
 * Two keys of one Alibaba account (accounts a and b) list x.com; they share one cash balance, which is short. Day 1
 * the first buyer's order (task T1) fails at the registrar; check records it. Day 2, after the backoff, the retry's
 * paid call executes (task T2, which fails too: the balance is still short) but its answer is lost (a timeout:
 * unknown outcome). Reconcile ignores the tasks the ledger knows for the batch's domains (T1 is a known earlier
 * attempt) and adopts T2, the one task with exactly the batch's domains: the failure is recorded and retried.
 * When the day-1 buyer was the OTHER account, T1 is unknown to the retrying account's keyspace (reconcile and
 * known-tasks.ts read one keyspace), so T1 "touches" the batch: no adoption, ever; the batch stays open with a daily
 * `stuck` alert, its live claim holds x.com in both accounts (in flight), and no run retries it before it lapses
 * unless a person closes the batch by hand.
 */
async function retryAfterOthersFailure(who: 'same account' | 'other account') {
  const t = await given({ domains: [], rejectStaleExpiry: false });
  const expiry = t.clock.now() + 10 * DAY;
  t.registrar.domains.set('x.com', { domainName: 'x.com', expiresAtMs: expiry });
  t.registrar.faults.failDomain = () => 'The account balance is insufficient.';
  const store = new MemoryLedgerStore();
  const ledgers: Record<'a' | 'b', Ledger> = {
    a: createMemoryLedger({ store, account: 'a' }),
    b: createMemoryLedger({ store, account: 'b' }),
  };
  const primary = createCapturingNotifier();
  const first = who === 'same account' ? 'a' : 'b';
  const fast = (l: 'a' | 'b', r: Registrar) =>
    l === 'a' ? { a: r, b: slowQuotes(t.registrar) } : { a: slowQuotes(t.registrar), b: r };

  // Day 1: T1, failed.
  await renewInRoom({ t, ledgers, registrars: fast(first, t.registrar) }, { runId: 'r1', labels: ['a', 'b'], primary });
  t.advance('1h');
  await t.check({ deps: { ledger: ledgers[first] } });
  // Day 2: a retries; the order executes (T2, failing too) and its answer is lost.
  const lostAnswer: Registrar = {
    ...t.registrar,
    submitRenewBatch: async (request) => {
      await t.registrar.submitRenewBatch(request);
      throw new AmbiguousOutcomeError('SaveBatchTaskForCreatingOrderRenew: timed out after sending', {});
    },
  };
  t.advance('23h');
  await renewInRoom({ t, ledgers, registrars: fast('a', lostAnswer) }, { runId: 'r2', labels: ['a', 'b'], primary });
  expect(t.registrar.submissions()).toHaveLength(2);
  for (let h = 1; h <= 48; h++) {
    t.advance('1h');
    await t.check({ deps: { ledger: ledgers.a, peerClaims: peerClaimsOf([ledgers.b]) } });
    await t.check({ deps: { ledger: ledgers.b, peerClaims: peerClaimsOf([ledgers.a]) } });
  }
  const [claim] = await ledgers.a.getClaims([{ domain: 'x.com', expiryMs: expiry }]);
  return { status: claim?.status, open: (await ledgers.a.listOpenBatches()).map((b) => b.status) };
}

describe("a retry whose answer was lost, after the other key's failed order of the same domain", () => {
  test('control: the earlier failed task was the same account’s: the retry’s task is adopted and its failure recorded', async () => {
    expect(await retryAfterOthersFailure('same account')).toEqual({ status: 'FAILED', open: [] });
  });

  test('the earlier failed task was the other account’s: the retry’s task is adopted and its failure recorded', async () => {
    expect(await retryAfterOthersFailure('other account')).toEqual({ status: 'FAILED', open: [] });
  });
});
