import type { Billing } from '../../lib/billing/port';
import { executeRenew } from '../../lib/jobs';
import { DAY_MS } from '../../lib/renewal/dates';
import type { JobDeps } from '../../lib/renewal/deps';
import { given } from '../helpers/builder';
import { createCrashController, wrapCrashable } from '../helpers/chaos-crash';
import { hourlyChecksUntil } from '../helpers/daily-runs';

/**
 * A renew invocation killed by the Lambda timeout while planning (docs/design.md: "Planning itself still does not
 * check the time left"). The money pass waits for the balance (a throttled BSS endpoint: each call bounded, the
 * retries not) longer than the 900 s the function has; meanwhile the claims taken ahead (claim-ahead.ts) are durable:
 * INTENT batches with CLAIMED claims, no submit start. The platform kills the process: no digest, no error notice,
 * only the generic Errors alarm and the on-failure record, by email. The same state is left by a kill at any point
 * after the claims and before the submit-start write (a batch claimed ahead behind a paid call that hangs).
 *
 * `last.com` can be bought only until about 18 h after the run, so the next daily run comes too late. README M6
 * "Nothing lapses silently"; README M2: a release so late that the next daily run may come after the last day it is
 * bought "says so with an urgent will-lapse line". Before the fix (review 2026-12-07, twenty-fifth session):
 * - a renew run by hand shortly after (docs/deploy.md, Operating, "Run a job now") plans it `in-flight` (the dead
 *   run's claim is live), buys nothing and publishes nothing;
 * - the next check releases the dead run's intent ('the run stopped before submitting') with no notice at all: the
 *   batch had told nobody anything, so reconcile.ts `withResolved` adds no `resolved`, and the late-release
 *   will-lapse line that `resolved` renders (notices.ts) never goes out;
 * - the next daily run finds it past its window / grace, after its last buying moment.
 * Nothing published before that moment names the domain.
 *
 * Time: jest's fake timers drive the deadline (remainingMs = deadline - Date.now()); the jobs' clock is the builder's.
 */
async function killedWhilePlanning(domain: string, policy: Record<string, unknown>) {
  const t = await given({ domains: [domain, 'later.com+20d'], policy, balance: 1000 });
  const inner = t.billing as Billing;
  // The balance read outlives the function (throttled, retried): the money pass is still waiting at the deadline.
  const slowBilling: Billing = {
    readBalance: () =>
      new Promise((resolve, reject) => setTimeout(() => inner.readBalance().then(resolve, reject), 20 * 60_000)),
  };
  const deadline = Date.now() + 900_000;
  const remainingMs = () => deadline - Date.now();
  // The killed process: once dead, nothing it does reaches the ledger, the registrar or the topic.
  const ctl = createCrashController();
  const base = t.deps();
  const killedDeps: JobDeps = {
    ...base,
    ledger: wrapCrashable(base.ledger, ctl, 'ledger'),
    registrar: wrapCrashable(base.registrar, ctl, 'registrar'),
    notifier: wrapCrashable(base.notifier, ctl, 'notifier'),
    billing: slowBilling,
    remainingMs,
  };
  let finished = false;
  const done = () => {
    finished = true;
  };
  void executeRenew(killedDeps, { policy: t.policy, dryRun: false, runId: 'scheduled' }).then(done, done);
  while (remainingMs() > 0 && !finished) await jest.advanceTimersByTimeAsync(1_000);
  ctl.dead = true; // "Task timed out after 900.00 seconds"
  jest.useRealTimers();
  t.advance('15m');
  return t;
}

/** After the kill: a renew by hand, then hourly checks until `lastBuyMs`. What was bought, and what named it. */
async function afterTheKill(t: Awaited<ReturnType<typeof given>>, lastBuyMs: number) {
  // What the dead run left: its claim taken ahead, live.
  expect((await t.ledger.listClaimsForDomain('last.com')).map((c) => c.status)).toEqual(['CLAIMED']);
  // A person who saw the Errors alarm runs renew again by hand (docs/deploy.md, Operating, "Run a job now").
  await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'by-hand' }).catch(() => undefined);
  const named = await hourlyChecksUntil(t, lastBuyMs, 'last.com');
  const bought = t.registrar.submissions().some((s) => s.domainName === 'last.com');
  return { bought, namedBeforeLastBuy: named.length > 0 };
}

describe('a renew run killed by its timeout after claiming ahead', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  test('window.daysAfterExpiry 0: a domain expiring in 18 h is bought or named before it lapses', async () => {
    const t = await killedWhilePlanning('last.com+18h', { window: { daysBeforeExpiry: 30, daysAfterExpiry: 0 } });
    const lastBuyMs = t.expiry('last.com') as number;
    // Bought in time, or someone told about it before its last buying moment.
    expect(await afterTheKill(t, lastBuyMs)).not.toEqual({ bought: false, namedBeforeLastBuy: false });
  });

  test('default policy: a domain on the last day of its 30-day grace is bought or named before it lapses', async () => {
    const t = await killedWhilePlanning('last.com-29.25d', {});
    const lastBuyMs = (t.expiry('last.com') as number) + 30 * DAY_MS;
    expect(await afterTheKill(t, lastBuyMs)).not.toEqual({ bought: false, namedBeforeLastBuy: false });
  });
});
