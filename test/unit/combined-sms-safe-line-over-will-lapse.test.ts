import { createAccountsRoom } from '../../lib/jobs/accounts';
import { createLogger } from '../../lib/log';
import type { Digest, DomainOutcome, NotifyPolicy } from '../../lib/notify/port';
import { DEFAULT_SMS_EVENTS, NOTIFY_EVENTS } from '../../lib/policy/schema';
import { renderDigest } from '../../lib/renewal/digest';
import { createCapturingNotifier } from '../helpers/world';

// 706c930 made smsNamesLapse (digest.ts) count a paging line of ANY event within 7 days of its old expiry as
// "lapsing" (smsLapsing), and the combined SMS of several accounts (account-digest.ts) takes the lapsing account
// with the soonest expiry. A `resolved` line ("the expiry shows the renewal": a domain now safe) or a `failed` line
// saying "renewed elsewhere: nothing to do" carries the OLD expiry, so a domain renewed 2 days before its old expiry
// counted as lapsing, and took the SMS from another account's real will-lapse line 5 days out (review 2026-12-07,
// twenty-sixth session, of that day's fix): only a line with something to do counts now.
const quietLog = createLogger({ sink: () => {} });
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 11, 7, 6);
const policy: NotifyPolicy = { events: NOTIFY_EVENTS, smsEvents: DEFAULT_SMS_EVENTS };

/** Account a: due and not being bought, 5 days left (a will-lapse line that pages). */
const willLapse: DomainOutcome = {
  domain: 'lapsing-a.com',
  event: 'will-lapse',
  batchId: '-',
  oldExpiryMs: NOW + 5 * DAY + 3 * HOUR,
  years: 1,
  daysLeft: 5,
  reason: 'held: renew by hand or change the policy',
};
/** Account b: an UNKNOWN batch settled, the expiry shows the renewal (notices.ts 'resolved'): nothing to do. */
const resolvedSafe: DomainOutcome = {
  domain: 'safe-b.com',
  event: 'resolved',
  batchId: 'b-1',
  oldExpiryMs: NOW + 2 * DAY,
  years: 1,
  reason: 'the expiry shows the renewal',
};
const digest = (outcomes: DomainOutcome[]): Digest => ({ job: 'check', runId: 'r1', nowMs: NOW, outcomes });

async function combined(outcomes: Record<string, DomainOutcome[]>) {
  const primary = createCapturingNotifier();
  const labels = Object.keys(outcomes);
  const room = createAccountsRoom({ job: 'check', runId: 'r1', labels, primary, log: quietLog });
  await Promise.all(
    labels.map((label) => {
      const notifier = room.notifierFor(label);
      const rendered = renderDigest(digest(outcomes[label] ?? []), policy, notifier);
      if (!rendered) throw new Error('expected a message');
      return notifier.publish(rendered);
    }),
  );
  expect(primary.sent).toHaveLength(1);
  return primary.sent[0];
}

describe('combined SMS: a settled domain close to its old expiry does not take the SMS from a will-lapse line', () => {
  test('account a will lapse in 5 days, account b was just renewed (resolved): the SMS names lapsing-a.com', async () => {
    const sent = await combined({ a: [willLapse], b: [resolvedSafe] });
    expect(sent?.severity).toBe('alert');
    expect(sent?.sms ?? '').toContain('lapsing-a.com');
  });

  test('the same with b\'s "renewed elsewhere: nothing to do" failure 2 days before its old expiry', async () => {
    const failedNothingToDo: DomainOutcome = {
      ...resolvedSafe,
      event: 'failed',
      taskNo: 'T-b',
      reason: 'the registrar shows it renewed to 2027-12-09 (renewed elsewhere): nothing to do',
    };
    const sent = await combined({ a: [willLapse], b: [failedNothingToDo] });
    expect(sent?.sms ?? '').toContain('lapsing-a.com');
  });
});
