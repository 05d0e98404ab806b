import { runRenew } from '../../lib/renewal/run-renew';
import { checkOnce } from '../helpers/check-once';
import { staleBalance, startWorld, type World } from '../helpers/world';

/**
 * Issue 14: after maxAttempts a domain was abandoned although its failure was one a person fixes (an empty
 * balance). Such a failure now uses up no attempt: the domain is retried after the backoff until the fix is made.
 */
const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

describe('a failure a person can fix uses up no attempt', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('insufficient balance on 3 days with maxAttempts 2, then a top-up: renewed on the next run', async () => {
    const expiry = NOW + 10 * DAY_MS;
    world = await startWorld({
      sandbox: { nowMs: NOW, fixture: { balance: 5, domains: [{ domainName: 'a.com', expiresAtMs: expiry }] } },
      policy: { limits: { maxAttempts: 2, retryAfterHours: 24 } },
    });
    const claim = async () => (await world.ledger.getClaims([{ domain: 'a.com', expiryMs: expiry }]))[0];
    for (let day = 0; day < 3; day++) {
      // A day and an hour apart: past the 24 h backoff each time.
      world.sandbox.setClock({ nowMs: NOW + day * (DAY_MS + HOUR_MS) + 60_000 });
      // The balance read is stale, so the registrar is asked and refuses (the pre-check is tested in money tests).
      const run = await runRenew(world.deps(staleBalance()), { policy: world.policy, dryRun: false, runId: `r${day}` });
      expect(run.summary.submitted).toBe(1);
      world.sandbox.setClock({ advanceMs: 10 * 60_000 });
      await checkOnce(world.deps(), { policy: world.policy, runId: `c${day}` });
      expect(await claim()).toMatchObject({ status: 'FAILED', attempts: 0, code: 'needs-fix' });
    }
    const topUp = await fetch(`${world.sandbox.url}/_sandbox/balance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ set: 1_000 }),
    });
    expect(topUp.status).toBe(200);
    world.sandbox.setClock({ nowMs: NOW + 3 * (DAY_MS + HOUR_MS) + 60_000 });
    await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r-after-top-up' });
    world.sandbox.setClock({ advanceMs: 10 * 60_000 });
    await checkOnce(world.deps(), { policy: world.policy, runId: 'c-after-top-up' });
    expect((await claim())?.status).toBe('RENEWED');
    expect(world.sandbox.state().renewals).toHaveLength(1);
  });

  it('a failure of the renewal itself still counts an attempt', async () => {
    const expiry = NOW + 10 * DAY_MS;
    world = await startWorld({
      sandbox: {
        nowMs: NOW,
        rejectStaleExpiry: true,
        fixture: { domains: [{ domainName: 'a.com', expiresAtMs: expiry }] },
      },
    });
    // The registrar's expiry moved (renewed elsewhere) after we listed: our task fails as stale.
    const registrar = {
      ...world.registrar,
      listDomains: async (q: Parameters<typeof world.registrar.listDomains>[0]) =>
        (await world.registrar.listDomains(q)).map((d) => ({ ...d, expiresAtMs: d.expiresAtMs - 1000 })),
    };
    await runRenew(world.deps({ registrar }), { policy: world.policy, dryRun: false, runId: 'r1' });
    world.sandbox.setClock({ advanceMs: 10 * 60_000 });
    await checkOnce(world.deps(), { policy: world.policy, runId: 'c1' });
    const [failed] = await world.ledger.getClaims([{ domain: 'a.com', expiryMs: expiry - 1000 }]);
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 1, code: 'task-failed' });
  });
});
