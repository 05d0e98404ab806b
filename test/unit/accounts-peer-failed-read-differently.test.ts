import { peerClaimsOf } from '../../lib/compose/accounts';
import { domainKey } from '../../lib/sandbox/tld';
import { type Given, given } from '../helpers/builder';
import { createMemoryLedger, MemoryLedgerStore } from '../helpers/memory-ledger';
import { createMemoryRegistrar } from '../helpers/memory-registrar';

const HOUR = 3_600_000;

/**
 * accounts-peer-failed.test.ts, with the other account's listing reading the expiry an hour off (a domain pushed
 * from Alibaba account a to account b, both in one deployment: the reading docs/design.md and
 * accounts-peer-read-differently.test.ts say happens across accounts). Account a bought shared.com, the registry
 * failed the row, and a person was told "no retry expected ... renew it by hand" (retry-too-late) or "retries
 * stopped" (max attempts). The peer read (peer-claims.ts readPeerClaims) matched a peer's FAILED claim only at the
 * listed expiry or the same date cut to the day; the "read a little differently" match was for in-flight claims only.
 * So b, listing the same cycle an hour off, saw no failure of it and bought the renewal the person was told to make
 * by hand: two renewals of one term (review 2026-12-07, twenty-seventh session).
 */
async function failInAThenRunB(domain: string, policy: Record<string, unknown>, offsetMs: number, expect1: string) {
  const t: Given = await given({ domains: [domain], policy, rejectStaleExpiry: false });
  const store = new MemoryLedgerStore();
  const a = createMemoryLedger({ store, account: 'a' });
  const b = createMemoryLedger({ store, account: 'b' });
  const asA = { ledger: a, peerClaims: peerClaimsOf([b]) };
  const old = t.expiry('shared.com') as number;
  expect(old % (24 * HOUR)).not.toBe(0); // a precise reading: neither reading is cut to the day

  // Account b (another Alibaba account, the domain pushed there) lists the same cycle an hour off.
  const regB = createMemoryRegistrar({ clock: t.clock, rejectStaleExpiry: false });
  regB.domains.set(domainKey('shared.com'), { domainName: 'shared.com', expiresAtMs: old + offsetMs });
  const asB = { ledger: b, peerClaims: peerClaimsOf([a]), registrar: regB };

  // Day 0: account a buys it; the registry refuses the row for a passing reason; check reads the failure.
  let fails = 1;
  t.registrar.faults.failDomain = () => (fails-- > 0 ? 'registry temporarily unavailable (test)' : undefined);
  await t.renew({ deps: asA });
  t.advance('5m');
  await t.check({ deps: asA });

  // Day 1: a's planner does not retry it ...
  t.advance(24 * HOUR - 5 * 60_000);
  const dryA = await t.renew({ deps: asA, dryRun: true });
  expect(dryA.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['shared.com', expect1]]);
  // ... and the control: b listing it at the same reading does not buy it either (accounts-peer-failed.test.ts).
  const dryB = await t.renew({ deps: { ...asB, registrar: regB }, dryRun: true });
  await t.renew({ deps: asB });
  return { dryB: dryB.plan.decisions.map((d) => [d.domain.domainName, d.reason]), boughtByB: regB.submissions() };
}

describe("another account's failure of one cycle, listed there an hour off", () => {
  test.each([
    ['the same reading (control)', 0],
    ['an hour later', HOUR],
    ['an hour earlier', -HOUR],
  ])("'not retried: renew it by hand' (retry-too-late), b reads it %s: b does not buy it", async (_w, offset) => {
    const run = await failInAThenRunB(
      'shared.com-690h',
      { window: { daysBeforeExpiry: 30, daysAfterExpiry: 30 }, limits: { retryAfterHours: 48 } },
      offset,
      'retry-too-late',
    );
    expect(run.boughtByB).toEqual([]);
    expect(run.dryB).toEqual([['shared.com', 'retry-too-late']]);
  });

  test.each([
    ['the same reading (control)', 0],
    ['an hour later', HOUR],
  ])("'retries stopped' (max attempts), b reads it %s: b does not buy it", async (_w, offset) => {
    const run = await failInAThenRunB('shared.com+5d', { limits: { maxAttempts: 1 } }, offset, 'max-attempts');
    expect(run.boughtByB).toEqual([]);
    expect(run.dryB).toEqual([['shared.com', 'max-attempts']]);
  });
});
