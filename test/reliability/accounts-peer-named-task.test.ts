import { peerClaimsOf } from '../../lib/compose/accounts';
import { AmbiguousOutcomeError } from '../../lib/errors';
import type { Ledger } from '../../lib/ledger/port';
import type { Registrar } from '../../lib/registrar/port';
import { renewInRoom } from '../helpers/accounts-room';
import { given } from '../helpers/builder';
import { slowQuotes } from '../helpers/faulty';
import { createMemoryLedger, MemoryLedgerStore } from '../helpers/memory-ledger';
import { createCapturingNotifier } from '../helpers/world';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Two keys of one Alibaba account (accounts a and b of one deployment) list x.com. Day 1 b's order (task Tb) fails
 * at the registrar (its balance); b's check records the failure. Day 2, after the backoff, a is first in the room and
 * retries; its paid call executes (task Ta, queued for 60 h, shown in the task list after 50 h) but is answered with
 * an error naming Tb, the earlier attempt's task: the case paid-error-names-older-task.test.ts fixed within one
 * account (`known-tasks.ts readKnownElsewhere`). That guard reads only a's own keyspace, where Tb is unknown: a's
 * check adopts Tb, reads its failed row and records a's attempt FAILED while Ta still waits; the next daily run then
 * orders the same (domain, expiry) a third time. Two orders the registrar never reported failed (M1), and a's batch
 * carries another account's TaskNo (M2: Ta is never recorded).
 */
test("a paid-call error naming another account's earlier task is not adopted; x.com is not ordered again while a's own task waits", async () => {
  const t = await given({ domains: [], rejectStaleExpiry: false });
  const expiry = t.clock.now() + 10 * DAY;
  t.registrar.domains.set('x.com', { domainName: 'x.com', expiresAtMs: expiry });
  const store = new MemoryLedgerStore();
  const ledgers: Record<'a' | 'b', Ledger> = {
    a: createMemoryLedger({ store, account: 'a' }),
    b: createMemoryLedger({ store, account: 'b' }),
  };
  const primary = createCapturingNotifier();

  // Day 1: b first in the room; its order fails at the registrar.
  t.registrar.faults.failDomain = () => 'The account balance is insufficient.';
  await renewInRoom(
    { t, ledgers, registrars: { a: slowQuotes(t.registrar), b: t.registrar } },
    { runId: 'r1', labels: ['a', 'b'], primary },
  );
  const [tb] = t.registrar.submissions();
  expect(tb?.domainName).toBe('x.com');
  t.advance('1h');
  await t.check({ deps: { ledger: ledgers.b, peerClaims: peerClaimsOf([ledgers.a]) } });
  expect((await ledgers.b.getClaims([{ domain: 'x.com', expiryMs: expiry }]))[0]?.status).toBe('FAILED');

  // Day 2: topped up; new tasks wait in the queue. a is first in the room; its paid call runs, the answer names Tb.
  delete t.registrar.faults.failDomain;
  t.registrar.faults.queueMs = () => 60 * HOUR;
  t.registrar.faults.listLagMs = () => 50 * HOUR;
  const aRegistrar: Registrar = {
    ...t.registrar,
    submitRenewBatch: async (request) => {
      await t.registrar.submitRenewBatch(request);
      throw new AmbiguousOutcomeError('SaveBatchTaskForCreatingOrderRenew: InternalError (HTTP 500)', {
        taskNo: tb?.taskNo as string,
        httpStatus: 500,
      });
    },
  };
  t.advance('23h');
  await renewInRoom(
    { t, ledgers, registrars: { a: aRegistrar, b: slowQuotes(t.registrar) } },
    { runId: 'r2', labels: ['a', 'b'], primary },
  );
  expect(t.registrar.submissions()).toHaveLength(2); // Tb (failed) and Ta (queued)

  // Hourly checks of both accounts for a day, then the next daily run.
  for (let h = 1; h <= 24; h++) {
    t.advance('1h');
    await t.check({ deps: { ledger: ledgers.a, peerClaims: peerClaimsOf([ledgers.b]) } });
    await t.check({ deps: { ledger: ledgers.b, peerClaims: peerClaimsOf([ledgers.a]) } });
  }
  await renewInRoom(
    { t, ledgers, registrars: { a: t.registrar, b: slowQuotes(t.registrar) } },
    { runId: 'r3', labels: ['a', 'b'], primary },
  );
  const [aClaim] = await ledgers.a.getClaims([{ domain: 'x.com', expiryMs: expiry }]);
  expect({ taskNo: aClaim?.taskNo, orders: t.registrar.submissions().length }).toEqual({
    taskNo: expect.not.stringMatching(tb?.taskNo as string),
    orders: 2,
  });
});
