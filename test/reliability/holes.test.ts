import { runRenew } from '../../lib/renewal/run-renew';
import { describeViolations, forgetTaskNos, type Holes, runChaos, withHoles } from '../helpers/chaos';
import { checkOnce } from '../helpers/check-once';
import { startWorld, type World } from '../helpers/world';

/**
 * Issue 12: each hole of items 1-5, reopened by a TEST-ONLY switch, is caught — by the chaos suite where a fault
 * profile reaches it, else by the regression scenario that first showed it. Each case also runs without the switch
 * and must then be clean, so the catch is the hole's doing and not the profile's.
 */

const SUBMIT = 'SaveBatchTaskForCreatingOrderRenew';
const HOUR_MS = 3_600_000;

// Ten simulated days per run (was 20): each hole is still caught with the switch and absent without it; the longest
// fault in these profiles (a 30-hour queue) is well inside the span.
const chaosCases: [string, keyof Holes, Parameters<typeof runChaos>[0], RegExp][] = [
  [
    'item 1: swallowed claim writes leave live claims under closed batches',
    'swallowClaimWrites',
    // On dynalite: this seed's interleaving of ledger faults reaches the hole there, not on the memory ledger.
    { seed: 7, days: 10, domains: 30, ledgerFaultRate: 0.1, crashRate: 0, ledger: 'dynalite' },
    /claims left live under a closed batch/,
  ],
  [
    'item 2: release on the first empty read buys a queued task twice',
    'releaseOnFirstRead',
    {
      seed: 7,
      days: 10,
      domains: 30,
      profile: { loseRate: 0.5, taskListLagMs: 12 * HOUR_MS, taskQueueMs: 12 * HOUR_MS, actions: [SUBMIT] },
    },
    /lost tasks|duplicate submissions|double renewals/,
  ],
  [
    'item 4: any different expiry counted as renewed',
    'renewedOnAnyMove',
    {
      seed: 7,
      days: 10,
      domains: 30,
      profile: { errorRate: 0.5, expiryTruncation: 'day', actions: [SUBMIT, 'QueryDomainByDomainName'] },
    },
    /false renewed/,
  ],
  [
    'item 5: an unlisted 4xx on the paid call counted as not executed',
    'unlisted4xxFinal',
    {
      seed: 7,
      days: 10,
      domains: 30,
      profile: { executeThenFailRate: 0.5, taskQueueMs: 30 * HOUR_MS, actions: [SUBMIT] },
    },
    /lost tasks|duplicate submissions|double renewals/,
  ],
];

describe('reopened holes are caught (issue 12)', () => {
  // The switches live in the jobs' inputs (ledger and registrar wrappers, settle rules), so unless a case names
  // dynalite its runs use the in-memory ledger (same contract suite as the DynamoDB adapter; a sixth of the CPU).
  it.each(chaosCases)('%s', async (_name, hole, options, expected) => {
    const run = { ledger: 'memory' as const, ...options };
    const broken = await runChaos({ ...run, holes: { [hole]: true } });
    expect(describeViolations(broken).join('\n')).toMatch(expected);
    const control = await runChaos(run);
    expect({ violations: describeViolations(control), open: control.openDetail }).toEqual({ violations: [], open: [] });
  });

  describe('item 3: adoption of an older task', () => {
    let world: World;
    afterEach(async () => world?.stop());
    const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
    const DAY_MS = 24 * HOUR_MS;

    async function scenario(hole: boolean): Promise<number> {
      const expiry = NOW - 20 * DAY_MS;
      world = await startWorld({
        sandbox: { nowMs: NOW, fixture: { domains: [{ domainName: 'a.com', expiresAtMs: expiry }] } },
        policy: { window: { daysBeforeExpiry: 365, daysAfterExpiry: 30 }, limits: { maxYearsAhead: 2 } },
      });
      const deps = () =>
        world.deps(
          hole
            ? { ledger: forgetTaskNos(world.ledger), registrar: withHoles(world.registrar, { adoptAnyTask: true }) }
            : {},
        );
      // The renew runs do not see the task list: r1's task, its TaskNo forgotten and its times unread (the hole's
      // switches), is taken as someone else's just-run renewal (foreign-tasks.ts `undated`), and r2 would send
      // nothing for check to adopt. This case is about check's adoption.
      const blind = (d: ReturnType<typeof deps>) => ({
        ...d,
        registrar: { ...d.registrar, listTasks: async () => [] },
      });
      await runRenew(blind(deps()), { policy: world.policy, dryRun: false, runId: 'r1' });
      world.sandbox.setClock({ advanceMs: 5 * 60_000 });
      await checkOnce(deps(), { policy: world.policy, runId: 'c1' });
      world.sandbox.setFaults({ errorRate: 1, actions: [SUBMIT] });
      await runRenew(blind(deps()), { policy: world.policy, dryRun: false, runId: 'r2' });
      world.sandbox.setFaults({});
      world.sandbox.setClock({ advanceMs: 25 * 60_000 });
      return (await checkOnce(deps(), { policy: world.policy, runId: 'c2' })).adopted;
    }

    it('with the switch, the old successful task is adopted (caught); without it, nothing is', async () => {
      expect(await scenario(true)).toBe(1);
      await world.stop();
      expect(await scenario(false)).toBe(0);
    });
  });
});
