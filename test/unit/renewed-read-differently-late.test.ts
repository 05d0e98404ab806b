import { addYearsUtc } from '../../lib/renewal/dates';
import { given } from '../helpers/builder';
import { listingOnly } from '../helpers/faulty';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * KNOWN, NOT FIXED (review 2026-12-07, twenty-eighth session, grace helper; docs/design.md "Review ... twenty-eighth
 * session"). Our renewal, confirmed and its batch closed, and then a listing that shows the OLD expiry again more
 * than 2 days later. At the exact old reading the planner says `renewed-not-shown` and never buys ("a lagging listing
 * would buy it twice", README plan reasons); at the old reading cut to the UTC or UTC+8 day it says the same
 * (peer-claims.ts readOwnOtherReadings). But at the old expiry read a little differently (an hour, 8 hours or a day
 * off: the "zone, registry sync" reading expiry.ts isReadDifferently exists for) the account's own RENEWED claim is
 * never read: readOwnOtherReadings reads only the day-start keys, and the whole domain only for a listed day start;
 * the 2-day guard (foreign-tasks.ts renewedByUs, JUST_RENEWED_MS) is over. The expiry is bought a second time (M1)
 * if the registrar executes an order whose CurrentExpirationDate is stale (UNCONFIRMED; that parameter exists to
 * refuse it). The fix (a Query of the whole domain per due domain without a claim at its listed key, or a
 * per-domain "renewed" mark read with the claims) costs a ledger read per due domain on every run; not done yet.
 * `test.failing`: they pass while the fault stands; remove `.failing` with the fix.
 */
async function lagAfterConfirm(readOld: (oldMs: number) => number, after: string) {
  // The registrar executes an order whose CurrentExpirationDate is not the domain's (whether Alibaba refuses one is
  // UNCONFIRMED, alibaba-domain-api.md §3.2/§4): a second purchase then shows as a second year.
  const t = await given({ domains: ['a.com+10d'], rejectStaleExpiry: false });
  const oldMs = t.expiry('a.com') as number;
  await t.renew();
  for (let h = 0; h < 3; h++) {
    t.advance('1h');
    await t.check();
  }
  expect(t.expiry('a.com')).toBe(addYearsUtc(oldMs, 1));
  // The listing shows the old expiry again (a lagging listing), read as `readOld` gives.
  const lagging = listingOnly(t.registrar, 'a.com', readOld(oldMs));
  t.advance(after);
  const run = await t.renew({ deps: { registrar: lagging } });
  t.advance('1h');
  await t.registrar.listDomains({}); // let any task run
  return {
    reason: run.plan.decisions.find((d) => d.domain.domainName === 'a.com')?.reason,
    submissions: t.registrar.submissions().length,
    expiry: t.expiry('a.com'),
    oneYear: addYearsUtc(oldMs, 1),
  };
}

describe('a confirmed renewal, listed at its old expiry again more than 2 days later', () => {
  test('control: the exact old reading is renewed-not-shown, never bought', async () => {
    const r = await lagAfterConfirm((e) => e, '3d');
    expect(r.reason).toBe('renewed-not-shown');
    expect(r.submissions).toBe(1);
  });

  test('control: the old reading cut to the UTC day is renewed-not-shown, never bought', async () => {
    const r = await lagAfterConfirm((e) => Math.floor(e / DAY) * DAY, '3d');
    expect(r.reason).toBe('renewed-not-shown');
    expect(r.submissions).toBe(1);
  });

  test('control: within 2 days, the old reading an hour off is held (renewedByUs)', async () => {
    const r = await lagAfterConfirm((e) => e + HOUR, '40h');
    expect(r.reason).toBe('in-flight');
    expect(r.submissions).toBe(1);
  });

  test.failing.each([
    ['an hour off', HOUR],
    ['8 hours off (a Beijing time read as UTC)', 8 * HOUR],
    ['a day off', -DAY],
  ])('the old reading %s, 3 days later: not bought a second time', async (_name, offset) => {
    const r = await lagAfterConfirm((e) => e + offset, '3d');
    expect({ reason: r.reason, submissions: r.submissions, expiry: r.expiry }).toEqual({
      reason: 'renewed-not-shown',
      submissions: 1,
      expiry: r.oneYear,
    });
  });

  test.failing('a failed row the registrar showed renewed (shown-renewed), listed an hour off 3 days later: not bought again', async () => {
    const t = await given({ domains: ['a.com+10d'], rejectStaleExpiry: false });
    const oldMs = t.expiry('a.com') as number;
    // The row fails, yet the order renewed the domain (check: "renewed all the same ... do not renew it by hand").
    t.registrar.faults.failDomain = () => 'system busy (test)';
    await t.renew();
    t.advance('3m');
    await t.registrar.listDomains({});
    delete t.registrar.faults.failDomain;
    const fake = t.registrar.domains.get('a.com');
    if (fake) fake.expiresAtMs = addYearsUtc(oldMs, 1);
    for (let h = 0; h < 3; h++) {
      t.advance('1h');
      await t.check();
    }
    const told = t.notifier.sent.map((m) => m.email).join('\n');
    expect(told).toContain('the registrar shows it renewed to');
    const lagging = listingOnly(t.registrar, 'a.com', oldMs + HOUR);
    t.advance('3d');
    const run = await t.renew({ deps: { registrar: lagging } });
    t.advance('1h');
    await t.registrar.listDomains({});
    expect({
      reason: run.plan.decisions.find((d) => d.domain.domainName === 'a.com')?.reason,
      submissions: t.registrar.submissions().length,
      expiry: t.expiry('a.com'),
    }).toEqual({ reason: 'shown-renewed', submissions: 1, expiry: addYearsUtc(oldMs, 1) });
  });
});
