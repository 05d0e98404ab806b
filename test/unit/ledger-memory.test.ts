import { describeLedgerContract } from '../helpers/ledger-contract';
import { createMemoryLedger, MemoryLedgerStore } from '../helpers/memory-ledger';

// The same contract as dynalite and DynamoDB Local (test/integration/ledger-*.test.ts), so the fake cannot drift.
describeLedgerContract('memory fake (test/helpers/memory-ledger.ts)', {
  async fresh() {
    const store = new MemoryLedgerStore();
    return { createLedger: (options = {}) => createMemoryLedger({ store, ...options }) };
  },
});

describe('memory fake: beyond the contract', () => {
  const T0 = Date.UTC(2030, 0, 1);
  const request = { domain: 'Copy.example', expiryMs: T0, batchId: 'b1', attemptId: 'a1', years: 1, nowMs: T0 };

  test('nothing handed in or out is shared with the store (deep copies)', async () => {
    const ledger = createMemoryLedger();
    const result = await ledger.claim({ ...request, maxAttempts: 3 });
    if (!result.ok) throw new Error('unreachable');
    result.claim.status = 'RENEWED';
    result.claim.previousTaskNos = ['T-x'];
    expect((await ledger.getClaims([request]))[0]).toMatchObject({ status: 'CLAIMED', domain: 'copy.example' });

    const intent = {
      batchId: 'b1',
      runId: 'r',
      attemptId: 'a1',
      status: 'INTENT' as const,
      createdAtMs: T0,
      updatedAtMs: T0,
      entries: [{ domain: 'copy.example', expiryMs: T0, years: 1, permitPremium: false }],
      pendingNotices: [],
      sentNotices: [],
    };
    const stored = await ledger.putBatchIntent(intent);
    intent.entries[0]!.years = 9;
    stored.entries[0]!.years = 8;
    stored.pendingNotices.push('stuck');
    const read = await ledger.getBatch('b1');
    expect(read?.entries[0]?.years).toBe(1);
    expect(read?.pendingNotices).toEqual([]);
  });

  test('ledgers over one store see each other; the fault hook fails an operation without writing', async () => {
    const store = new MemoryLedgerStore();
    const failing = createMemoryLedger({
      store,
      before: (op) => {
        if (op === 'saveClaim') throw new Error('injected');
      },
    });
    const result = await failing.claim({ ...request, maxAttempts: 3 });
    if (!result.ok) throw new Error('unreachable');
    await expect(failing.saveClaim({ ...result.claim, status: 'SUBMITTED' })).rejects.toThrow('injected');
    const other = createMemoryLedger({ store });
    expect((await other.getClaims([request]))[0]).toStrictEqual(result.claim);
  });
});
