import type { Digest, DomainOutcome, NotifyPolicy } from '../../lib/notify/port';
import { renderDigest } from '../../lib/renewal/digest';
import { publishCombined } from '../helpers/accounts-room';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 6, 6);
const policy: NotifyPolicy = { events: ['will-lapse', 'error'], smsEvents: ['will-lapse', 'error'] };

function lapse(domain: string, daysLeft: number): DomainOutcome {
  return {
    domain,
    event: 'will-lapse',
    batchId: '-',
    oldExpiryMs: NOW + daysLeft * DAY,
    years: 1,
    daysLeft,
    reason: 'max-attempts: failed 3 times; needs a human',
  };
}
const digest = (outcomes: DomainOutcome[]): Digest => ({ job: 'renew', runId: 'r1', nowMs: NOW, outcomes });

/**
 * Within one account the SMS names the domain still to save: lines sort soonest first and an expired line after
 * those still to come. With several accounts the combined SMS was the first lapsing account's, whatever how close its
 * domain was: the domain expiring tomorrow in the other account was only "(+1 more account alerting)" (review
 * 2026-12-07, twenty-fifth session).
 */
describe('combined SMS of several accounts: names the domain closest to lapsing', () => {
  test('control: one account with both lines names the one expiring tomorrow', () => {
    const m = renderDigest(digest([lapse('expired-a.com', -5), lapse('tomorrow-b.com', 1)]), policy);
    expect(m?.sms).toContain('tomorrow-b.com');
  });

  test.each([
    ['a domain already 5 days expired', -5],
    ['a domain 7 days out', 7],
  ])('account a has %s, account b a domain expiring tomorrow: the SMS names b’s', async (_what, aDays) => {
    const sent = await publishCombined(
      'renew',
      { a: digest([lapse('far-a.com', aDays)]), b: digest([lapse('tomorrow-b.com', 1)]) },
      policy,
    );
    expect(sent?.email).toContain('tomorrow-b.com');
    expect(sent?.sms ?? '').toContain('tomorrow-b.com');
  });
});
