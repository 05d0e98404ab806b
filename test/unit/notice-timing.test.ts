import { executeRenew } from '../../lib/jobs';
import type { DomainOutcome } from '../../lib/notify/port';
import { given } from '../helpers/builder';
import type { FakeDomain } from '../helpers/memory-registrar';

/**
 * Review k (time, dates, expiries). The advance notice's mark is stamped when the digest is published
 * (deliverNotices: deps.clock.now()), i.e. after the run listed, priced and sent: seconds to minutes after the
 * plan's `nowMs`. The planner then compares the next days' plan times (taken at the start of each daily run) with
 * `noticedAtMs + advanceDays`, so the run on the day the notice announced ("to be bought from <date>") is always a
 * little early and the purchase slips a full day. And the lapse guard (`buyFromMs + DAY_MS <= expiry`, plan.ts)
 * assumes the next daily run comes exactly 24 h later: no slack for a run that starts a little late.
 */

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-29T06:00:00Z');
/** How long a run takes from its plan to its published digest (listing, prices, sends). */
const RUN_MS = 30_000;

async function world(domains: (string | FakeDomain)[], policy: Record<string, unknown>) {
  const t = await given({ domains, policy, now: T0 });
  // The digest goes out at the end of the run: the listing alone (pages, QPS) takes time after the plan's clock
  // read, so the clock has moved on when the notice's mark is stamped.
  const list = t.registrar.listDomains.bind(t.registrar);
  t.registrar.listDomains = async (q) => {
    const out = await list(q);
    t.clock.advance(RUN_MS);
    return out;
  };
  let runs = 0;
  const runAt = (ms: number) => {
    t.clock.set(ms);
    return executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: `k${++runs}` });
  };
  const upcoming = () =>
    t.notifier.sent.flatMap((m) => m.digest?.outcomes.filter((o) => o.event === 'upcoming') ?? []) as DomainOutcome[];
  return Object.assign(t, { runAt, upcoming });
}

describe('advance notice timing (review k)', () => {
  test('the domain is bought on the day the notice announced, not a day later', async () => {
    const t = await world(['a.com+20d'], { notify: { advanceDays: 7 } });
    await t.runAt(T0);
    const [line] = t.upcoming();
    expect(line?.reason).toBe('to be bought from 2026-12-06; to stop it: autorenew hold a.com');
    // Daily runs at the same time of day, each planning at 06:00:00 UTC.
    for (let day = 1; day <= 7; day++) await t.runAt(T0 + day * DAY);
    // 2026-12-06 is T0 + 7 days: the notice said it would be bought from then.
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com']);
  });

  test('waiting out the notice does not let the domain expire: a daily run a minute late is past the expiry', async () => {
    // A 2-day window with no grace (the policy check accepts 2 days as wide enough for a daily run).
    const expiry = T0 + 8 * DAY + 60_000;
    const t = await world([{ domainName: 'a.com', expiresAtMs: expiry }], {
      notify: { advanceDays: 7 },
      window: { daysBeforeExpiry: 2, daysAfterExpiry: 0 },
    });
    await t.runAt(T0); // announced: comes due within the notice period
    expect(t.upcoming().map((o) => o.domain)).toEqual(['a.com']);
    for (let day = 1; day <= 7; day++) await t.runAt(T0 + day * DAY);
    // The run of day 7 waited (its plan was 30 s before noticedAt + 7 days) on the assumption that the next run
    // comes by expiry; it comes 61 s late (schedule jitter, a cold start): the domain is past its window.
    await t.runAt(T0 + 8 * DAY + 61_000);
    // Today: the day-8 run plans it `past-window` and sends a will-lapse line; nothing was ever bought.
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com']);
    const bought = t.registrar.tasks[0]?.createdAtMs;
    expect(bought).toBeDefined();
    expect(bought as number).toBeLessThan(expiry);
  });
});
