import { RejectedRetryableError } from '../../lib/errors';
import { given } from '../helpers/builder';
import { runSchedule } from '../helpers/schedule';

/**
 * Review 2026-12-06, round 8 (silent lapses): a renewal the registrar does not accept (a retryable refusal that outlasts the client's retries, every
 * day) is "held back" (`not-submitted`: no attempt counted, so never `max-attempts`) and told only by `deferred`
 * lines; a will-lapse line comes only within the last day. `deferred` is not one of the events policy/schema.ts
 * REQUIRED_EVENTS keeps, so a valid policy without it heard nothing of the domain at 7 or 3 days left. A deferral
 * that is not quiet (within 7 days of the expiry) is now carried whatever notify.events says, as a failure is.
 */
const DAY = 86_400_000;

describe('a submit refused every day, with a policy whose notify.events leaves out "deferred"', () => {
  test('the domain is named every day of its last week (its deferred line), not only on its last day', async () => {
    const t = await given({
      domains: ['a.com+9d'],
      policy: {
        notify: {
          events: ['submitted', 'renewed', 'failed', 'unknown', 'stuck', 'error', 'will-lapse', 'resolved'],
        },
      },
    });
    const expiry = t.expiry('a.com') as number;
    t.registrar.faults.before = (op) => {
      if (op === 'submitRenewBatch')
        throw new RejectedRetryableError('submit failed after 5 attempts: ServiceUnavailable (test)', {
          code: 'ServiceUnavailable',
        });
    };
    await runSchedule(t, 9 * 24);
    // Days left at each line naming a.com (deferred or will-lapse) in a digest sent before its expiry.
    const told = t.notifier.sent
      .filter((m) => (m.digest?.nowMs ?? 0) < expiry)
      .flatMap((m) => (m.digest?.outcomes ?? []).map((o) => ({ ...o, at: m.digest?.nowMs ?? 0 })))
      .filter((o) => o.domain === 'a.com' && (o.event === 'deferred' || o.event === 'will-lapse'))
      .map((o) => `${o.event} ${Math.floor((expiry - o.at) / DAY)}`);
    expect({ bought: t.registrar.tasks.length, told: [...new Set(told)] }).toEqual({
      bought: 0,
      told: expect.arrayContaining(['deferred 7', 'deferred 3', 'deferred 1']),
    });
    // What the person reads: the order was not accepted, and the next run tries again (true: it does).
    const text = t.notifier.sent.map((m) => m.email).join('\n');
    expect(text).toMatch(/a\.com[^\n]*the order was not accepted \(submit failed after 5 attempts: ServiceUnavailable/);
  });
});
