import { given } from '../helpers/builder';
import { listingOnly } from '../helpers/faulty';

const DAY = 86_400_000;
/** The same expiry cut to the UTC day: a listing that truncates (claims are keyed by the exact listed expiry). */
const dayStart = (ms: number) => Math.floor(ms / DAY) * DAY;

/**
 * A listing whose expiry reading flips between exact and cut to the day between runs, more than 2 days after our
 * own task ran (ownCycle reads only tasks that ran within JUST_RENEWED_MS): the claim of the exact key is not found,
 * and the domain is planned as if nothing had ever been tried or bought.
 */
describe('a failed or renewed claim when a later listing cuts the expiry to the day', () => {
  test('a domain that used up maxAttempts is not bought again under the truncated reading', async () => {
    const t = await given({
      domains: ['a.com+10d'],
      rejectStaleExpiry: false,
      policy: { limits: { maxAttempts: 1, retryAfterHours: 2 } },
    });
    const old = t.expiry('a.com') as number;
    expect(old % DAY).not.toBe(0);
    t.registrar.faults.failDomain = (name) => (name === 'a.com' ? 'registry said no (test)' : undefined);
    await t.renew();
    t.advance('10m');
    await t.check();
    const [claim] = await t.ledger.listClaimsForDomain('a.com');
    expect(claim).toMatchObject({ status: 'FAILED', attempts: 1 });
    t.advance('1d');
    const exact = await t.renew();
    expect(exact.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['a.com', 'max-attempts']]);
    t.advance('2d');
    const cut = await t.renew({ deps: { registrar: listingOnly(t.registrar, 'a.com', dayStart(old)) } });
    expect(cut.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['a.com', 'max-attempts']]);
    expect(t.registrar.submissions().filter((s) => s.domainName === 'a.com')).toHaveLength(1);
  });

  test('a failure with a 3-day backoff is not retried early under the truncated reading', async () => {
    const t = await given({
      domains: ['a.com+10d'],
      rejectStaleExpiry: false,
      policy: { limits: { maxAttempts: 3, retryAfterHours: 96 } },
    });
    const old = t.expiry('a.com') as number;
    t.registrar.faults.failDomain = (name) => (name === 'a.com' ? 'registry said no (test)' : undefined);
    await t.renew();
    t.advance('10m');
    await t.check();
    t.advance('2d');
    t.advance('12h');
    const cut = await t.renew({ deps: { registrar: listingOnly(t.registrar, 'a.com', dayStart(old)) } });
    expect(cut.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['a.com', 'retry-backoff']]);
    expect(t.registrar.submissions().filter((s) => s.domainName === 'a.com')).toHaveLength(1);
  });

  test('control: a confirmed renewal listed at its old exact expiry days later is renewed-not-shown, not bought', async () => {
    const t = await given({ domains: ['a.com+10d'], rejectStaleExpiry: false });
    const old = t.expiry('a.com') as number;
    await t.renew();
    t.advance('10m');
    await t.check();
    expect((await t.ledger.listClaimsForDomain('a.com'))[0]).toMatchObject({ status: 'RENEWED' });
    t.advance('3d');
    const run = await t.renew({ deps: { registrar: listingOnly(t.registrar, 'a.com', old) } });
    expect(run.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['a.com', 'renewed-not-shown']]);
    expect(t.registrar.submissions()).toHaveLength(1);
  });

  test('a confirmed renewal listed at its old expiry cut to the day days later is not bought a second time', async () => {
    const t = await given({ domains: ['a.com+10d'], rejectStaleExpiry: false });
    const old = t.expiry('a.com') as number;
    await t.renew();
    t.advance('10m');
    await t.check();
    expect((await t.ledger.listClaimsForDomain('a.com'))[0]).toMatchObject({ status: 'RENEWED' });
    t.advance('3d');
    const run = await t.renew({ deps: { registrar: listingOnly(t.registrar, 'a.com', dayStart(old)) } });
    expect(run.plan.decisions.map((d) => [d.domain.domainName, d.action])).toEqual([['a.com', 'skip']]);
    expect(t.registrar.submissions()).toHaveLength(1);
  });
});
