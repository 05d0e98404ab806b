import { given } from '../helpers/builder';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * BatchEntry.lastBuyMs is written at plan time and trusted by check's failed line ever after. The versions before
 * the .hk grace fix computed it with a 30-day grace period for every TLD, so a .hk entry they stored carries
 * expiry + 30 days, two days past the registry's real last day (28). A stage upgraded while such a batch is open: its
 * failure on grace day 27 was told "retrying after the backoff", a retry that falls on day 28.1, when the planner
 * calls the domain redemption and never buys it (review 2026-12-07, twenty-fifth session). A stored lastBuyMs is
 * never later than the registry's grace allows now.
 */
test('a .hk entry an older version stored with a 30-day lastBuyMs: its failure on grace day 27 is still too late', async () => {
  const t = await given({
    domains: ['late.hk-650h'],
    policy: { window: { daysAfterExpiry: 30 } },
    taskMs: 30 * 60_000,
  });
  const expiry = t.expiry('late.hk') as number;
  let fails = 1;
  t.registrar.faults.failDomain = () => (fails-- > 0 ? 'registry temporarily unavailable (test)' : undefined);
  await t.renew();
  const [open] = await t.ledger.listOpenBatches();
  if (!open) throw new Error('no open batch');
  expect(open.entries[0]?.lastBuyMs).toBe(expiry + 28 * DAY);
  // The batch as an older version stored it: lastBuyMs = expiry + 30 days.
  await t.ledger.saveBatch({ ...open, entries: open.entries.map((e) => ({ ...e, lastBuyMs: expiry + 30 * DAY })) });
  t.advance(HOUR + 5 * 60_000);
  await t.check();
  const outcomes = t.notifier.sent.flatMap((m) => m.digest?.outcomes ?? []);
  const failed = outcomes.find((o) => o.domain === 'late.hk' && o.event === 'failed');
  t.advance(HOUR);
  const next = await t.renew({ dryRun: true });
  expect(next.plan.decisions.find((d) => d.domain.domainName === 'late.hk')?.reason).toBe('retry-too-late');
  expect(failed?.retry?.state).toBe('too-late');
  expect(outcomes.some((o) => o.domain === 'late.hk' && o.event === 'will-lapse' && o.urgent)).toBe(true);
});
