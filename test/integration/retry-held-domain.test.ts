import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import type { Ledger } from '../../lib/ledger/port';
import { runCliInProcess } from '../helpers/cli-process';
import { withEmbeddedLedger } from '../helpers/embedded-ledger';
import { recordRenewRun } from '../helpers/run-records';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review 2026-12-07 (thirty-first session), operator commands: `autorenew retry <domain>` of a domain that is also held says "1 renewal(s) cleared; the
// next renew run tries them again if still due", exit 0. The next renew run plans it `held` and buys nothing: the
// person who fixed the cause (balance) and asked for the renewal is told it will happen, and the domain lapses
// behind a hold they forgot (an open-ended hold, put on while a transfer was considered). retry already names what
// else keeps the renewal back (another account's failure: describePeerFailures); an active hold is not named.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const EXPIRY = Date.UTC(2026, 0, 10);
const NOW = Date.UTC(2026, 0, 1);

describe('retry of a held domain', () => {
  let dir: string;
  const env = () => ({ AUTORENEW_LEDGER_DIR: join(dir, 'ledger') });
  const withLedger = <T>(fn: (l: Ledger) => Promise<T>) => withEmbeddedLedger(env(), fn);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'autorenew-retry-held-'));
    await withLedger(async (ledger) => {
      await recordRenewRun(ledger);
      const r = await ledger.claim({
        domain: 'held.com',
        expiryMs: EXPIRY,
        batchId: 'b-held',
        attemptId: 'a1',
        years: 1,
        nowMs: NOW,
        maxAttempts: 3,
      });
      if (!r.ok) throw new Error('seed claim refused');
      await ledger.saveClaim({
        ...r.claim,
        status: 'FAILED',
        attempts: 3,
        nextEligibleAtMs: NOW + 86_400_000,
        code: 'task-failed',
        message: 'Insufficient balance',
      });
      // A hold with no end, made earlier (no --until): it lasts until unhold.
      await ledger.putHolds([{ domain: 'held.com', reason: 'maybe transfer out', createdAtMs: NOW - 30 * 86_400_000 }]);
    });
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('names the hold that keeps the cleared renewal from being bought', async () => {
    const run = await runCliInProcess(['retry', 'held.com'], env());
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toContain('held.com (expiry 2026-01-10): 3 failed attempt(s) cleared');
    // The fix: say it, with the command that lifts it (as describePeerFailures does for another account's failure).
    expect(run.stdout).toMatch(/held\.com: .*held.*autorenew unhold held\.com/);
  });
});
