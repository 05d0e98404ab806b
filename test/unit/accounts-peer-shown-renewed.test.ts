import { peerClaimsOf } from '../../lib/compose/accounts';
import { transitions } from '../../lib/renewal/claims';
import { addYearsUtc } from '../../lib/renewal/dates';
import { given } from '../helpers/builder';
import { createMemoryLedger, MemoryLedgerStore } from '../helpers/memory-ledger';

const DAY = 86_400_000;

/**
 * Review 2026-12-06 (round 4, helper rvq). The peer read (peer-claims.ts readPeerClaims, used by the planner and
 * right before the paid call) kept only the other accounts' live or RENEWED claims. A claim check settled as FAILED
 * `renewed-elsewhere` means "the registrar shows it renewed to old + years": its own account never buys it again
 * (`shown-renewed`), but another account whose listing still shows the old expiry (the lagging listing the
 * cross-account guard exists for) bought the same expiry again.
 */
test("a domain another account's check found renewed (FAILED renewed-elsewhere) is not bought again at its old expiry", async () => {
  // Account b: its listing lags and still shows shared.com at the old expiry; the order is executed all the same.
  const t = await given({ domains: ['shared.com+10d'], rejectStaleExpiry: false });
  const now = t.clock.now();
  const oldExpiry = t.expiry('shared.com') as number;
  const store = new MemoryLedgerStore();
  const a = createMemoryLedger({ store, account: 'a' });
  const b = createMemoryLedger({ store, account: 'b' });
  // Account a bought it yesterday; its task row failed, but the registrar showed it renewed to old + 1 year.
  const claimed = await a.claim({
    domain: 'shared.com',
    expiryMs: oldExpiry,
    batchId: 'a-batch',
    attemptId: 'a-run/a-batch',
    years: 1,
    nowMs: now - DAY,
    maxAttempts: 3,
  });
  expect(claimed.ok).toBe(true);
  const [c] = await a.getClaims([{ domain: 'shared.com', expiryMs: oldExpiry }]);
  await a.saveClaim(
    transitions.fail(c as NonNullable<typeof c>, {
      taskNo: 'T-a-1',
      message: 'domain renew failed (the registrar shows it renewed)',
      nowMs: now - DAY / 2,
      retryAfterHours: 24,
      renewedElsewhereToMs: addYearsUtc(oldExpiry, 1),
    }),
  );
  expect((await a.getClaims([{ domain: 'shared.com', expiryMs: oldExpiry }]))[0]?.code).toBe('renewed-elsewhere');

  const run = await t.renew({ deps: { ledger: b, peerClaims: peerClaimsOf([a]) } });
  expect(t.registrar.submissions().map((s) => s.domainName)).toEqual([]);
  expect(run.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['shared.com', 'shown-renewed']]);
});
