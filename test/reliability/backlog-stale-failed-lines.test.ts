import { AmbiguousOutcomeError } from '../../lib/errors';
import { given } from '../helpers/builder';

/**
 * SNS down for a day: batch notices stay pending and go out together at recovery. Lines of a notice whose entry has
 * settled since are rendered as if current, and page: a failure since retried and renewed is the SMS's "First:", an
 * unknown submit since adopted and renewed is paged as unknown.
 */
describe('a backlog of pending notices at SNS recovery does not page what has settled since', () => {
  test('a failure retried and renewed during the SNS outage is not paged as a failure', async () => {
    const t = await given({ domains: ['a.com+5d'] });
    let fails = 1;
    t.registrar.faults.failDomain = (d) => (d === 'a.com' && fails-- > 0 ? 'registry said no (test)' : undefined);
    await t.renew();
    t.notifier.failNext = 1_000; // SNS down from here, for a day and a bit
    t.advance('5m');
    expect((await t.check()).failed).toBe(1);
    for (let h = 0; h < 25; h++) {
      t.advance('1h');
      await t.check();
    }
    expect((await t.renew()).summary.submitted).toBe(1); // the retry, after retryAfterHours
    for (let h = 0; h < 3; h++) {
      t.advance('1h');
      await t.check();
    }
    expect(t.expiry('a.com')).toBeGreaterThan(Date.parse('2027-12-01T00:00:00Z')); // renewed
    const before = t.notifier.sent.length;
    t.notifier.failNext = 0; // SNS back
    t.advance('1h');
    await t.check();
    const sms = t.notifier.sent
      .slice(before)
      .map((m) => m.sms)
      .join('\n');
    // Today: "autorenew: 1 failed, 2 submitted, 1 renewed. First: a.com registry said no (test). See email."
    expect(sms).not.toMatch(/a\.com registry said no/);
  });

  test('an unknown submit adopted and renewed during the SNS outage is not paged as unknown', async () => {
    const t = await given({ domains: ['a.com+5d'] });
    t.registrar.faults.afterSubmit = () => {
      throw new AmbiguousOutcomeError('socket hang up after the request was sent');
    };
    t.notifier.failNext = 1_000;
    await t.renew();
    t.registrar.faults = {};
    for (let h = 0; h < 6; h++) {
      t.advance('1h');
      await t.check();
    }
    expect(t.expiry('a.com')).toBeGreaterThan(Date.parse('2027-12-01T00:00:00Z'));
    const before = t.notifier.sent.length;
    t.notifier.failNext = 0;
    t.advance('1h');
    await t.check();
    const sms = t.notifier.sent
      .slice(before)
      .map((m) => m.sms)
      .join('\n');
    // Today: "autorenew: 1 unknown, 1 resolved, 1 renewed. First: a.com outcome unknown. See email."
    expect(sms).not.toMatch(/a\.com outcome unknown/);
  });
});
