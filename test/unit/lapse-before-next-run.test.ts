import { RejectedRetryableError } from '../../lib/errors';
import { executeRenew } from '../../lib/jobs';
import { given } from '../helpers/builder';
import { flakyLedger } from '../helpers/faulty';

// A renewal held back by a passing fault (one failed ledger write: `not-sent`) is tried again by the next daily run.
// One that expires before that run was told only "nothing was bought, the next run tries again" (and "needs nothing
// unless it repeats"); with window.daysAfterExpiry 0 the next run found it past its window, and it lapsed on advice
// to do nothing (review 2026-12-05, round 4, helper F).

async function heldBackOnce(expiresIn: string) {
  const t = await given({
    domains: [`a.com+${expiresIn}`],
    policy: { window: { daysBeforeExpiry: 30, daysAfterExpiry: 0 } },
  });
  // The submit-start write is refused once (after the client's own retries): nothing is sent this run.
  const flaky = flakyLedger(t.ledger, { saveBatch: [1] });
  await executeRenew(t.deps({ ledger: flaky }), { policy: t.policy, dryRun: false, runId: 'r1' }).catch(() => {});
  expect(t.registrar.submissions()).toEqual([]);
  const email = t.notifier.sent.map((m) => m.email).join('\n');
  return { t, email, lines: email.split('\n').filter((l) => l.includes('a.com')) };
}

describe('a renewal held back by a passing fault, expiring before the next daily run', () => {
  it('20 h from its expiry: a will-lapse line says to run renew again or renew by hand', async () => {
    const { t, email, lines } = await heldBackOnce('20h');
    expect(lines.some((l) => /its batch failed on our side/.test(l))).toBe(true);
    expect(email).toMatch(
      /not bought this run \(not-sent\); the next daily run, about 2026-11-30 06:00 UTC, comes after it expires: run renew again once the cause is fixed, or renew it by hand/,
    );
    // And left alone, it is indeed lost: the next daily run finds it past its window.
    const expiry = t.expiry('a.com') as number;
    t.advance('1d');
    const next = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r2' });
    expect(next.plan.decisions.find((d) => d.domain.domainName === 'a.com')?.reason).toBe('past-window');
    expect(t.expiry('a.com')).toBe(expiry);
  });

  it('3 days from its expiry: the next run buys it in time, no will-lapse line', async () => {
    const { t, email } = await heldBackOnce('3d');
    expect(email).toContain('its batch failed on our side');
    expect(email).not.toContain('comes after it expires');
    t.advance('1d');
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r2' });
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com']);
  });
});

describe('a renew run that fails as a whole', () => {
  // Renew runs once a day with the platform's retries off: its error alert said only "the next scheduled run
  // retries", a day later, after a domain due within hours had expired (helper F).
  it('its error alert says the next run is a day away and to run renew again for a domain expiring before', async () => {
    const t = await given({ domains: ['a.com+20h'] });
    t.registrar.faults.before = (op) => {
      if (op === 'listDomains') throw new RejectedRetryableError('throttled for good', { code: 'Throttling' });
    };
    await expect(executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r1' })).rejects.toThrow();
    expect(t.notifier.sent.at(-1)?.email).toContain(
      'the next scheduled run (in about a day) retries: if a domain expires before then, run renew again once the cause is fixed',
    );
  });
});
