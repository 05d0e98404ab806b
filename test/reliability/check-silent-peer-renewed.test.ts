import { peerClaimsOf } from '../../lib/compose/accounts';
import { executeCheck } from '../../lib/jobs/check';
import type { Ledger } from '../../lib/ledger/port';
import type { Registrar } from '../../lib/registrar/port';
import { renewInRoom } from '../helpers/accounts-room';
import { given } from '../helpers/builder';
import { createMemoryLedger, MemoryLedgerStore } from '../helpers/memory-ledger';
import { createCapturingNotifier } from '../helpers/world';

const HOUR = 3_600_000;

/**
 * Two keys of one Alibaba account (accounts a and b of one deployment) list shared.com, expiring in 36 h. One of them
 * buys it; check confirms it (that account's claim RENEWED). Check then stops running, and the listing lags behind
 * the renewal (the old expiry). The next renew run's digest carries "the check job has not run"; the account that
 * bought it reads its RENEWED claim and names nothing, but the other account's plan holds shared.com `in-flight`
 * by the buyer's RENEWED claim (peer-claims) and lapsingInFlight reads only its own keyspace's claim (FAILED
 * not-submitted: it left the domain to the buyer): its section pages "shared.com will lapse, look first ... its
 * renewal may have failed" for a renewal the deployment's ledger knows is confirmed.
 */
test('check down: a renewal another account of the deployment confirmed is not paged as about to lapse', async () => {
  const t = await given({ domains: [] });
  const expiry = t.clock.now() + 36 * HOUR;
  t.registrar.domains.set('shared.com', { domainName: 'shared.com', expiresAtMs: expiry });
  const store = new MemoryLedgerStore();
  const ledgers: Record<'a' | 'b', Ledger> = {
    a: createMemoryLedger({ store, account: 'a' }),
    b: createMemoryLedger({ store, account: 'b' }),
  };
  const checkAll = async (runId: string) => {
    await executeCheck(t.deps({ ledger: ledgers.a, peerClaims: peerClaimsOf([ledgers.b]) }), {
      policy: t.policy,
      runId,
    });
    await executeCheck(t.deps({ ledger: ledgers.b, peerClaims: peerClaimsOf([ledgers.a]) }), {
      policy: t.policy,
      runId,
    });
  };
  await checkAll('c0');
  const primary = createCapturingNotifier();
  await renewInRoom({ t, ledgers }, { runId: 'r0', labels: ['a', 'b'], primary });
  expect(t.registrar.submissions()).toHaveLength(1); // bought once, by one of them
  t.advance('1h');
  await checkAll('c1');
  expect(t.expiry('shared.com')).toBeGreaterThan(expiry);
  const renewed = await Promise.all(
    (['a', 'b'] as const).map(
      async (l) => (await ledgers[l].getClaims([{ domain: 'shared.com', expiryMs: expiry }]))[0]?.status,
    ),
  );
  expect(renewed).toContain('RENEWED'); // confirmed on the buyer's ledger
  // check stops running; the listing lags behind the renewal
  const registrar = t.registrar;
  const lagging: Registrar = Object.create(registrar);
  lagging.listDomains = async (q) => {
    const found = (await registrar.listDomains({}))
      .map((d) => (d.domainName === 'shared.com' ? { ...d, expiresAtMs: expiry } : d))
      .filter(
        (d) =>
          (q.expiringFromMs === undefined || d.expiresAtMs >= q.expiringFromMs) &&
          (q.expiringToMs === undefined || d.expiresAtMs <= q.expiringToMs),
      );
    q.onPage?.(found);
    return found;
  };
  t.advance('22h');
  const before = primary.sent.length;
  await renewInRoom(
    { t, ledgers, registrars: { a: lagging, b: lagging } },
    { runId: 'r1', labels: ['a', 'b'], primary },
  );
  const told = primary.sent.slice(before);
  expect(told.map((m) => m.email).join('\n')).toMatch(/the check job has not run/); // the silence is said
  expect(t.registrar.submissions()).toHaveLength(1); // not bought twice
  expect(told.map((m) => m.sms).join('\n')).not.toMatch(/shared\.com will lapse/);
});
