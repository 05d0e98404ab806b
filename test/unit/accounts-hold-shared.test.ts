import { peerClaimsOf, peerHoldsOf } from '../../lib/compose/accounts';
import { executeRenew } from '../../lib/jobs';
import { createAccountsRoom, runAccounts } from '../../lib/jobs/accounts';
import { createLogger } from '../../lib/log';
import { given } from '../helpers/builder';
import { createMemoryLedger, MemoryLedgerStore } from '../helpers/memory-ledger';
import { createCapturingNotifier } from '../helpers/world';

/**
 * Two accounts of one deployment list shared.com at the same expiry (two RAM users of one Alibaba account, the case
 * docs/design.md "Several accounts" names: "both list the same domains at the same expiries, and the next two points
 * keep them from buying one twice"). A person vetoes the renewal with `autorenew hold shared.com --account a` (hold
 * refuses several accounts without --account, so the person must pick one), and the command confirms "the renew job
 * will not buy them". Account b never reads a's holds (plan-listing.ts readActiveHolds and submit-batch.ts
 * dropHeldSincePlan read the account's own keyspace only; peerClaims reads only claims), so b buys the held domain.
 */
describe('a hold written in one account, the same domain listed by another account (review 2026-12-06)', () => {
  test('held shared.com is not bought by the other account', async () => {
    const t = await given({ domains: ['shared.com+5d', 'own.com+5d'], rejectStaleExpiry: false });
    const store = new MemoryLedgerStore();
    const ledgers = { a: createMemoryLedger({ store, account: 'a' }), b: createMemoryLedger({ store, account: 'b' }) };
    // `autorenew hold shared.com --account a --reason "transferring out"`
    await ledgers.a.putHold({ domain: 'shared.com', reason: 'transferring out', createdAtMs: t.clock.now() });
    const primary = createCapturingNotifier();
    const room = createAccountsRoom({
      job: 'renew',
      runId: 'r1',
      labels: ['a', 'b'],
      primary,
      log: createLogger({ sink: () => {} }),
    });
    const results = await runAccounts(room, 'r1', [{ label: 'a' }, { label: 'b' }], async ({ label }) => {
      const l = label as 'a' | 'b';
      const take = room.claimsFor(l);
      return executeRenew(
        t.deps({
          ledger: ledgers[l],
          notifier: room.notifierFor(l),
          peerClaims: peerClaimsOf([l === 'a' ? ledgers.b : ledgers.a]),
          peerHolds: peerHoldsOf([l === 'a' ? ledgers.b : ledgers.a]),
          ...(take ? { takeRunClaims: take } : {}),
        }),
        { policy: t.policy, dryRun: false, runId: 'r1' },
      );
    });
    const reasons = results.map((r) =>
      r.ok
        ? `${r.label}: ${r.value.plan.decisions.find((d) => d.domain.domainName === 'shared.com')?.reason}`
        : r.label,
    );
    const bought = t.registrar.submissions().map((s) => s.domainName);
    expect({ reasons, sharedBought: bought.filter((d) => d === 'shared.com').length }).toEqual({
      reasons: ['a: held', 'b: held'],
      sharedBought: 0,
    });
  });
});
