import { AmbiguousOutcomeError } from '../../lib/errors';
import { executeCheck, executeRenew } from '../../lib/jobs';
import { given } from '../helpers/builder';

/**
 * Review 2026-12-06, round 8 (silent lapses): reconcile's lapse-risk alert (flagLapseRisk) measures "expires before the first renew run after the
 * release" from the NOMINAL release instant (submit + releaseAfterHours), once. When the release actually happens
 * later (the check job did not run for a few days: Lambda errors, a disabled schedule), the domain is released with
 * "nothing was bought; released, the next renew run buys it once" although that run comes after its expiry
 * (window.daysAfterExpiry 0): the only lines naming it before the expiry are the first `unknown` ("usually nothing")
 * and that false promise.
 */
const HOUR = 3_600_000;

describe('unknown submit released late because check was down', () => {
  test('a domain the late release leaves to a run after its expiry is named by a will-lapse line before it', async () => {
    const t = await given({
      domains: ['a.com+66h'],
      policy: { window: { daysBeforeExpiry: 30, daysAfterExpiry: 0 } },
    });
    const T0 = t.clock.now();
    const expiry = T0 + 66 * HOUR;
    let lose = true;
    t.registrar.faults.before = (op) => {
      if (op === 'submitRenewBatch' && lose) {
        lose = false;
        throw new AmbiguousOutcomeError('socket hang up after the request was written (test)', {});
      }
    };
    let n = 0;
    const renewAt = (ms: number) => {
      t.clock.set(ms);
      return executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: `r${++n}` }).catch(() => undefined);
    };
    const checkAt = (ms: number) => {
      t.clock.set(ms);
      return executeCheck(t.deps(), { policy: t.policy, runId: `c${++n}` }).catch(() => undefined);
    };
    // Renew daily at 06:00; check hourly at :05, except that it does not run from hour 1 to hour 47 (two days of
    // Lambda errors before it records anything: a timeout, a crash at start).
    for (let h = 0; h <= 80; h++) {
      if (h % 24 === 0) await renewAt(T0 + h * HOUR);
      if (h === 0 || h >= 48) await checkAt(T0 + h * HOUR + 5 * 60_000);
    }
    const beforeExpiry = t.notifier.sent.filter((m) => (m.digest?.nowMs ?? 0) < expiry);
    const lines = beforeExpiry.flatMap((m) => m.digest?.outcomes ?? []).filter((o) => o.domain === 'a.com');
    // What a person was told about a.com before its expiry, and whether anything bought it.
    const said = lines.map((o) => `${o.event}: ${o.reason ?? ''}`);
    const bought = t.registrar.tasks.filter((task) => task.createdAtMs < expiry).length;
    expect({ bought, said }).toEqual({
      bought: 0,
      said: expect.arrayContaining([
        expect.stringMatching(/^will-lapse: a renewal of it has an unknown outcome, released as not bought/),
      ]),
    });
    // And nothing promised that the next renew run buys it.
    expect(said.filter((line) => /next renew run buys it/.test(line))).toEqual([]);
  });
});
