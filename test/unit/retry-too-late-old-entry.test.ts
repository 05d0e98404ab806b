import { given } from '../helpers/builder';

const HOUR = 3_600_000;

/**
 * Review 2026-12-06 (round 4, helper rvs). e70a221 decides check's `too-late` from BatchEntry.lastBuyMs, a field written at plan time since that
 * commit only, while the planner decides `retry-too-late` from the policy (plan.ts lastBuyMsOf). A batch sent before
 * the upgrade (or any entry written without the field: sweep.ts rehome builds its entries without it) whose task
 * fails after it: the planner never retries the domain, but check's failed line says "retried after the backoff",
 * the very words the commit set out to remove, and the domain lapses on that promise.
 */
test('a failure of an entry without lastBuyMs: check and the planner agree that it is not retried', async () => {
  const t = await given({
    domains: ['late.com-700h'],
    policy: { window: { daysAfterExpiry: 30 } },
    taskMs: 30 * 60_000,
  });
  let fails = 1;
  t.registrar.faults.failDomain = () => (fails-- > 0 ? 'registry temporarily unavailable (test)' : undefined);
  await t.renew();
  // The batch as the version before e70a221 stored it: its entries carry no lastBuyMs.
  const [open] = await t.ledger.listOpenBatches();
  if (!open) throw new Error('no open batch');
  expect(open.entries[0]?.lastBuyMs).toBeDefined();
  await t.ledger.saveBatch({ ...open, entries: open.entries.map(({ lastBuyMs: _l, ...e }) => e) });
  // The upgrade is deployed; check reads the failure.
  t.advance(HOUR + 5 * 60_000);
  await t.check();
  const failed = t.notifier.sent
    .flatMap((m) => m.digest?.outcomes ?? [])
    .find((o) => o.domain === 'late.com' && o.event === 'failed');
  t.advance(HOUR);
  const next = await t.renew({ dryRun: true });
  expect(next.plan.decisions.find((d) => d.domain.domainName === 'late.com')?.reason).toBe('retry-too-late');
  // The planner never retries it; check must not say it does.
  expect(failed?.retry?.state).toBe('too-late');
});
