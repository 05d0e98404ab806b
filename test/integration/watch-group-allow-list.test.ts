import { executeCheck, executeRenew } from '../../lib/jobs';
import { hidingFromListings } from '../helpers/faulty';
import { startWorld, type World } from '../helpers/world';

const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;

/**
 * Review s33f (regressions since 746dea3). watch.ts now drops a missing watched renewal the policy "lets go"
 * (isEntryLetGo), judging it by the entry's stored group. But the entries a plan adds (nextWatch `watch()`) store
 * no group: only the inventory's entries carry one. Under an allow-list policy (defaults renew: false, a `groups`
 * rule renews the managed group), a renewal found due and watched is, once the listing stops showing it (the very
 * case the watch list exists for: a key's RAM policy scoped to a resource group), judged by the defaults alone: "let
 * go". It is neither looked up nor told, and lapses unnamed. Before 746dea3 it was told "not-listed ... the renew job
 * cannot buy it". The failed-run alert (report-run.ts readWatchedLapsing) drops it the same way.
 */
describe('a watched renewal of an allow-listed group that the listing stops showing', () => {
  let world: World;
  afterEach(async () => world?.stop());

  /** prod.com (group Production) expiring at `expiryMs`, under a policy that renews only that group. */
  const startAllowListWorld = (expiryMs: number) =>
    startWorld({
      ledger: 'memory',
      sandbox: {
        nowMs: NOW,
        fixture: { domains: [{ domainName: 'prod.com', expiresAtMs: expiryMs, groupName: 'Production' }] },
      },
      policy: {
        defaults: { renew: false },
        rules: [{ name: 'managed', groups: ['Production'], renew: true }],
      },
    });

  it('is still named (not judged "let go" by a group the watch entry never stored)', async () => {
    const expiryMs = NOW + 6 * DAY_MS + 12 * 3_600_000;
    world = await startAllowListWorld(expiryMs);
    const hidden = new Set<string>();
    const registrar = hidingFromListings(world.registrar, hidden);
    const run = async (id: string) => {
      await executeCheck(world.deps({ registrar }), { policy: world.policy, runId: `check-${id}` }).catch(() => {});
      await executeRenew(world.deps({ registrar }), { policy: world.policy, dryRun: false, runId: id }).catch(() => {});
    };
    await world.ledger.putHolds([{ domain: 'prod.com', reason: 'deciding', createdAtMs: NOW }]);
    await run('day-0');
    const day0 = world.notifier.sent.map((m) => m.email).join('\n');
    expect(day0).toMatch(/^- prod\.com: .*held/m); // due, held: told and watched
    expect((await world.ledger.readWatch()).map((e) => e.domain)).toEqual(['prod.com']);

    // The person unholds it; the listing stops showing it (the key's RAM policy now scoped; the account holds it).
    await world.ledger.deleteHold('prod.com');
    hidden.add('prod.com');
    const told: string[] = [];
    for (let day = 1; day <= 8; day++) {
      world.sandbox.setClock({ advanceMs: DAY_MS });
      const before = world.notifier.sent.length;
      await run(`day-${day}`);
      for (const m of world.notifier.sent.slice(before)) if (m.email.includes('prod.com')) told.push(`day-${day}`);
    }
    expect(world.sandbox.state().submissions.map((s) => s.domainName)).not.toContain('prod.com');
    // Before 746dea3: told the first day it was not listed (5 days left), and again at 3 and 1 days.
    expect(told.slice(0, 1)).toEqual(['day-1']);
  });

  it('is named by the alert of a renew run that fails before it plans (report-run.ts readWatchedLapsing)', async () => {
    const expiryMs = NOW + 36 * 3_600_000;
    world = await startAllowListWorld(expiryMs);
    await world.ledger.putHolds([{ domain: 'prod.com', reason: 'deciding', createdAtMs: NOW }]);
    await executeRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'day-0' });
    expect((await world.ledger.readWatch()).map((e) => e.domain)).toEqual(['prod.com']);
    await world.ledger.deleteHold('prod.com');
    // The next run fails before it can plan (the listing fails): its alert names the watched renewals due soon.
    const failing = {
      ...world.registrar,
      listDomains: async () => {
        throw new Error('listing failed');
      },
    };
    world.sandbox.setClock({ advanceMs: 12 * 3_600_000 });
    const before = world.notifier.sent.length;
    await expect(
      executeRenew(world.deps({ registrar: failing }), { policy: world.policy, dryRun: false, runId: 'day-0b' }),
    ).rejects.toThrow();
    const alert = world.notifier.sent
      .slice(before)
      .map((m) => m.email)
      .join('\n');
    expect(alert).toMatch(/the renew run failed/);
    expect(alert).toMatch(/^- prod\.com: .*the renew run failed before it could plan/m);
  });
});
