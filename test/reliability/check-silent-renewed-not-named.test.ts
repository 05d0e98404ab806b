import { executeCheck } from '../../lib/jobs/check';
import { executeRenew } from '../../lib/jobs/renew';
import type { Registrar } from '../../lib/registrar/port';
import { DAY_MS } from '../../lib/renewal/dates';
import { given } from '../helpers/builder';

/**
 * A renewal bought and confirmed by check (its claim RENEWED), whose listing (QueryDomainList) still shows the old
 * expiry a day later, while QueryDomainByDomainName showed the new one: the planner leaves it `in-flight` (a listing
 * that lags must not buy it twice). Check then stops running. The next renew digest, with its "check has not run"
 * error, named b.com as an urgent "will lapse, look first" line whose renewal "may have failed": the ledger knows
 * it was confirmed renewed. The review of that fix (2026-12-07, thirty-first session): with the lagging expiry cut
 * to the UTC day (the reading readOwnOtherReadings exists for), the RENEWED claim is under the other reading, and a
 * read of the listed key alone found none: paged again.
 */
test.each([
  ['its old expiry', (expiry: number) => expiry],
  ['its old expiry cut to the UTC day', (expiry: number) => Math.floor(expiry / DAY_MS) * DAY_MS],
])(
  'check down: a renewal confirmed RENEWED, listed late at %s, is not paged as about to lapse',
  async (_name, read) => {
    const t = await given({ domains: ['b.com+36h', 'a.com+20d'] });
    const oldExpiry = t.expiry('b.com') as number;
    await executeCheck(t.deps(), { policy: t.policy, runId: 'c0' });
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r0' });
    t.advance('1h');
    await executeCheck(t.deps(), { policy: t.policy, runId: 'c1' });
    expect(t.expiry('b.com')).toBeGreaterThan(oldExpiry); // renewed
    const claims = await t.ledger.getClaims([{ domain: 'b.com', expiryMs: oldExpiry }]);
    expect(claims[0]?.status).toBe('RENEWED'); // and confirmed on the ledger
    // check stops running here; the listing lags behind the renewal
    const registrar = t.registrar;
    const lagging: Registrar = Object.create(registrar);
    const lag = <T extends { domainName: string; expiresAtMs: number }>(ds: readonly T[]): T[] =>
      ds.map((d) => (d.domainName === 'b.com' ? { ...d, expiresAtMs: read(oldExpiry) } : d));
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
    await executeRenew(t.deps({ registrar: lagging }), { policy: t.policy, dryRun: false, runId: 'r1' }).catch(
      () => {},
    );
    const told = t.notifier.sent.slice(before);
    expect(told.map((m) => m.email).join('\n')).toMatch(/the check job has not run/); // the silence is said
    expect(t.registrar.submissions().filter((s) => s.domainName === 'b.com')).toHaveLength(1); // bought once
    expect(told.map((m) => m.sms).join('\n')).not.toMatch(/b\.com will lapse/);
  },
);
