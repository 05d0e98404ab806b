import { executeCheck } from '../../lib/jobs/check';
import { executeRenew } from '../../lib/jobs/renew';
import type { Registrar } from '../../lib/registrar/port';
import { DAY_MS } from '../../lib/renewal/dates';
import { given } from '../helpers/builder';

/**
 * As check-silent-renewed-not-named, but the lagging listing reads the old expiry cut to the UTC day (the reading
 * isSameListedExpiry and readOwnOtherReadings exist for). The planner finds the RENEWED claim under the other
 * reading and leaves b.com `in-flight` (not bought twice: right); lapsingInFlight reads the claim at the listed key
 * only, finds none, and pages "b.com will lapse, look first" for a domain the ledger knows is renewed.
 */
test('check down: a confirmed renewal listed late and cut to the day is not paged as about to lapse', async () => {
  const t = await given({ domains: ['b.com+36h', 'a.com+20d'] });
  const oldExpiry = t.expiry('b.com') as number;
  const cut = Math.floor(oldExpiry / DAY_MS) * DAY_MS;
  expect(cut).not.toBe(oldExpiry);
  await executeCheck(t.deps(), { policy: t.policy, runId: 'c0' });
  await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r0' });
  t.advance('1h');
  await executeCheck(t.deps(), { policy: t.policy, runId: 'c1' });
  expect(t.expiry('b.com')).toBeGreaterThan(oldExpiry);
  const claims = await t.ledger.getClaims([{ domain: 'b.com', expiryMs: oldExpiry }]);
  expect(claims[0]?.status).toBe('RENEWED');
  // check stops running; the listing lags behind the renewal, and reads the old expiry cut to the day
  const registrar = t.registrar;
  const lagging: Registrar = Object.create(registrar);
  const lag = <T extends { domainName: string; expiresAtMs: number }>(ds: readonly T[]): T[] =>
    ds.map((d) => (d.domainName === 'b.com' ? { ...d, expiresAtMs: cut } : d));
  lagging.listDomains = async (q) => {
    const found = lag(await registrar.listDomains({})).filter(
      (d) =>
        (q.expiringFromMs === undefined || d.expiresAtMs >= q.expiringFromMs) &&
        (q.expiringToMs === undefined || d.expiresAtMs <= q.expiringToMs),
    );
    q.onPage?.(found);
    return found;
  };
  const before = t.notifier.sent.length;
  t.advance('22h');
  await executeRenew(t.deps({ registrar: lagging }), { policy: t.policy, dryRun: false, runId: 'r1' }).catch(() => {});
  const told = t.notifier.sent.slice(before);
  expect(told.map((m) => m.email).join('\n')).toMatch(/the check job has not run/);
  expect(t.registrar.submissions().filter((s) => s.domainName === 'b.com')).toHaveLength(1); // bought once
  expect(told.map((m) => m.sms).join('\n')).not.toMatch(/b\.com will lapse/);
});
