import { createAccountsRoom, runAccounts } from '../../lib/jobs/accounts';
import { createLogger } from '../../lib/log';
import { runRenew } from '../../lib/renewal/run-renew';
import { given } from '../helpers/builder';
import { createMemoryLedger, MemoryLedgerStore } from '../helpers/memory-ledger';
import { createCapturingNotifier } from '../helpers/world';

/**
 * Two accounts of one run list shared.com at the same expiry (two RAM users of one Alibaba account). The room hands
 * the key to the first account that takes it; the other drops it (dropTakenInRun). docs/design.md (Accounts, "One
 * (domain, expiry) per run"): "the entries another account took are left out of the order, their budget given back
 * and their claims released ... counted as conflicts".
 */
describe('the account that leaves a domain to another account of its run (review 2026-12-06)', () => {
  test('counts it as a conflict and does not log it as held by a person', async () => {
    const t = await given({ domains: ['shared.com+5d'], rejectStaleExpiry: false });
    const store = new MemoryLedgerStore();
    const ledgers = { a: createMemoryLedger({ store, account: 'a' }), b: createMemoryLedger({ store, account: 'b' }) };
    const logs: Record<string, string[]> = { a: [], b: [] };
    const room = createAccountsRoom({
      job: 'renew',
      runId: 'r1',
      labels: ['a', 'b'],
      primary: createCapturingNotifier(),
      log: createLogger({ sink: () => {} }),
    });
    const results = await runAccounts(room, 'r1', [{ label: 'a' }, { label: 'b' }], async ({ label }) => {
      const l = label as 'a' | 'b';
      const take = room.claimsFor(l);
      return runRenew(
        t.deps({
          ledger: ledgers[l],
          log: createLogger({ level: 'debug', sink: (line) => logs[l]?.push(line) }),
          ...(take ? { runClaims: take } : {}),
        }),
        { policy: t.policy, dryRun: false, runId: 'r1' },
      );
    });
    // M1 holds: one purchase.
    expect(t.registrar.submissions()).toHaveLength(1);
    const summaries = results.map((r) => (r.ok ? r.value.summary : undefined));
    const loserIndex = summaries.findIndex((s) => s?.submitted === 0);
    expect(loserIndex).toBeGreaterThanOrEqual(0);
    const loser = summaries[loserIndex];
    const loserLogs = logs[loserIndex === 0 ? 'a' : 'b'] ?? [];
    // The design says the dropped entry is counted as a conflict; and the operator is not told a person held it.
    const heldLines = loserLogs.filter((l) => l.includes('held by a person')).map((l) => JSON.parse(l).msg);
    expect({ conflicts: loser?.conflicts, heldLines }).toEqual({ conflicts: 1, heldLines: [] });
  });
});
