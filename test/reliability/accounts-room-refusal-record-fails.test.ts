import { LedgerError, RejectedRetryableError } from '../../lib/errors';
import type { Ledger } from '../../lib/ledger/port';
import type { Registrar } from '../../lib/registrar/port';
import { renewInRoom, sharedAndOwnOfB } from '../helpers/accounts-room';
import { given } from '../helpers/builder';
import { slowQuotes } from '../helpers/faulty';
import { createMemoryLedger, MemoryLedgerStore } from '../helpers/memory-ledger';
import { createCapturingNotifier } from '../helpers/world';

const HOUR = 3_600_000;

/**
 * As accounts-room-winner-not-sent.test.ts: a takes shared.com (10 h left) first in the room; its paid call is
 * refused for a's key (Throttling.User, retries used up: proven not executed, 'not-submitted'). But a's ledger is
 * throttled too and the refusal's record (the batch closed) fails: handleSubmitError throws a LedgerError out of
 * sendEntries, where sendPrepared's catch sees `sending` true and keeps shared.com taken by a. b, reaching the room
 * after that, leaves it to a; nobody buys it (10 h left, next run tomorrow).
 */
test("a's refusal is proven but its record fails: shared.com goes back all the same, b buys it", async () => {
  const t = await given({ domains: [], rejectStaleExpiry: false });
  const aView = sharedAndOwnOfB(t, t.clock.now() + 10 * HOUR);
  const aRegistrar: Registrar = {
    ...aView,
    submitRenewBatch: async () => {
      throw new RejectedRetryableError(
        'SaveBatchTaskForCreatingOrderRenew failed: Throttling.User (HTTP 400). Tried 4 times; the request was refused before executing.',
        { code: 'Throttling.User' },
      );
    },
  };
  const store = new MemoryLedgerStore();
  const aBase = createMemoryLedger({ store, account: 'a' });
  let failedWrites = 0;
  const aLedger: Ledger = {
    ...aBase,
    saveBatch: async (batch) => {
      if (batch.status === 'CLOSED' && batch.error !== undefined) {
        failedWrites += 1;
        throw new LedgerError('ProvisionedThroughputExceededException (simulated, a keyspace)');
      }
      return aBase.saveBatch(batch);
    },
  };
  const ledgers = { a: aLedger, b: createMemoryLedger({ store, account: 'b' }) };
  const primary = createCapturingNotifier();
  await renewInRoom(
    { t, ledgers, registrars: { a: aRegistrar, b: slowQuotes(t.registrar) } },
    { runId: 'r1', labels: ['a', 'b'], primary },
  );
  expect({
    bought: t.registrar
      .submissions()
      .map((s) => s.domainName)
      .sort(),
    failedWrites,
  }).toEqual({ bought: ['b1.com', 'shared.com'], failedWrites: 1 });
});
