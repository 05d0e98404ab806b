import { LedgerError } from '../../lib/errors';
import type { Ledger } from '../../lib/ledger/port';
import { isLive } from '../../lib/renewal/claims';
import { renewInRoom, sharedAndOwnOfB } from '../helpers/accounts-room';
import { given } from '../helpers/builder';
import { slowQuotes } from '../helpers/faulty';
import { createMemoryLedger, MemoryLedgerStore } from '../helpers/memory-ledger';
import { createCapturingNotifier } from '../helpers/world';

const HOUR = 3_600_000;

/**
 * Review 2026-12-06 (round 4, helper rvq). One run, two accounts (one room). Both list shared.com at one expiry
 * (10 h left); b also lists b1.com. a takes shared.com in the room and buys it; b's batch [shared.com, b1.com] leaves
 * shared.com to a (dropTakenInRun), then its pre-send peer read (dropClaimedByPeers) fails: one throttled read of
 * a's keyspace. That error was thrown outside the step that records what the batch left out (leftOutBefore), so the
 * run named every planned item of b's batch as not sent, shared.com included, and (10 h left) a will-lapse line told
 * a person to "renew it by hand" the domain a had bought minutes earlier: a second purchase. Every step before the
 * paid call now carries what the steps before it left out.
 */
test('b\'s pre-send peer read fails after the room left shared.com to a: b must not say "renew it by hand"', async () => {
  const t = await given({ domains: [], rejectStaleExpiry: false });
  const aRegistrar = sharedAndOwnOfB(t, t.clock.now() + 10 * HOUR);
  const store = new MemoryLedgerStore();
  const ledgers: Record<'a' | 'b', Ledger> = {
    a: createMemoryLedger({ store, account: 'a' }),
    b: createMemoryLedger({ store, account: 'b' }),
  };
  let failedReads = 0;
  const primary = createCapturingNotifier();
  const results = await renewInRoom(
    {
      t,
      ledgers,
      registrars: { a: aRegistrar, b: slowQuotes(t.registrar) },
      peerRead: (l, plain) =>
        l === 'a'
          ? plain
          : async (keys, whole) => {
              // b's planner read succeeds; the one made with b's own claims durable (before the paid call) fails.
              if ((await ledgers.b.getClaims(keys)).some(isLive)) {
                failedReads += 1;
                throw new LedgerError('ProvisionedThroughputExceededException (simulated, peer read)');
              }
              return plain(keys, whole);
            },
    },
    { runId: 'r1', labels: ['a', 'b'], primary },
  );
  const email = primary.sent.map((m) => m.email).join('\n');
  expect(failedReads).toBe(1);
  expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['shared.com']); // a bought it
  expect(results.find((r) => r.label === 'b')?.ok).toBe(false); // b fails loudly (its batch failed on our side)
  // b names b1.com as not sent, never shared.com, which a bought in this run.
  expect(email).toMatch(/b1\.com.*its batch failed on our side/);
  expect(
    email.split('\n').filter((line) => /shared\.com.*(its batch failed on our side|renew it by hand)/.test(line)),
  ).toEqual([]);
});
