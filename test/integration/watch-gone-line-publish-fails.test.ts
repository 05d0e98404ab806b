import { executeCheck, executeRenew } from '../../lib/jobs';
import { hidingFromListings } from '../helpers/faulty';
import { startWorld, type World } from '../helpers/world';

const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;

/**
 * watchListing (lib/renewal/watch.ts) drops a domain the registrar no longer finds from the watch list, and writes
 * the list, BEFORE the digest carrying its one "no longer finds it in this account" line is published. When that
 * publish fails (an SNS outage: the renew run fails loudly and "the next renew run sends them again"), the next run
 * no longer watches the domain, so its line is never sent: a one-time line that reached no one, and nothing left to
 * say it again.
 */
describe('a watched domain that left the account, told in a digest that did not go out', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('is told by a later run, not forgotten with the watch entry', async () => {
    world = await startWorld({
      ledger: 'memory',
      sandbox: { nowMs: NOW, fixture: { domains: [{ domainName: 'gone.com', expiresAtMs: NOW + 20 * DAY_MS }] } },
      policy: { notify: { advanceDays: 7 } },
    });
    const hidden = new Set<string>();
    const gone = new Set<string>();
    const registrar = hidingFromListings(world.registrar, hidden, gone);
    const run = async (id: string) => {
      await executeCheck(world.deps({ registrar }), { policy: world.policy, runId: `check-${id}` }).catch(() => {});
      await executeRenew(world.deps({ registrar }), { policy: world.policy, dryRun: false, runId: id }).catch(() => {});
    };
    await run('day-0'); // announced: watched from now on
    expect((await world.ledger.readWatch()).map((e) => e.domain)).toEqual(['gone.com']);

    // Transferred out; the next renew digest (the one that would say so) fails to publish.
    gone.add('gone.com');
    hidden.add('gone.com');
    world.sandbox.setClock({ advanceMs: DAY_MS });
    await executeCheck(world.deps({ registrar }), { policy: world.policy, runId: 'check-day-1' }).catch(() => {});
    const before = world.notifier.sent.length;
    world.notifier.failNext = 1;
    await expect(
      executeRenew(world.deps({ registrar }), { policy: world.policy, dryRun: false, runId: 'day-1' }),
    ).rejects.toThrow();
    // Only the run's failure alert went out: it names gone.com as "will lapse" and promises "its lines are sent
    // again by the next run", without the line that says the account no longer holds it.
    const alert = world.notifier.sent
      .slice(before)
      .map((m) => m.email)
      .join('\n');
    expect(alert).toMatch(/sent again by the next run/);
    expect(alert).not.toMatch(/no longer finds it in this account/);

    // SNS is back: the following runs publish.
    for (let day = 2; day <= 4; day++) {
      world.sandbox.setClock({ advanceMs: DAY_MS });
      await run(`day-${day}`);
    }
    const told = world.notifier.sent
      .slice(before)
      .map((m) => m.email)
      .join('\n');
    expect(told).toMatch(/^- gone\.com: .*no longer finds it in this account/m);
  });
});
