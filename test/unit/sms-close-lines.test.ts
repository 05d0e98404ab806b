import type { Digest, DomainOutcome, NotifyPolicy } from '../../lib/notify/port';
import { DEFAULT_SMS_EVENTS, NOTIFY_EVENTS } from '../../lib/policy/schema';
import { renderDigest } from '../../lib/renewal/digest';
import { publishCombined } from '../helpers/accounts-room';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 11, 7, 6);
const policy: NotifyPolicy = { events: NOTIFY_EVENTS, smsEvents: DEFAULT_SMS_EVENTS };

/** A check digest's stuck line of a task still queued 18 hours before the domain's expiry (notices.ts 'stuck'). */
const stuckNear: DomainOutcome = {
  domain: 'near-a.com',
  event: 'stuck',
  batchId: 'b-near',
  taskNo: 'T-near',
  oldExpiryMs: NOW + 18 * HOUR,
  years: 1,
  daysLeft: 0,
  reason: 'task not finished in time; it expires in 18 hours: look the task up in the console task list now',
};
/** A failure 20 days from its expiry that needs nothing now (someone renewed it in the console first). */
const failedFar: DomainOutcome = {
  domain: 'far-b.com',
  event: 'failed',
  batchId: 'b-far',
  taskNo: 'T-far',
  oldExpiryMs: NOW + 20 * DAY,
  years: 1,
  reason: 'the registrar shows it renewed to 2027-12-27 (renewed elsewhere): nothing to do',
};
const digest = (outcomes: DomainOutcome[], error?: Digest['error']): Digest => ({
  job: 'check',
  runId: 'r1',
  nowMs: NOW,
  outcomes,
  ...(error ? { error } : {}),
});

/** The one message of a check run over accounts with these outcomes (each account renders, the room combines). */
function combined(outcomes: Record<string, DomainOutcome[]>) {
  return publishCombined(
    'check',
    Object.fromEntries(Object.entries(outcomes).map(([label, lines]) => [label, digest(lines)])),
    policy,
  );
}

/**
 * Review 2026-12-07 (990a4b5) made one account's SMS name a paging line of a domain within 7 days of its expiry
 * before a more severe event's line far from it. Over several accounts the combined SMS is still picked by event
 * severity alone (only a will-lapse line, `smsLapsing`, is preferred): account b's far failure takes the SMS and the
 * domain lapsing tomorrow in account a was only "(+1 more account alerting)" (review 2026-12-07, twenty-sixth session).
 */
describe('combined SMS of several accounts: a stuck task about to lapse', () => {
  test('control: one account with both lines names near-a.com', () => {
    const m = renderDigest(digest([stuckNear, failedFar]), policy);
    expect(m?.sms).toContain('near-a.com');
  });

  test('account a has the stuck task 18 h from expiry, account b a failure 20 days out: the SMS names near-a.com', async () => {
    const sent = await combined({ a: [stuckNear], b: [failedFar] });
    expect(sent?.email).toContain('near-a.com');
    expect(sent?.severity).toBe('alert');
    expect(sent?.sms ?? '').toContain('near-a.com');
  });
});

/**
 * Within one account: a job error takes the SMS's detail except from a domain "within 7 days of lapsing"
 * (docs/design.md, Notices), but only a will-lapse line counts as one. An in-flight domain never gets a will-lapse
 * line (check watches it), so its stuck line 18 hours before the expiry is the only notice of it, and the daily
 * "renew has not run" error of the same check digest hides its name from the SMS.
 */
describe('one account: a job error beside a stuck task about to lapse', () => {
  test('the SMS names near-a.com before the error', () => {
    const m = renderDigest(
      digest([stuckNear], {
        // check.ts readRenewSilence, as silence.ts describeSilence words it.
        message:
          'the renew job has not run for 37 hours (last run 2026-12-05 17:00 UTC): nothing is bought and no will-lapse warning is sent',
        fix: 'look at the renew function: its schedule (enabled?), its reserved concurrency (0 stops it), its errors and timeouts in CloudWatch; run `autorenew plan` to see what is due',
      }),
      policy,
    );
    expect(m?.severity).toBe('alert');
    expect(m?.email).toContain('near-a.com');
    expect(m?.sms).toContain('near-a.com');
  });
});

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

// 706c930 made smsNamesLapse (digest.ts) count a paging line of ANY event within 7 days of its old expiry as
// "lapsing" (smsLapsing), and the combined SMS of several accounts (account-digest.ts) takes the lapsing account
// with the soonest expiry. A `resolved` line ("the expiry shows the renewal": a domain now safe) or a `failed` line
// saying "renewed elsewhere: nothing to do" carries the OLD expiry, so a domain renewed 2 days before its old expiry
// counted as lapsing, and took the SMS from another account's real will-lapse line 5 days out (review 2026-12-07,
// twenty-sixth session, of that day's fix): only a line with something to do counts now.
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
