import { peerClaimsOf } from '../../lib/compose/accounts';
import { executeRenew } from '../../lib/jobs';
import { domainKey } from '../../lib/sandbox/tld';
import { given } from '../helpers/builder';
import { listingOnly } from '../helpers/faulty';
import { createMemoryLedger, MemoryLedgerStore } from '../helpers/memory-ledger';
import { createMemoryRegistrar } from '../helpers/memory-registrar';

/**
 * Two Alibaba accounts of one deployment (AUTORENEW_ACCOUNTS "a" and "b": one table, two keyspaces, as
 * compose/accounts.ts builds them). A domain account a has just renewed is pushed to account b (a reorganisation,
 * the "same domain in two accounts (after a transfer)" case of docs/design.md). Account b's listing lags and shows
 * the old expiry, the fault model the design guards against inside one account (`in-flight` for 2 days after a
 * RENEWED claim, `renewed-elsewhere`, `renewedByUs`). Across the accounts of one deployment nothing carries over:
 * b's keyspace has no claim, b's task list holds none of a's tasks, and b buys the same expiry a second time.
 */
describe('a domain moved between two accounts of one deployment', () => {
  const DAY = 86_400_000;

  test('control: the same lagging listing inside one account does not buy again', async () => {
    const t = await given({ domains: ['moved.com+5d'], rejectStaleExpiry: false });
    const old = t.expiry('moved.com') as number;
    const store = new MemoryLedgerStore();
    const ledgerA = createMemoryLedger({ store, account: 'a' });
    await t.renew({ deps: { ledger: ledgerA } });
    t.advance('10m');
    await t.check({ deps: { ledger: ledgerA } });
    expect(t.expiry('moved.com')).toBeGreaterThan(old + 300 * DAY);
    t.advance('6h');
    await t.renew({ deps: { ledger: ledgerA, registrar: listingOnly(t.registrar, 'moved.com', old) } });
    expect(t.registrar.submissions()).toHaveLength(1);
  });

  test('pushed to account b while b lists the old expiry: b must not buy the expiry a renewed hours ago', async () => {
    const t = await given({ domains: ['moved.com+5d'], rejectStaleExpiry: false });
    const old = t.expiry('moved.com') as number;
    const store = new MemoryLedgerStore();
    const ledgerA = createMemoryLedger({ store, account: 'a' });
    const ledgerB = createMemoryLedger({ store, account: 'b' });
    // a buys and check confirms: a RENEWED claim for (moved.com, old) in a's keyspace.
    await t.renew({ deps: { ledger: ledgerA } });
    t.advance('10m');
    await t.check({ deps: { ledger: ledgerA } });
    expect(t.registrar.submissions()).toHaveLength(1);
    const renewed = t.expiry('moved.com') as number;
    expect(renewed).toBeGreaterThan(old + 300 * DAY);

    // The domain is pushed to account b (its registry expiry is the renewed one), whose listing still shows the old.
    const regB = createMemoryRegistrar({ clock: t.clock, rejectStaleExpiry: false });
    const moved = t.registrar.domains.get(domainKey('moved.com'));
    if (!moved) throw new Error('test setup');
    t.registrar.domains.delete(domainKey('moved.com'));
    regB.domains.set(domainKey('moved.com'), { ...moved });
    t.advance('6h');

    // As compose/accounts.ts builds b's deps: the other accounts' keyspaces are read for the planner's guard.
    const deps = t.deps({ ledger: ledgerB, registrar: listingOnly(regB, 'moved.com', old) });
    const run = await executeRenew(
      { ...deps, peerClaims: peerClaimsOf([ledgerA]) },
      {
        policy: t.policy,
        dryRun: false,
        runId: 'b-1',
      },
    );
    // Today: b buys (moved.com, old) again, a second paid year, 6 hours after a's renewal of that very expiry.
    expect(run.summary.submitted).toBe(0);
    expect(regB.submissions()).toEqual([]);
    expect(run.plan.decisions.find((d) => d.domain.domainName === 'moved.com')?.reason).toBe('in-flight');
  });

  // Two keys of one Alibaba account (or a push between accounts) under a listing that cuts dates to the day in one
  // of them: the claim keyed by one reading was not found by the other's key, and both bought (2026-12-06, chaos).
  test.each([
    ['a lists the precise time, b the day', false],
    ['a lists the day, b the precise time', true],
  ])('%s: b does not buy what a is renewing', async (_what, aCut) => {
    const t = await given({ domains: ['moved.com+5d'], rejectStaleExpiry: false });
    const precise = Math.floor(t.clock.now() / DAY) * DAY + 5 * DAY + 34_708_000; // 09:38:28 UTC
    const cut = Math.floor(precise / DAY) * DAY;
    const store = new MemoryLedgerStore();
    const ledgerA = createMemoryLedger({ store, account: 'a' });
    const ledgerB = createMemoryLedger({ store, account: 'b' });
    await t.renew({
      deps: { ledger: ledgerA, registrar: listingOnly(t.registrar, 'moved.com', aCut ? cut : precise) },
    });
    expect(t.registrar.submissions()).toHaveLength(1);
    const deps = t.deps({ ledger: ledgerB, registrar: listingOnly(t.registrar, 'moved.com', aCut ? precise : cut) });
    const run = await executeRenew(
      { ...deps, peerClaims: peerClaimsOf([ledgerA]) },
      { policy: t.policy, dryRun: false, runId: 'b-1' },
    );
    expect(t.registrar.submissions()).toHaveLength(1);
    expect(run.plan.decisions.find((d) => d.domain.domainName === 'moved.com')?.reason).toBe('in-flight');
  });
});
