import { createAccountsRoom } from '../../lib/jobs/accounts';
import { createLogger } from '../../lib/log';
import type { Digest, DomainOutcome, NotifyPolicy } from '../../lib/notify/port';
import { renderDigest } from '../../lib/renewal/digest';
import { createCapturingNotifier } from '../helpers/world';

const quietLog = createLogger({ sink: () => {} });
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
    const primary = createCapturingNotifier();
    const labels = ['a', 'b'];
    const room = createAccountsRoom({ job: 'renew', runId: 'r1', labels, primary, log: quietLog });
    const outcomes: Record<string, DomainOutcome[]> = {
      a: [lapse('far-a.com', aDays)],
      b: [lapse('tomorrow-b.com', 1)],
    };
    await Promise.all(
      labels.map((label) => {
        const notifier = room.notifierFor(label);
        const rendered = renderDigest(digest(outcomes[label] ?? []), policy, notifier);
        if (!rendered) throw new Error('expected a message');
        return notifier.publish(rendered);
      }),
    );
    expect(primary.sent).toHaveLength(1);
    expect(primary.sent[0]?.email).toContain('tomorrow-b.com');
    expect(primary.sent[0]?.sms ?? '').toContain('tomorrow-b.com');
  });
});
