import { executeCheck, executeRenew } from '../../lib/jobs';
import { adviceKindOf } from '../../lib/notify/text/advice';
import { domainKey } from '../../lib/sandbox/tld';
import { given, policyOf } from '../helpers/builder';
import { listingOnly } from '../helpers/faulty';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Review 2026-12-07 (twenty-eighth session, policy-edit helper). An operator edits the policy while a renewal this tool sent waits in Alibaba's queue. The planner decides
 * premium, past-window, registrar-auto-renew (and opted-out, rule-conflict, group-unknown) BEFORE it reads the
 * ledger (plan.ts decideOne; plan-listing.ts AFTER_IN_FLIGHT reads claims only for the reasons after it), so a domain
 * whose renewal is queued gets a will-lapse line whose advice is the bare "renew them by hand in the console"
 * (an SMS at 7 days or fewer). A person who does so buys the expiry a second time when the queued order runs. Now
 * such a domain's own claim is read too, and its line says to look first (plan-listing.ts markOwnRenewals).
 */
const cases = [
  {
    name: 'limits.allowPremium true -> false',
    domain: 'p.com+5d premium',
    before: { limits: { allowPremium: true } },
    after: { limits: { allowPremium: false } },
  },
  {
    name: 'window.daysAfterExpiry 30 -> 1 (an expired domain bought in its grace period)',
    domain: 'p.com-2d',
    before: { window: { daysBeforeExpiry: 30, daysAfterExpiry: 30 } },
    after: { window: { daysBeforeExpiry: 30, daysAfterExpiry: 1 } },
  },
  {
    name: 'money.registrarAutoRenew "renew" -> "skip"',
    domain: 'p.com+5d autorenew',
    before: { money: { currency: 'CNY', registrarAutoRenew: 'renew' } },
    after: { money: { currency: 'CNY', registrarAutoRenew: 'skip' } },
  },
  {
    // No edit at all: bought on the last day of its window, the order still queued when the window ends.
    name: 'no edit: daysAfterExpiry 3, bought 2.5 days after expiry, the window ends while it is queued',
    domain: 'p.com-60h',
    before: { window: { daysBeforeExpiry: 30, daysAfterExpiry: 3 } },
    after: { window: { daysBeforeExpiry: 30, daysAfterExpiry: 3 } },
  },
];

describe('policy edited while our own renewal waits in the queue', () => {
  test.each(cases)('$name: no bare "renew by hand" line while it is queued; bought once', async (c) => {
    const t = await given({ domains: [c.domain], policy: c.before, rejectStaleExpiry: false });
    const old = t.expiry('p.com') as number;
    // Alibaba's queue holds the task for 3 days (README: tasks wait "for hours or days").
    let queueMs = 3 * DAY;
    t.registrar.faults.queueMs = () => queueMs;
    let policy = t.policy;
    let n = 0;
    const start = t.clock.now();
    const lines: { reason: string; advice: string | undefined }[] = [];
    const collect = () => {
      for (const m of t.notifier.sent.splice(0))
        for (const o of m.digest?.outcomes ?? [])
          if (o.domain === 'p.com' && o.event === 'will-lapse')
            lines.push({ reason: o.reason ?? '', advice: adviceKindOf(o) });
    };
    for (let h = 0; h <= 48; h++) {
      if (h === 20) policy = policyOf(c.after); // the operator's edit, deployed between runs
      if (h % 24 === 0) {
        t.clock.set(start + h * HOUR);
        await executeRenew(t.deps(), { policy, dryRun: false, runId: `r${++n}` });
      }
      t.clock.set(start + h * HOUR + 5 * 60_000);
      await executeCheck(t.deps(), { policy, runId: `c${++n}` });
      collect();
    }
    // Sanity: one order sent, still queued, nothing executed yet.
    expect(t.registrar.submissions()).toHaveLength(1);
    expect(t.expiry('p.com')).toBe(old);

    const bare = lines.filter((l) => l.advice === 'will-lapse');
    if (bare.length > 0) {
      // The person does what the line says: renews it by hand in the console (it runs at once).
      queueMs = 0;
      await t.registrar.submitRenewBatch({
        items: [{ domainName: 'p.com', currentExpiryMs: old, years: 1, permitPremium: true }],
      });
    }
    t.advance('4d'); // the queued order runs
    await executeCheck(t.deps(), { policy, runId: `c${++n}` });
    const years = Math.round(((t.expiry('p.com') as number) - old) / (365 * DAY));
    expect({ told: bare.map((l) => `${l.advice}: ${l.reason}`), yearsBought: years }).toEqual({
      told: [],
      yearsBought: 1,
    });
    // Told all the same, to look first: the order may still fail.
    expect(lines.filter((l) => l.advice === 'will-lapse-look').map((l) => l.reason)).toContainEqual(
      expect.stringMatching(/a renewal of it this tool sent is still in flight: look at it in the console/),
    );
  });
});

/**
 * A renewal of ours recorded renewed (its batch closed), the lagging listing showing the old expiry, and an edit that
 * makes the domain premium-skipped: the line says to look first. The review of the first version (markOwnRenewals
 * read only the listed key's claim) found a listing that cuts the expiry to the day told the bare "renew it by hand":
 * the account's own claims under other readings (readOwnOtherReadings) are read for these domains too. Read an hour
 * off, the claim is not found: the known gap of renewed-read-differently-late.test.ts (one Query per domain).
 */
async function recordedRenewedThenListed(shown: (old: number) => number) {
  const t = await given({ domains: ['p.com+5d premium'], policy: { limits: { allowPremium: true } } });
  const old = t.expiry('p.com') as number;
  expect(old % DAY).not.toBe(0);
  await t.renew();
  t.advance('10m');
  await t.check();
  expect(t.expiry('p.com')).toBeGreaterThan(old);
  expect((await t.ledger.listClaimsForDomain('p.com'))[0]).toMatchObject({ status: 'RENEWED' });
  t.notifier.sent.splice(0);
  await executeRenew(t.deps({ registrar: listingOnly(t.registrar, 'p.com', shown(old)) }), {
    policy: policyOf({ limits: { allowPremium: false } }),
    dryRun: false,
    runId: 'r-after',
  });
  const lines = t.notifier.sent.flatMap((m) => m.digest?.outcomes ?? []).filter((o) => o.event === 'will-lapse');
  return lines.map((o) => [adviceKindOf(o), o.reason]);
}
const LOOK_FIRST_RENEWED = [
  [
    'will-lapse-look',
    expect.stringMatching(/^premium: .*a renewal of it this tool sent is recorded renewed: look at it in the console/),
  ],
];

test.each([
  ['at its exact old expiry', (old: number) => old],
  ['cut to the UTC day', (old: number) => Math.floor(old / DAY) * DAY],
])('a renewal recorded renewed, listed again %s: "look first"', async (_name, shown) => {
  expect(await recordedRenewedThenListed(shown)).toEqual(LOOK_FIRST_RENEWED);
});

test.failing('a renewal recorded renewed, listed again an hour off: "look first" (KNOWN, NOT FIXED)', async () => {
  expect(await recordedRenewedThenListed((old) => old - HOUR)).toEqual(LOOK_FIRST_RENEWED);
});

/**
 * Review of the look-first line (2026-12-07, twenty-eighth session): the "look first: a renewal of it this tool sent is still in flight" line takes the same
 * one-time mark as the bare line would (will-lapse.ts lapseWarningOf: chosen reasons such as premium and past-window
 * share one mark per threshold and are not told again after the expiry). When the queued order then FAILS after the
 * last threshold's line went out, the bare "renew it by hand" line is never sent: the planner skips the domain as
 * premium (never retried), check's failed line says "retried after the backoff", and the domain lapses with a
 * person told only to look first (and, having looked, seeing the queued order, to wait). The look-first line now has a
 * mark of its own (`#own`).
 */
test('premium after an allowPremium edit, our queued order fails after the 1-day look-first line: a person is told to renew by hand', async () => {
  const t = await given({ domains: ['p.com+3d premium'], policy: { limits: { allowPremium: true } } });
  const old = t.expiry('p.com') as number;
  t.registrar.faults.queueMs = () => 2.5 * DAY; // queued, runs (and fails) about 12 h before the expiry
  t.registrar.faults.failDomain = (name) => (name === 'p.com' ? 'registry system busy, order cancelled' : undefined);
  let policy = t.policy;
  const start = t.clock.now();
  const lines: { h: number; event: string; advice: string | undefined; reason: string; retry?: string }[] = [];
  let n = 0;
  for (let h = 0; h <= 24 * 9; h++) {
    if (h === 20) policy = policyOf({ limits: { allowPremium: false } });
    if (h % 24 === 0) {
      t.clock.set(start + h * HOUR);
      await executeRenew(t.deps(), { policy, dryRun: false, runId: `r${++n}` });
    }
    t.clock.set(start + h * HOUR + 5 * 60_000);
    await executeCheck(t.deps(), { policy, runId: `c${++n}` });
    for (const m of t.notifier.sent.splice(0))
      for (const o of m.digest?.outcomes ?? [])
        if (o.domain === 'p.com')
          lines.push({
            h,
            event: o.event,
            advice: adviceKindOf(o),
            reason: o.reason ?? '',
            ...(o.retry ? { retry: o.retry.state } : {}),
          });
  }
  // Sanity: one order, it failed, never retried (premium), the domain is past its expiry unrenewed.
  expect(t.registrar.submissions()).toHaveLength(1);
  expect(t.expiry('p.com')).toBe(old);
  const failedAt = lines.find((l) => l.event === 'failed')?.h;
  expect(failedAt).toBeDefined();
  // Before this commit the lines at 2 and 1 days were bare (a person renewing then would have bought twice had the
  // order run). Now no line is bare, ever: what a correct tool sends once the order failed is a bare line.
  const afterFailure = lines.filter((l) => l.h >= (failedAt as number));
  expect(afterFailure).toContainEqual(expect.objectContaining({ event: 'will-lapse', advice: 'will-lapse' }));
});

/**
 * Review 2026-12-07 (twenty-eighth session) of 5ae0789. markOwnRenewals (plan-listing.ts) calls a lapsing domain's own renewal 'in-flight' or
 * 'renewed' from live / RENEWED claims only: a claim whose row failed while the registrar showed the domain renewed
 * (check's renewed-anyway: FAILED, code renewed-elsewhere, "do not renew it by hand") is neither. Since 5ae0789 the
 * look-first line has its own mark (`#own`), so once our queued order's row fails "renewed all the same" the bare
 * line of the same threshold is owed and goes out at the next renew run: "Will lapse ... renew them by hand", for a
 * domain the registrar showed renewed to old + 1 year (listing lagging). A person doing so buys the expiry a second
 * time (M1). The same domain not premium-skipped gets `shown-renewed`, a look-first reason. Such a claim now counts as
 * renewed.
 */
test('premium after an edit, our queued order "renewed all the same": no bare "renew by hand" line', async () => {
  const t = await given({ domains: ['p.com+5d premium'], policy: { limits: { allowPremium: true } } });
  const old = t.expiry('p.com') as number;
  t.registrar.faults.queueMs = () => 1 * DAY; // queued; runs just after the second renew run
  t.registrar.faults.failDomain = (name) => (name === 'p.com' ? 'registry system busy' : undefined);
  const start = t.clock.now();
  const lines: { h: number; event: string; advice: string | undefined; reason: string }[] = [];
  const collect = (h: number) => {
    for (const m of t.notifier.sent.splice(0))
      for (const o of m.digest?.outcomes ?? [])
        if (o.domain === 'p.com') lines.push({ h, event: o.event, advice: adviceKindOf(o), reason: o.reason ?? '' });
  };
  await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r1' });
  collect(0);
  const edited = policyOf({ limits: { allowPremium: false } });
  t.clock.set(start + 23 * HOUR);
  await executeRenew(t.deps(), { policy: edited, dryRun: false, runId: 'r2' });
  collect(23);
  // Our order runs; its row fails, but the registrar shows the domain renewed to old + 1 year all the same.
  t.clock.set(start + DAY + 10 * 60_000);
  const d = t.registrar.domains.get(domainKey('p.com'));
  if (d) d.expiresAtMs = old + 365 * DAY;
  await executeCheck(t.deps(), { policy: edited, runId: 'c1' });
  collect(24);
  // The next daily run: its listing still shows the old expiry (lagging).
  t.clock.set(start + 47 * HOUR);
  await executeRenew(t.deps({ registrar: listingOnly(t.registrar, 'p.com', old) }), {
    policy: edited,
    dryRun: false,
    runId: 'r3',
  });
  collect(47);
  // Sanity: one order; check told the person it was renewed all the same, do not renew by hand.
  expect(t.registrar.submissions()).toHaveLength(1);
  expect(lines).toContainEqual(expect.objectContaining({ h: 24, event: 'failed', advice: 'renewed-anyway' }));
  expect(lines).toContainEqual(expect.objectContaining({ h: 23, event: 'will-lapse', advice: 'will-lapse-look' }));
  const bare = lines.filter((l) => l.event === 'will-lapse' && l.advice === 'will-lapse');
  expect(bare).toEqual([]);
});
