import type { Ledger } from '../../lib/ledger/port';

/**
 * Records a finished renew run in `ledger` (the account's keyspace), as a renew run using this ledger does: `hold`
 * confirms a veto only in a ledger some renew run reads (lib/commands/hold.ts).
 * @param atMs when it ran, epoch ms (UTC)
 */
export async function recordRenewRun(ledger: Ledger, atMs = Date.UTC(2026, 10, 28)): Promise<void> {
  await ledger.recordRun({
    job: 'renew',
    runId: 'earlier-renew',
    startedAtMs: atMs,
    finishedAtMs: atMs + 1,
    ok: true,
    summary: {},
  });
}
