import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peerClaimsOf } from '../../lib/compose/accounts';
import { openLedgerFromEnv } from '../../lib/ledger/embedded';
import type { Ledger } from '../../lib/ledger/port';
import { given } from '../helpers/builder';
import { runCliInProcess } from '../helpers/cli-process';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

/**
 * Review 2026-12-07. A domain pushed from account a to account b; a's claim of its expiry failed limits.maxAttempts
 * times. b's planner applies a's failure as its own (peer-claims.ts), so b says `max-attempts: needs a human`. With
 * several accounts retry needs --account; the person runs it for b, the account that now holds the domain: b's
 * keyspace has no claim, so it said "nothing to retry (no renewal recorded)", exit 0, while a's failure, which only
 * `--account a` clears, kept b from buying.
 */
const EXPIRY = Date.UTC(2026, 0, 10);
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 0, 1);
let dir: string;
const env = () => ({
  AUTORENEW_LEDGER_DIR: join(dir, 'ledger'),
  AUTORENEW_ACCOUNTS: JSON.stringify([
    { name: 'a', accessKeyIdEnv: 'A_ID', accessKeySecretEnv: 'A_SECRET' },
    { name: 'b', accessKeyIdEnv: 'B_ID', accessKeySecretEnv: 'B_SECRET' },
  ]),
});

async function withLedgers<T>(fn: (a: Ledger, b: Ledger) => Promise<T>): Promise<T> {
  const opened = await openLedgerFromEnv(env());
  try {
    return await fn(opened.forAccount('a'), opened.forAccount('b'));
  } finally {
    await opened.close();
  }
}

async function withAccount<T>(account: string, fn: (l: Ledger) => Promise<T>): Promise<T> {
  const opened = await openLedgerFromEnv(env());
  try {
    return await fn(opened.forAccount(account));
  } finally {
    await opened.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'retry-peer-'));
  await withAccount('a', async (ledger) => {
    const r = await ledger.claim({
      domain: 'moved.com',
      expiryMs: EXPIRY,
      batchId: 'b-1',
      attemptId: 'r1/b-1',
      years: 1,
      nowMs: NOW,
      maxAttempts: 3,
    });
    if (!r.ok) throw new Error('seed claim refused');
    await ledger.saveClaim({ ...r.claim, status: 'FAILED', attempts: 3, message: 'Insufficient balance' });
  });
  await withAccount('b', (l) =>
    l.recordRun({ job: 'renew', runId: 'x', startedAtMs: NOW, finishedAtMs: NOW + 1, ok: true, summary: {} }),
  );
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('retry in the account that holds the domain names the account whose failure holds it back', async () => {
  const run = await runCliInProcess(['retry', 'moved.com', '--account', 'b'], env());
  expect(run.stdout).toContain(
    'moved.com: nothing to retry (no renewal recorded); account a has a failed renewal of it, which holds it back here too: autorenew retry moved.com --account a',
  );
  // And that one clears it.
  const again = await runCliInProcess(['retry', 'moved.com', '--account', 'a'], env());
  expect(again.stdout).toMatch(/moved\.com \(expiry 2026-01-10\): 3 failed attempt\(s\) cleared/);
  const after = await runCliInProcess(['retry', 'moved.com', '--account', 'b'], env());
  expect(after.stdout).not.toContain('account a has a failed renewal');
});

/**
 * The same, with account b holding a failure of its own as well. A domain moved from
 * account a to account b; a's claim of the cycle failed limits.maxAttempts times, listed there an hour off b's
 * reading (peer-claims.ts isSameCycle counts it since the twenty-seventh session; before, b went on trying and
 * failed once itself). b's digest says `max-attempts: needs a human ... run: autorenew retry moved.com`. The person
 * fixes the cause and runs `autorenew retry moved.com --account b`: b's own failure is cleared and the command says
 * "the next renew run tries them again", but the peer's failure, which only `--account a` clears, still holds the
 * domain (the stricter failure decides), and retry names it only when b has nothing of its own to clear. The next
 * run says max-attempts again; the person was told the tool would buy it.
 */
async function failed(ledger: Ledger, expiryMs: number, attempts: number, nowMs: number, message: string) {
  const r = await ledger.claim({
    domain: 'moved.com',
    expiryMs,
    batchId: `b-${attempts}`,
    attemptId: `r/b-${attempts}`,
    years: 1,
    nowMs,
    maxAttempts: 3,
  });
  if (!r.ok) throw new Error('seed claim refused');
  await ledger.saveClaim({ ...r.claim, status: 'FAILED', attempts, message });
}

it('retry in b clears its own failure and names the other account whose failure still holds the domain', async () => {
  const t = await given({ domains: ['moved.com+5d'], policy: { limits: { maxAttempts: 3 } } });
  const expiry = t.expiry('moved.com') as number;
  const nowMs = t.clock.now() - 2 * 24 * HOUR;
  await withLedgers(async (a, b) => {
    await failed(a, expiry + HOUR, 3, nowMs, 'Insufficient balance'); // a's listing read it an hour off
    await failed(b, expiry, 1, nowMs + HOUR, 'Insufficient balance');
    await b.recordRun({ job: 'renew', runId: 'x', startedAtMs: nowMs, finishedAtMs: nowMs + 1, ok: true, summary: {} });
  });
  // b's plan before: max-attempts (a's failure, the stricter, decides).
  const before = await withLedgers((a, b) =>
    t.renew({ dryRun: true, deps: { ledger: b, peerClaims: peerClaimsOf([a]) } }),
  );
  expect(before.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['moved.com', 'max-attempts']]);

  const run = await runCliInProcess(['retry', 'moved.com', '--account', 'b'], env());
  expect(run.stdout).toMatch(/1 failed attempt\(s\) cleared/);

  // What the next renew run of b decides after the retry: still held back by a's failure.
  const after = await withLedgers((a, b) =>
    t.renew({ dryRun: true, deps: { ledger: b, peerClaims: peerClaimsOf([a]) } }),
  );
  const reason = after.plan.decisions.find((d) => d.domain.domainName === 'moved.com')?.reason;
  // Still held back by a's failure: the retry must have said so (and how to clear it).
  expect(reason).toBe('max-attempts');
  expect(run.stdout).toContain(
    'account a has a failed renewal of it, which holds it back here too: autorenew retry moved.com --account a',
  );
});
