import { peerClaimsOf } from '../../lib/compose/accounts';
import { executeRenew } from '../../lib/jobs';
import type { Registrar } from '../../lib/registrar/port';
import { given } from '../helpers/builder';
import { createMemoryLedger, MemoryLedgerStore } from '../helpers/memory-ledger';

/**
 * Two accounts of one deployment that both see x.com (two keys of one Alibaba account). Account b buys x.com; its task
 * waits in Alibaba's queue for hours. Account a's planner keeps x.com in flight on b's claim, so a's watch list holds
 * it. Then a's listing stops showing it. a's watch step read only a's own claims, looked x.com up, found the old
 * expiry (b's order still queued) and told "not-listed: ... or renew it by hand", advised as a plain "Will lapse: renew
 * them by hand": a second purchase of what b has in flight (review 2026-12-07, twenty-fifth session).
 */
test("a's watch list does not send a person to renew by hand what account b is renewing", async () => {
  const t = await given({ domains: ['x.com+10d'], taskMs: 6 * 3_600_000 });
  const store = new MemoryLedgerStore();
  const ledgerA = createMemoryLedger({ store, account: 'a' });
  const ledgerB = createMemoryLedger({ store, account: 'b' });

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
  expect(a1.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['x.com', 'in-flight']]);
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
  expect(email).not.toMatch(/x\.com.*renew it by hand/);
  expect(email).not.toMatch(/renew them by hand in the console/);
});
