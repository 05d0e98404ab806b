import { executeRenew } from '../../lib/jobs';
import { given } from '../helpers/builder';

/**
 * Review 2026-12-08, thirty-second session (claims taken ahead). Claims taken ahead (claim-ahead.ts): a.com (69 CNY) and x.io (398 CNY), both due tomorrow, share a draft batch.
 * The balance (100 CNY) covers a.com only, so the money pass leaves x.io out and finish() releases its claim. One
 * ledger write fails: that release. finish() then does not send the batch at all (a.com included, though nothing about
 * a.com failed), and leaves both claims CLAIMED under the unsent INTENT, for check's reconciler to release once the
 * intent is SAFE_RECONCILE_DELAY_MS (20 min) old.
 *
 * The digest tells the person: a.com "will lapse ... run renew again once the cause is fixed, or renew it by hand";
 * x.io "top up 367.00 CNY". The cause was one throttled write. The person tops up and runs renew again ten minutes
 * later (docs/deploy.md, "Run a job now"): that run plans both `in-flight` (the first run's own claims), buys
 * nothing, and publishes nothing. The next renew that can buy them is tomorrow's, at their expiry. The release is
 * now tried again (submit-batch.ts releaseLeftOut): a.com is bought by the first run, x.io by the re-run.
 */
test('one failed release in the money pass: the re-run the digest asks for buys the domains or says why not', async () => {
  const t = await given({
    domains: ['a.com+1d', 'x.io+1d'],
    balance: '100.00',
    policy: { window: { daysAfterExpiry: 0 } },
  });
  let failures = 0;
  t.ledger.faults.before = (op) => {
    if (op === 'saveClaim' && failures++ === 0) throw new Error('ledger throttled (injected)');
  };
  await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r1' }).catch(() => undefined);
  t.ledger.faults.before = undefined;
  expect(failures).toBeGreaterThan(0);
  const first = t.notifier.sent.at(-1)?.email ?? '';
  expect(first).toMatch(/top up 367\.00 CNY/);

  t.notifier.sent.length = 0;
  t.advance('10m');
  (t.billing as NonNullable<typeof t.billing>).cash = { minor: 100_000, currency: 'CNY' };
  await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r2' }).catch(() => undefined);

  const said = t.notifier.sent.map((m) => m.email).join('\n');
  const outcome = (domain: string) => ({
    domain,
    bought: t.registrar.submissions().some((s) => s.domainName === domain),
    named: said.includes(domain),
  });
  // Each one bought by the re-run, or named in its digest with why not (it expires before tomorrow's run).
  expect([outcome('a.com'), outcome('x.io')].filter((o) => !o.bought && !o.named)).toEqual([]);
});
