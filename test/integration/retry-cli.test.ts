import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { needsReset, resetForRetry } from '../../lib/commands/retry';
import type { Claim, Ledger } from '../../lib/ledger/port';
import { runCliInProcess, runCliProcess } from '../helpers/cli-process';
import { withEmbeddedLedger } from '../helpers/embedded-ledger';
import { recordRenewRun } from '../helpers/run-records';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// `autorenew retry` (issue 14, a way out of max-attempts) on an embedded ledger. The retry of named domains runs
// the real binary; the other commands run in process through runCli (the entry point bin/autorenew.js calls), a
// subprocess start-up cheaper each.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const EXPIRY = Date.UTC(2026, 0, 10);
const NOW = Date.UTC(2026, 0, 1);

describe('autorenew retry', () => {
  let dir: string;
  const env = () => ({ AUTORENEW_LEDGER_DIR: join(dir, 'ledger') });

  const withLedger = <T>(fn: (l: Ledger) => Promise<T>) => withEmbeddedLedger(env(), fn);

  async function seed(domain: string, status: Claim['status'], attempts: number) {
    await withLedger(async (ledger) => {
      const r = await ledger.claim({
        domain,
        expiryMs: EXPIRY,
        batchId: `b-${domain}`,
        attemptId: 'a1',
        years: 1,
        nowMs: NOW,
        maxAttempts: 3,
      });
      if (!r.ok) throw new Error('seed claim refused');
      if (status !== 'CLAIMED') {
        await ledger.saveClaim({
          ...r.claim,
          status,
          attempts,
          ...(status === 'FAILED' ? { nextEligibleAtMs: NOW + 86_400_000, message: 'Insufficient balance' } : {}),
        });
      }
    });
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'autorenew-retry-'));
    // The ledger the renew runs use (the read commands warn about one in which no renew run is recorded).
    await withLedger((l) => recordRenewRun(l));
    await seed('stuck.com', 'FAILED', 3);
    await seed('busy.com', 'CLAIMED', 0);
    await seed('other.net', 'FAILED', 2);
    await withLedger((ledger) =>
      ledger
        .putBatchIntent({
          batchId: 'b-other.net',
          runId: 'r',
          attemptId: 'a1',
          status: 'CLOSED',
          createdAtMs: NOW,
          updatedAtMs: NOW,
          entries: [{ domain: 'other.net', expiryMs: EXPIRY, years: 1, permitPremium: false, outcome: 'FAILED' }],
          pendingNotices: [],
          sentNotices: [],
        } as never)
        .then(() => undefined),
    );
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('status <domain> shows its whole history, and names retry for a failed one', async () => {
    // One run at a time: the embedded ledger is held by one opener.
    const other = await runCliInProcess(['status', 'Other.NET'], env());
    const none = await runCliInProcess(['status', 'nobody.org'], env());
    expect(other.stderr).toBe('');
    expect(other.code).toBe(EXIT.ok);
    expect(other.stdout.split('\n')).toEqual([
      'other.net: 1 renewal(s) recorded',
      expect.stringMatching(
        /^ {2}expiry 2026-01-10 \+1y: FAILED, 2 failed attempt\(s\), retry after 2026-01-02T00:00:00\.000Z; claimed 2026-01-01T/,
      ),
      '    last failure: Insufficient balance',
      '    batch b-other.net: CLOSED, 1 domain(s), run r, outcome FAILED',
      '    notices sent: none; pending: none',
      'after fixing the cause of the failure: autorenew retry other.net',
      '',
    ]);
    expect(none.stdout).toBe('nobody.org: no renewal recorded in this ledger\n');
    // A name that is no domain is refused, as hold and retry refuse it: "no renewal recorded" read as an answer.
    for (const name of ['other..net', 'not a domain']) {
      const wrong = await runCliInProcess(['status', name], env());
      expect({ name, code: wrong.code }).toEqual({ name, code: EXIT.invalidInput });
      expect(wrong.stderr).toContain(`${JSON.stringify(name)} is not a domain name`);
    }
  });

  it('clears attempts and backoff of a FAILED claim; leaves a live claim alone', async () => {
    const run = await runCliProcess(['retry', 'STUCK.com', 'busy.com'], env());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout.split('\n')).toEqual([
      'stuck.com (expiry 2026-01-10): 3 failed attempt(s) cleared, backoff cleared; last failure: Insufficient balance',
      'busy.com: nothing to retry (a renewal is CLAIMED: the check job settles it)',
      'retry: 1 renewal(s) cleared; the next renew run tries them again if still due',
      '',
    ]);
    const [stuck, busy] = await withLedger((l) =>
      l.getClaims([
        { domain: 'stuck.com', expiryMs: EXPIRY },
        { domain: 'busy.com', expiryMs: EXPIRY },
      ]),
    ).then((cs) => [cs.find((c) => c.domain === 'stuck.com'), cs.find((c) => c.domain === 'busy.com')]);
    expect(stuck).toMatchObject({ status: 'FAILED', attempts: 0, message: 'Insufficient balance' });
    expect(stuck?.nextEligibleAtMs).toBeUndefined();
    expect(busy).toMatchObject({ status: 'CLAIMED' });
  });

  it('--all-failed finds failed domains from recent batches; bad usage exits 1', async () => {
    const all = await runCliInProcess(['retry', '--all-failed'], env());
    expect(all.code).toBe(EXIT.ok);
    expect(all.stdout).toContain('other.net (expiry 2026-01-10): 2 failed attempt(s) cleared');
    expect(all.stdout).toContain('retry: 1 renewal(s) cleared');
    const bad = await runCliInProcess(['retry'], env());
    expect(bad.code).toBe(EXIT.invalidInput);
    expect(bad.stderr).toMatch(/^autorenew retry: name domains or give --all-failed/);
    // A name that is no domain (a trailing dot, a space) is refused before anything is read or written, as hold
    // refuses it; it said "nothing to retry (no renewal recorded)" and exited 0 (review 2026-12-04).
    for (const name of ['stuck..com', 'not a domain']) {
      const wrong = await runCliInProcess(['retry', 'other.net', name], env());
      expect({ name, code: wrong.code }).toEqual({ name, code: EXIT.invalidInput });
      expect(wrong.stderr).toContain(`${JSON.stringify(name)} is not a domain name`);
      expect(wrong.stdout).toBe('');
    }
  });

  it('the reset is FAILED-only; one the registrar showed renewed all the same only for a named domain', () => {
    const claim = { domain: 'x.com', status: 'RENEWED', attempts: 1 } as Claim;
    expect(needsReset(claim)).toBe(false);
    const done = { domain: 'x.com', status: 'FAILED', attempts: 0, nextEligibleAtMs: NOW, code: 'renewed-elsewhere' };
    expect(needsReset(done as Claim)).toBe(false); // --all-failed
    expect(needsReset(done as Claim, true)).toBe(true); // named: a person looked
    expect(resetForRetry(done as Claim, NOW)).toMatchObject({
      code: 'task-failed',
      attempts: 0,
      message: expect.stringMatching(/^reset by hand \(autorenew retry\); before: /),
    });
    expect(resetForRetry(done as Claim, NOW).nextEligibleAtMs).toBeUndefined();
    expect(needsReset({ ...done, code: 'task-failed' } as Claim)).toBe(true);
    expect(() => resetForRetry(claim, NOW)).toThrow(/only a FAILED claim/);
  });

  (existsSync('/proc/self') ? it : it.skip)(
    'a ledger directory that cannot be made fails at once, naming it',
    async () => {
      const run = await runCliInProcess(['unhold', 'x.com'], { AUTORENEW_LEDGER_DIR: '/proc/autorenew-ledger' });
      expect(run.code).toBe(EXIT.invalidInput);
      // unhold creates no ledger where there is none (review 2026-12-06): refused before opening it.
      expect(run.stderr).toMatch(
        /^autorenew unhold: no ledger at \/proc\/autorenew-ledger: unhold reads the ledger the renew runs use .*nothing was read or written\n$/,
      );
    },
  );
});
