import { given } from '../helpers/builder';
import { listingOnly } from '../helpers/faulty';

const DAY = 86_400_000;
/** The same expiry cut to the UTC day: a listing that truncates (claims are keyed by the exact listed expiry). */
const dayStart = (ms: number) => Math.floor(ms / DAY) * DAY;

/**
 * The listed key has a finished claim of its own (a failure, or a release), while the same cycle was since bought
 * under another reading of the expiry (cut to the day). planWithLedger read the account's own claims under other
 * readings (readOwnOtherReadings) only when the listed key had NO claim: the listed key's FAILED claim decided alone,
 * the RENEWED claim of the other reading was ignored, and a lagging listing bought the cycle again; failures under two
 * readings were each counted alone, past maxAttempts (review 2026-12-07, twenty-sixth session). combineOwnReadings
 * now decides from all of them.
 */
describe('our renewal under one reading of the expiry, a failed claim under the other', () => {
  test('a failed attempt at the exact expiry, retried and renewed under the day-cut reading, is not bought again when the listing lags at the exact one', async () => {
    const t = await given({
      domains: ['a.com+10d'],
      rejectStaleExpiry: false,
      policy: { limits: { maxAttempts: 3, retryAfterHours: 2 } },
    });
    const old = t.expiry('a.com') as number;
    expect(old % DAY).not.toBe(0);
    // Run 1: listed exactly; the task fails.
    t.registrar.faults.failDomain = (name) => (name === 'a.com' ? 'registry said no (test)' : undefined);
    await t.renew();
    t.advance('10m');
    await t.check();
    expect(await t.ledger.listClaimsForDomain('a.com')).toEqual([
      expect.objectContaining({ expiryMs: old, status: 'FAILED', attempts: 1 }),
    ]);
    delete t.registrar.faults.failDomain;
    // Run 2, a day later: the listing cuts the expiry to the day. The retry is bought under that key and confirmed.
    t.advance('1d');
    const cut = await t.renew({ deps: { registrar: listingOnly(t.registrar, 'a.com', dayStart(old)) } });
    expect(cut.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['a.com', 'due']]);
    t.advance('10m');
    await t.check();
    expect(t.expiry('a.com')).toBeGreaterThan(old + 300 * DAY);
    const claims = await t.ledger.listClaimsForDomain('a.com');
    expect(claims.find((c) => c.expiryMs === dayStart(old))).toMatchObject({ status: 'RENEWED' });
    // Run 3, hours later: a lagging listing shows the old expiry again, exactly as run 1 read it.
    t.advance('3h');
    const lag = await t.renew({ deps: { registrar: listingOnly(t.registrar, 'a.com', old) } });
    expect(lag.plan.decisions.map((d) => [d.domain.domainName, d.action])).toEqual([['a.com', 'skip']]);
    // One renewal bought for this cycle (one failed submission, one that renewed it): never a third.
    expect(t.registrar.submissions().filter((s) => s.domainName === 'a.com')).toHaveLength(2);
  });

  test('a renewal deferred for the balance at the exact expiry (claim released), bought under the day-cut reading, is not bought again when the listing lags at the exact one', async () => {
    const t = await given({ domains: ['a.com+5d'], balance: '10.00', rejectStaleExpiry: false });
    const old = t.expiry('a.com') as number;
    // Run 1: listed exactly; the balance does not cover it, its claim taken ahead is released (not-submitted).
    const first = await t.renew();
    expect(first.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['a.com', 'low-balance']]);
    expect(t.registrar.submissions()).toHaveLength(0);
    expect(await t.ledger.listClaimsForDomain('a.com')).toEqual([
      expect.objectContaining({ expiryMs: old, status: 'FAILED', code: 'not-submitted' }),
    ]);
    // Topped up. Run 2, a day later: the listing cuts the expiry to the day; bought under that key and confirmed.
    (t.billing as NonNullable<typeof t.billing>).cash = { minor: 1_000_000, currency: 'CNY' };
    t.advance('1d');
    const cut = await t.renew({ deps: { registrar: listingOnly(t.registrar, 'a.com', dayStart(old)) } });
    expect(cut.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['a.com', 'due']]);
    t.advance('10m');
    await t.check();
    expect(t.expiry('a.com')).toBeGreaterThan(old + 300 * DAY);
    // Run 3, hours later: a lagging listing shows the old expiry again, exactly as run 1 read it.
    t.advance('3h');
    const lag = await t.renew({ deps: { registrar: listingOnly(t.registrar, 'a.com', old) } });
    expect(lag.plan.decisions.map((d) => [d.domain.domainName, d.action])).toEqual([['a.com', 'skip']]);
    expect(t.registrar.submissions().filter((s) => s.domainName === 'a.com')).toHaveLength(1);
  });

  test('a listing that alternates between the exact and the day-cut expiry does not retry a failure past maxAttempts', async () => {
    const t = await given({
      domains: ['a.com+10d'],
      rejectStaleExpiry: false,
      policy: { limits: { maxAttempts: 2, retryAfterHours: 2 } },
    });
    const old = t.expiry('a.com') as number;
    t.registrar.faults.failDomain = (name) => (name === 'a.com' ? 'registry said no (test)' : undefined);
    const readings = [old, dayStart(old), old, dayStart(old), old, dayStart(old)];
    const reasons: string[] = [];
    for (const shown of readings) {
      const run = await t.renew({ deps: { registrar: listingOnly(t.registrar, 'a.com', shown) } });
      reasons.push(...run.plan.decisions.map((d) => d.reason));
      t.advance('10m');
      await t.check();
      t.advance('1d');
    }
    // The cycle failed twice: maxAttempts is 2, so a person is told, and nothing more is tried.
    expect(t.registrar.submissions().filter((s) => s.domainName === 'a.com')).toHaveLength(2);
    expect(reasons.slice(2)).toEqual(['max-attempts', 'max-attempts', 'max-attempts', 'max-attempts']);
  });

  test('a failed attempt at the exact expiry, retried and renewed under a reading an hour off, is not bought again when the listing lags at the exact one', async () => {
    const t = await given({
      domains: ['a.com+10d'],
      rejectStaleExpiry: false,
      policy: { limits: { maxAttempts: 3, retryAfterHours: 2 } },
    });
    const old = t.expiry('a.com') as number;
    t.registrar.faults.failDomain = (name) => (name === 'a.com' ? 'registry said no (test)' : undefined);
    await t.renew();
    t.advance('10m');
    await t.check();
    delete t.registrar.faults.failDomain;
    // A day later the listing reads the old expiry an hour off (a zone, a registry sync): the retry is bought there.
    t.advance('1d');
    await t.renew({ deps: { registrar: listingOnly(t.registrar, 'a.com', old + 3_600_000) } });
    t.advance('10m');
    await t.check();
    expect(t.expiry('a.com')).toBeGreaterThan(old + 300 * DAY);
    // Hours later a lagging listing shows the old expiry exactly as the first run read it: our task that ran 3 h ago
    // renewed this cycle (foreign-tasks.ts renewedByUs says so), but the exact key's FAILED claim decides alone.
    t.advance('3h');
    const lag = await t.renew({ deps: { registrar: listingOnly(t.registrar, 'a.com', old) } });
    expect(lag.plan.decisions.map((d) => [d.domain.domainName, d.action])).toEqual([['a.com', 'skip']]);
    expect(t.registrar.submissions().filter((s) => s.domainName === 'a.com')).toHaveLength(2);
  });
});
