import { runRenew } from '../../lib/renewal/run-renew';
import { checkOnce } from '../helpers/check-once';
import { portfolio, startWorld, type World } from '../helpers/world';

const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);

/** With `freezeClock`, task timing over HTTP depends only on setClock, never on how fast the machine runs. */
describe('sandbox with a frozen clock', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('tasks stay in flight until the clock is moved, then settle at once', async () => {
    world = await startWorld({
      sandbox: { nowMs: NOW, freezeClock: true, taskMs: 1_000, fixture: portfolio(NOW, 6) },
      policy: { limits: { maxBatchSize: 4 } },
    });
    const first = await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
    expect(first.summary.submitted).toBe(6);
    expect(world.sandbox.now()).toBe(NOW);
    const pending = await checkOnce(world.deps(), { policy: world.policy, runId: 'c1' });
    expect(pending).toMatchObject({ renewed: 0, pending: 6 });
    const states = world.sandbox.state().tasks.flatMap((t) => t.details.map((d) => d.status));
    expect(new Set(states)).toEqual(new Set(['WAITING_EXECUTE']));
    expect((await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r2' })).summary.submitted).toBe(
      0,
    );

    world.sandbox.setClock({ advanceMs: 2_000 });
    const done = await checkOnce(world.deps(), { policy: world.policy, runId: 'c2' });
    expect(done.renewed).toBe(6);
    expect(world.sandbox.state().renewals).toHaveLength(6);
  });
});
