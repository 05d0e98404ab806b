import { executeCheck, executeRenew } from '../../lib/jobs';
import { hidingFromListings } from '../helpers/faulty';
import { startWorld, type World } from '../helpers/world';

const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;

/**
 * The watch list's `not-listed` lines (lib/renewal/watch.ts) take their one-time marks from lapseWarningOf, the same
 * `lapse#<domain>#<expiry>#<threshold>` keys as the planner's will-lapse lines (will-lapse.ts). A domain told
 * "held: ... will lapse" at the 7-day threshold, then unheld by the person (who expects the next run to buy it) while
 * the listing stops showing it (a RAM policy scoped to a resource group), is not told "not-listed: the renew job
 * cannot buy it" until the 3-day threshold: the mark of a different line, with different advice, stands for it.
 */
describe('a not-listed line after a planner will-lapse line of the same threshold', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('is told at once, not hidden by the earlier line’s mark', async () => {
    const expiryMs = NOW + 6 * DAY_MS + 12 * 3_600_000;
    world = await startWorld({
      ledger: 'memory',
      sandbox: { nowMs: NOW, fixture: { domains: [{ domainName: 'kept.com', expiresAtMs: expiryMs }] } },
    });
    const hidden = new Set<string>();
    const registrar = hidingFromListings(world.registrar, hidden);
    const run = async (id: string) => {
      await executeCheck(world.deps({ registrar }), { policy: world.policy, runId: `check-${id}` }).catch(() => {});
      await executeRenew(world.deps({ registrar }), { policy: world.policy, dryRun: false, runId: id }).catch(() => {});
    };
    await world.ledger.putHolds([{ domain: 'kept.com', reason: 'deciding', createdAtMs: NOW }]);
    await run('day-0');
    const day0 = world.notifier.sent.map((m) => m.email).join('\n');
    expect(day0).toMatch(/^- kept\.com: .*held/m); // the planner's 7-day will-lapse line
    expect((await world.ledger.readWatch()).map((e) => e.domain)).toEqual(['kept.com']);

    // The person unholds it; the listing stops showing it (the account still holds it).
    await world.ledger.deleteHold('kept.com');
    hidden.add('kept.com');
    const before = world.notifier.sent.length;
    world.sandbox.setClock({ advanceMs: DAY_MS });
    await run('day-1'); // 5 days left: still the 7-day threshold
    expect(world.sandbox.state().submissions.map((s) => s.domainName)).not.toContain('kept.com');
    const day1 = world.notifier.sent
      .slice(before)
      .map((m) => m.email)
      .join('\n');
    expect(day1).toMatch(/^- kept\.com: .*not-listed: the account holds it/m);
  });
});
