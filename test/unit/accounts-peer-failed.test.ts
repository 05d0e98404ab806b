import { peerClaimsOf } from '../../lib/compose/accounts';
import { type Given, given } from '../helpers/builder';
import { createMemoryLedger, MemoryLedgerStore } from '../helpers/memory-ledger';

const HOUR = 3_600_000;

/**
 * Review 2026-12-06 (round 4, helper rvs). Two accounts of one deployment list the same domain (two RAM users of one Alibaba account). Account
 * a bought it and the task failed; its retry backoff (limits.retryAfterHours 48) ends after the domain's last buying
 * moment (expiry + 30 days, 30 h away), so check tells a person "not retried ... renew it by hand" (e70a221) and
 * a's planner names it retry-too-late. The peer read (peer-claims.ts readPeerClaims, 0246a57) keeps only the other
 * account's live, RENEWED or shown-renewed claims, so account b, the next daily run, sees no claim of this expiry
 * and buys it: the retry the digest said would not happen, made while the person it told is renewing by hand.
 */
/** Accounts a and b of one deployment over one ledger table, each reading the other's claims. */
function twoAccounts() {
  const store = new MemoryLedgerStore();
  const a = createMemoryLedger({ store, account: 'a' });
  const b = createMemoryLedger({ store, account: 'b' });
  return { asA: { ledger: a, peerClaims: peerClaimsOf([b]) }, asB: { ledger: b, peerClaims: peerClaimsOf([a]) } };
}

/** `as` renews; the registry refuses that one row for a passing reason; check reads the failure 5 minutes later. */
async function buyAndFailOnce(t: Given, as: ReturnType<typeof twoAccounts>['asA']) {
  let fails = 1;
  t.registrar.faults.failDomain = () => (fails-- > 0 ? 'registry temporarily unavailable (test)' : undefined);
  await t.renew({ deps: as });
  t.advance('5m');
  await t.check({ deps: as });
}

test("a failure check called 'not retried: renew it by hand' is not bought the next day by the other account", async () => {
  const t = await given({
    domains: ['shared.com-690h'],
    policy: { window: { daysBeforeExpiry: 30, daysAfterExpiry: 30 }, limits: { retryAfterHours: 48 } },
  });
  const { asA, asB } = twoAccounts();

  // Day 0: account a buys it; the registry refuses the row for a passing reason.
  await buyAndFailOnce(t, asA);
  const told = t.notifier.sent.map((m) => m.email).join('\n');
  expect(told).toMatch(/shared\.com: .*no retry expected: .*look at it in the console first.*renew it by hand only if/);

  // Day 1: a's planner never retries it (retry-too-late) ...
  t.advance(24 * HOUR - 5 * 60_000);
  const dryA = await t.renew({ deps: asA, dryRun: true });
  expect(dryA.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['shared.com', 'retry-too-late']]);
  // ... and neither may account b: a person was told to renew it by hand.
  await t.renew({ deps: asB });
  expect(t.registrar.submissions().filter((s) => s.domainName === 'shared.com')).toHaveLength(1);
});

/** The same with the retries used up (limits.maxAttempts 1): check says retries stopped, and b buys it again. */
test("a failure check called 'stopped' (max attempts) is not bought the next day by the other account", async () => {
  const t = await given({ domains: ['shared.com+5d'], policy: { limits: { maxAttempts: 1 } } });
  const { asA, asB } = twoAccounts();
  await buyAndFailOnce(t, asA);
  const failed = t.notifier.sent.flatMap((m) => m.digest?.outcomes ?? []).find((o) => o.event === 'failed');
  expect(failed?.retry?.state).toBe('stopped');
  t.advance(24 * HOUR - 5 * 60_000);
  const dryA = await t.renew({ deps: asA, dryRun: true });
  expect(dryA.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['shared.com', 'max-attempts']]);
  await t.renew({ deps: asB });
  expect(t.registrar.submissions().filter((s) => s.domainName === 'shared.com')).toHaveLength(1);
});
