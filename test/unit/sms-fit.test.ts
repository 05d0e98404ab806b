import { createAccountsRoom } from '../../lib/jobs/accounts';
import { createLogger } from '../../lib/log';
import type { Digest, DomainOutcome, NotifyPolicy } from '../../lib/notify/port';
import { gsm7Length, SMS_TEXT_SEPTETS } from '../../lib/notify/text/gsm7';
import { DEFAULT_SMS_EVENTS, NOTIFY_EVENTS } from '../../lib/policy/schema';
import { renderDigest } from '../../lib/renewal/digest';
import { createCapturingNotifier } from '../helpers/world';

/**
 * The combined multi-account SMS and the SMS fit chain (digest.ts renderSms, account-digest.ts accountSmsBudget /
 * combineAccountParts), review 2026-12-06: a long digest kept its counts and cut the lapsing domain to nothing, and
 * another account's job error took the combined SMS from a domain lapsing tomorrow.
 */
const NOW = Date.UTC(2026, 11, 6, 6, 0, 0);
const DAY = 86_400_000;
const quietLog = createLogger({ sink: () => {} });
/** The default notify policy: every event in the email, the default SMS events. */
const policy: NotifyPolicy = { events: [...NOTIFY_EVENTS], smsEvents: [...DEFAULT_SMS_EVENTS] };
/** renew.ts's error when the hourly check has stopped (the one a4476df was about). */
const CHECK_SILENT = {
  message:
    'the check job has not run for 40 hours (last run 2026-12-04 14:00 UTC): renewals sent are not confirmed, and one that failed is neither retried nor told',
};
const line = (p: Partial<DomainOutcome> & Pick<DomainOutcome, 'domain' | 'event'>): DomainOutcome => ({
  batchId: '-',
  oldExpiryMs: NOW + 20 * DAY,
  years: 1,
  ...p,
});
/** A domain lapsing tomorrow, held back by the run's count limit: the line that must page, by name. */
const lapsing = line({
  domain: 'shop.example.com',
  event: 'will-lapse',
  daysLeft: 1,
  oldExpiryMs: NOW + DAY,
  reason: 'over-run-limit',
});
const renewDigest = (outcomes: DomainOutcome[], error = CHECK_SILENT): Digest => ({
  job: 'renew',
  runId: 'r1',
  nowMs: NOW,
  error,
  outcomes,
});

async function combined(labels: string[], digests: Digest[]): Promise<string> {
  const primary = createCapturingNotifier();
  const room = createAccountsRoom({ job: 'renew', runId: 'r1', labels, primary, log: quietLog });
  await Promise.all(
    labels.map((label, i) => {
      const notifier = room.notifierFor(label);
      const rendered = renderDigest(digests[i] as Digest, policy, notifier);
      if (!rendered) throw new Error('expected a message');
      return notifier.publish(rendered);
    }),
  );
  expect(primary.sent).toHaveLength(1);
  return primary.sent[0]?.sms ?? '';
}

describe('the SMS fit chain: the domain about to lapse is kept before the counts', () => {
  test('two accounts, a renew digest with the check-silent error and a domain lapsing tomorrow: the SMS names the domain', async () => {
    // An ordinary daily renew digest of the account: something deferred, renewed, upcoming, plus the domain
    // lapsing tomorrow and the "check has not run" error. Its counts take most of the account's share of the SMS
    // (142 - "[production-europe-main] " - " (+1 more account alerting)" = 90 septets); renderSms's last resort
    // keeps the counts and " See email." and cuts "First: <domain>" to nothing.
    const labels = ['production-europe-main', 'production-asia-second'];
    const main = renewDigest([
      lapsing,
      line({ domain: 'other.example.com', event: 'deferred', reason: 'over-spend' }),
      line({ domain: 'done.example.com', event: 'renewed', batchId: 'b-1', newExpiryMs: NOW + 400 * DAY }),
      line({ domain: 'soon.example.com', event: 'upcoming' }),
    ]);
    const second = renewDigest([], CHECK_SILENT);
    const sms = await combined(labels, [main, second]);
    expect(gsm7Length(sms)).toBeLessThanOrEqual(SMS_TEXT_SEPTETS);
    expect(sms).toContain('shop.example.com');
  });

  test('the same with short account names (cn-main, intl)', async () => {
    const main = renewDigest([
      lapsing,
      line({ domain: 'other.example.com', event: 'deferred', reason: 'over-spend' }),
      line({ domain: 'done.example.com', event: 'renewed', batchId: 'b-1', newExpiryMs: NOW + 400 * DAY }),
      line({ domain: 'soon.example.com', event: 'upcoming' }),
    ]);
    const sms = await combined(['cn-main', 'intl'], [main, renewDigest([])]);
    expect(sms).toContain('shop.example.com');
  });

  test('the same digest rendered within 100 septets drops the counts before it cuts the domain', () => {
    const digest = renewDigest([
      lapsing,
      line({ domain: 'other.example.com', event: 'deferred', reason: 'over-spend' }),
      line({ domain: 'done.example.com', event: 'renewed', batchId: 'b-1', newExpiryMs: NOW + 400 * DAY }),
      line({ domain: 'soon.example.com', event: 'upcoming' }),
    ]);
    const sms = renderDigest(digest, policy, { maxSmsSeptets: 100 })?.sms ?? '';
    expect(gsm7Length(sms)).toBeLessThanOrEqual(100);
    // docs/design.md: "An SMS that does not fit drops ' See email.', then the counts, then 'First: ' before it cuts
    // the domain name".
    expect(sms).toContain('shop.example.com');
  });
});

describe("the combined SMS: a domain lapsing tomorrow comes before another account's job error", () => {
  test('check stopped for the whole deployment: every account carries the error; the SMS names the one account whose domain lapses tomorrow', async () => {
    // a4476df: within one account a domain within 7 days of lapsing is named before a job error. Across accounts
    // the room ranks by the digests' most severe event ('error' for both), so the first account in the list,
    // with nothing about to lapse, takes the SMS and the lapsing domain is "(+1 more account alerting)".
    const labels = ['eu', 'asia'];
    const eu = renewDigest([
      line({ domain: 'fine.example.com', event: 'renewed', batchId: 'b-1', newExpiryMs: NOW + 400 * DAY }),
    ]);
    const asia = renewDigest([lapsing]);
    const sms = await combined(labels, [eu, asia]);
    expect(sms).toContain('shop.example.com');
  });

  test('one account with a job error, the other with a domain lapsing tomorrow: the SMS names the domain', async () => {
    const labels = ['eu', 'asia'];
    const eu: Digest = {
      job: 'renew',
      runId: 'r1',
      nowMs: NOW,
      error: { message: 'QueryDomainList: the registrar did not answer (timeout after 5 attempts)' },
      outcomes: [],
    };
    const asia: Digest = { job: 'renew', runId: 'r1', nowMs: NOW, outcomes: [lapsing] };
    const sms = await combined(labels, [eu, asia]);
    expect(sms).toContain('shop.example.com');
  });
});
