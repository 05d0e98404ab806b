import { peerClaimsOf } from '../../lib/compose/accounts';
import { executeRenew } from '../../lib/jobs';
import type { Registrar } from '../../lib/registrar/port';
import { given } from '../helpers/builder';
import { createMemoryLedger, MemoryLedgerStore } from '../helpers/memory-ledger';

/**
 * The watch step put the account's own claim over the peer's. Account a tried x.com first and its order failed (a
 * FAILED claim, backoff over); account b (another key of the same Alibaba account) then bought it, and its task waits
 * in Alibaba's queue. a's listing stops showing x.com: a's own FAILED claim hid b's live one, x.com was looked up,
 * found at its old expiry, and told "not-listed" of what b has in flight (review 2026-12-07, twenty-fifth session).
 */
test("a's own failed attempt does not hide b's renewal in flight from a's watch step", async () => {
  const t = await given({ domains: ['x.com+10d'], taskMs: 6 * 3_600_000 });
  const store = new MemoryLedgerStore();
  const ledgerA = createMemoryLedger({ store, account: 'a' });
  const ledgerB = createMemoryLedger({ store, account: 'b' });
  const [listed] = await t.registrar.listDomains({});
  const expiryMs = (listed as { expiresAtMs: number }).expiresAtMs;
  const now = t.clock.now();
  const got = await ledgerA.claim({
    domain: 'x.com',
    expiryMs,
    batchId: 'a-old-batch',
    attemptId: 'a-old-attempt',
    years: 1,
    nowMs: now - 3 * 86_400_000,
    maxAttempts: 3,
  });
  if (!got.ok) throw new Error('claim refused');
  await ledgerA.saveClaim({
    ...got.claim,
    status: 'FAILED',
    updatedAtMs: now - 2 * 86_400_000,
    nextEligibleAtMs: now - 86_400_000,
    taskNo: 'T-a-old',
    code: 'failed',
    message: 'insufficient balance',
  });

  const b = await executeRenew(
    { ...t.deps({ ledger: ledgerB }), peerClaims: peerClaimsOf([ledgerA]) },
    { policy: t.policy, dryRun: false, runId: 'b-1' },
  );
  expect(b.summary.submitted).toBe(1);

  t.advance('10m');
  const a1 = await executeRenew(
    { ...t.deps({ ledger: ledgerA }), peerClaims: peerClaimsOf([ledgerB]) },
    { policy: t.policy, dryRun: false, runId: 'a-1' },
  );
  expect(a1.summary.submitted).toBe(0);
  expect((await ledgerA.readWatch()).map((e) => e.domain)).toEqual(['x.com']);

  t.advance('1h');
  const hidden: Registrar = {
    ...t.registrar,
    listDomains: async (q) => (await t.registrar.listDomains(q)).filter((d) => d.domainName !== 'x.com'),
  };
  t.notifier.sent.length = 0;
  await executeRenew(
    { ...t.deps({ ledger: ledgerA, registrar: hidden }), peerClaims: peerClaimsOf([ledgerB]) },
    { policy: t.policy, dryRun: false, runId: 'a-2' },
  );
  expect(t.registrar.submissions()).toHaveLength(1); // b's order, still in flight
  const email = t.notifier.sent.map((m) => m.email).join('\n');
  expect(email).not.toMatch(/x\.com[^\n]*not-listed/);
});
