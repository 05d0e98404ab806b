import { executeRenew } from '../../lib/jobs';
import type { Registrar } from '../../lib/registrar/port';
import { given } from '../helpers/builder';
import { listingOnly } from '../helpers/faulty';

const DAY = 86_400_000;
/** The same expiry cut to the UTC day: a listing that truncates (claims are keyed by the exact listed expiry). */
const dayStart = (ms: number) => Math.floor(ms / DAY) * DAY;

/**
 * The planner reads the account's own claims under another reading of the same cycle (2053807,
 * peer-claims.ts readOwnOtherReadings), and the watch step reads the peers' that way (readPeerClaims), but the watch
 * step reads the account's OWN claims by the watch entry's exact key only. A renewal this tool has in flight under
 * the exact reading, watched under the day-cut reading a later listing showed, is looked up once the listing stops
 * showing it; the task still waits in Alibaba's queue, so the look-up finds the old expiry and the digest tells a
 * person "not-listed ... renewing it by hand": a second purchase of what the tool is buying (review 2026-12-07,
 * twenty-sixth session).
 */
test('the watch step does not send a person to renew by hand what this account has in flight under another reading', async () => {
  const t = await given({ domains: ['x.com+10d'], taskMs: 6 * 3_600_000, rejectStaleExpiry: false });
  const exact = t.expiry('x.com') as number;
  expect(exact % DAY).not.toBe(0);
  const run = (id: string, registrar: Registrar = t.registrar) =>
    executeRenew(t.deps({ registrar }), { policy: t.policy, dryRun: false, runId: id });

  // Run 1 buys x.com at its exact expiry; the task waits 6 h in the queue.
  const r1 = await run('r1');
  expect(r1.summary.submitted).toBe(1);

  // Run 2: the listing cuts the expiry to the day; the planner holds x.com in flight; the watch entry takes that reading.
  t.advance('10m');
  const r2 = await run('r2', listingOnly(t.registrar, 'x.com', dayStart(exact)));
  expect(r2.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['x.com', 'in-flight']]);
  expect((await t.ledger.readWatch()).map((e) => [e.domain, e.expiryMs])).toEqual([['x.com', dayStart(exact)]]);

  // Run 3: the listing no longer shows x.com (a resource group, a filter); the task is still queued.
  t.advance('10m');
  const hidden: Registrar = {
    ...t.registrar,
    listDomains: async (q) => (await t.registrar.listDomains(q)).filter((d) => d.domainName !== 'x.com'),
  };
  t.notifier.sent.length = 0;
  await run('r3', hidden);
  expect(t.registrar.submissions()).toHaveLength(1); // ours, still in flight
  const email = t.notifier.sent.map((m) => m.email).join('\n');
  expect(email).not.toMatch(/x\.com[^\n]*not-listed/);
});
