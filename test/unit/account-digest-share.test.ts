import type { Digest, DomainOutcome } from '../../lib/notify/port';
import { DEFAULT_SMS_EVENTS, NOTIFY_EVENTS } from '../../lib/policy/schema';
import { accountEmailBudget, combineAccountParts } from '../../lib/renewal/account-digest';
import { jsonBytes, renderDigest } from '../../lib/renewal/digest';

/**
 * renderEmail budgeted the domain lines, the head, the footer and the section heads, but not the blank line after
 * each section nor the "- ... and N more not listed" line of each section it cut. A flood in one section (hundreds of
 * 30-day will-lapse lines: Alibaba's auto-renew on for a big portfolio) cut every later section, each adding a line,
 * so the account's email overran its share (accountEmailBudget) by more than the margin combineAccountParts leaves;
 * the combined message then cut the account's own footer, the "What to do" advice (review 2026-12-07, twenty-fifth
 * session).
 */
const NOW = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

function line(event: DomainOutcome['event'], i: number, extra: Partial<DomainOutcome> = {}): DomainOutcome {
  const unbatched = ['upcoming', 'deferred', 'elsewhere', 'will-lapse'].includes(event);
  return {
    domain: `${event}-${String(i).padStart(5, '0')}.com`,
    event,
    batchId: unbatched ? '-' : `b-${i}`,
    oldExpiryMs: NOW + 30 * DAY + i * 1000,
    years: 1,
    ...extra,
  };
}

function accountDigest(lapsing: number): Digest {
  return {
    job: 'renew',
    runId: 'r1',
    nowMs: NOW,
    outcomes: [
      ...Array.from({ length: lapsing }, (_, i) =>
        line('will-lapse', i, { daysLeft: 30, reason: "registrar-auto-renew: Alibaba's own auto-renew is on" }),
      ),
      line('deferred', 1, { reason: 'not bought this run: the daily money limit', quiet: true }),
      line('unknown', 1),
      line('failed', 1, { reason: 'InternalError' }),
      line('stuck', 1),
      line('resolved', 1),
      line('submitted', 1),
      line('renewed', 1, { newExpiryMs: NOW + 400 * DAY }),
      line('upcoming', 1),
      line('elsewhere', 1),
    ],
  };
}

describe('an account digest rendered within its share of a combined message', () => {
  test.each([745, 748, 752, 755, 2000])('with %i will-lapse lines, the combined message does not cut it', (lapsing) => {
    const share = accountEmailBudget(2);
    const own = renderDigest(
      accountDigest(lapsing),
      { events: NOTIFY_EVENTS, smsEvents: DEFAULT_SMS_EVENTS },
      { maxEmailBytes: share },
    );
    if (!own) throw new Error('expected a message');
    // Within the share it was given, counted as the digests count it (JSON-escaped UTF-8).
    expect(own.email.split('\n').reduce((sum, l) => sum + jsonBytes(l), 0)).toBeLessThanOrEqual(share);
    const combined = combineAccountParts('renew', 'r1', [{ label: 'main', message: own }, { label: 'other' }]);
    expect(combined?.email).not.toContain('(cut to fit one message');
    // Every line the account rendered (its "What to do" advice included) reaches people.
    const lost = own.email.split('\n').filter((l) => l !== '' && !combined?.email.includes(l));
    expect(lost).toEqual([]);
  });
});
