import { peerClaimsOf } from '../../lib/compose/accounts';
import { executeRenew } from '../../lib/jobs';
import type { Ledger } from '../../lib/ledger/port';
import type { Registrar } from '../../lib/registrar/port';
import { type Given, given } from '../helpers/builder';
import { createMemoryLedger, MemoryLedgerStore } from '../helpers/memory-ledger';

/**
 * Two accounts of one deployment that both see x.com (two keys of one Alibaba account). Account b buys x.com; its task
 * waits in Alibaba's queue for hours. Account a's planner keeps x.com in flight on b's claim, so a's watch list holds
 * it. Then a's listing stops showing it. a's watch step read only a's own claims (and later, put a's own failed claim
 * over b's live one), looked x.com up, found the old expiry (b's order still queued) and told "not-listed: ... or
 * renew it by hand": a second purchase of what b has in flight (review 2026-12-07, twenty-fifth session).
 */
async function peerInFlight(before?: (t: Given, a: Ledger) => Promise<void>): Promise<string> {
  const t = await given({ domains: ['x.com+10d'], taskMs: 6 * 3_600_000 });
  const store = new MemoryLedgerStore();
  const ledgerA = createMemoryLedger({ store, account: 'a' });
  const ledgerB = createMemoryLedger({ store, account: 'b' });
  await before?.(t, ledgerA);
  const b = await executeRenew(
    { ...t.deps({ ledger: ledgerB }), peerClaims: peerClaimsOf([ledgerA]) },
    { policy: t.policy, dryRun: false, runId: 'b-1' },
  );
  expect(b.summary.submitted).toBe(1);

  // a's run: b's claim keeps x.com in flight here; x.com goes on a's watch list.
  t.advance('10m');
  const a1 = await executeRenew(
    { ...t.deps({ ledger: ledgerA }), peerClaims: peerClaimsOf([ledgerB]) },
    { policy: t.policy, dryRun: false, runId: 'a-1' },
  );
  expect(a1.summary.submitted).toBe(0);
  expect(a1.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['x.com', 'in-flight']]);
  expect((await ledgerA.readWatch()).map((e) => e.domain)).toEqual(['x.com']);

  // An hour later a's listing no longer shows x.com; the look-up would still find it at the old expiry.
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
  return t.notifier.sent.map((m) => m.email).join('\n');
}

test("a's watch list does not send a person to renew by hand what account b is renewing", async () => {
  const email = await peerInFlight();
  expect(email).not.toMatch(/x\.com[^\n]*not-listed/);
  expect(email).not.toMatch(/renew them by hand in the console/);
});

test("a's own failed attempt does not hide b's renewal in flight from a's watch step", async () => {
  const email = await peerInFlight(async (t, ledgerA) => {
    // a's earlier attempt at this expiry failed at the registrar (its backoff is over).
    const [listed] = await t.registrar.listDomains({});
    const now = t.clock.now();
    const got = await ledgerA.claim({
      domain: 'x.com',
      expiryMs: (listed as { expiresAtMs: number }).expiresAtMs,
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
  });
  expect(email).not.toMatch(/x\.com[^\n]*not-listed/);
});
