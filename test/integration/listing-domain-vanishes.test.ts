import { executeCheck, executeRenew } from '../../lib/jobs';
import { hidingFromListings } from '../helpers/faulty';
import { startWorld, type World } from '../helpers/world';

const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;

/**
 * A domain the account still holds (QueryDomainByDomainName finds it) stops appearing in QueryDomainList: a RAM
 * policy scoped to a resource group after the domain was moved to another group, a registrar-side filter, a listing
 * bug. Nothing remembered what earlier runs listed, so after its `upcoming` notice ("to be bought from D") the domain
 * was never named again: no purchase, no will-lapse line, no alert, through its expiry and grace period (review
 * 2026-12-07, twenty-fifth session). The watch list (lib/renewal/watch.ts) names it now.
 */
describe('a domain announced for renewal that later drops out of the listing', () => {
  let world: World;
  afterEach(async () => world?.stop());

  async function setUp(fixture: { domainName: string; expiresAtMs: number }[]) {
    world = await startWorld({
      ledger: 'memory',
      sandbox: { nowMs: NOW, fixture: { domains: fixture } },
      policy: { notify: { advanceDays: 7 } },
    });
    const hidden = new Set<string>();
    const gone = new Set<string>();
    const registrar = hidingFromListings(world.registrar, hidden, gone);
    const run = async (id: string) => {
      await executeCheck(world.deps({ registrar }), { policy: world.policy, runId: `check-${id}` }).catch(() => {});
      await executeRenew(world.deps({ registrar }), { policy: world.policy, dryRun: false, runId: id }).catch(() => {});
    };
    return { hidden, gone, run };
  }

  it('is named again (will-lapse at the thresholds) before it lapses, not forgotten', async () => {
    const { hidden, run } = await setUp([
      { domainName: 'keep.com', expiresAtMs: NOW + 35 * DAY_MS },
      { domainName: 'vanish.com', expiresAtMs: NOW + 35 * DAY_MS + 3_600_000 },
    ]);
    await run('day-0');
    expect(world.notifier.sent.map((m) => m.email).join('\n')).toContain('vanish.com');
    const before = world.notifier.sent.length;

    // From the next day on, the listing leaves it out; the account still holds it.
    hidden.add('vanish.com');
    for (let day = 1; day <= 40; day++) {
      world.sandbox.setClock({ advanceMs: DAY_MS });
      await run(`day-${day}`);
    }
    const submitted = world.sandbox.state().submissions.map((s) => s.domainName);
    expect(submitted).toContain('keep.com');
    expect(submitted).not.toContain('vanish.com');
    const later = world.notifier.sent.slice(before).map((m) => `${m.email}\n${m.sms}`);
    const named = later.filter((text) => /^- vanish\.com: .*not-listed: the account holds it/m.test(text));
    // At the 30-, 7-, 3- and 1-day thresholds, then daily after the expiry: never silent.
    expect(named.length).toBeGreaterThanOrEqual(4);
    expect(later.some((text) => /vanish\.com/.test(text) && /autorenew: .*will-lapse/.test(text))).toBe(true);
    // keep.com, bought by this tool, left the list by its claim; vanish.com, in its grace period, is still watched.
    expect((await world.ledger.readWatch()).map((e) => e.domain)).toEqual(['vanish.com']);
  });

  it('a domain that left the account is said once, then no longer watched; a renewed one is dropped quietly', async () => {
    const { hidden, gone, run } = await setUp([
      { domainName: 'gone.com', expiresAtMs: NOW + 20 * DAY_MS },
      { domainName: 'later.com', expiresAtMs: NOW + 20 * DAY_MS },
    ]);
    await run('day-0'); // both announced
    const before = world.notifier.sent.length;
    // gone.com is transferred out; later.com is renewed in the console and also hidden (another group, say).
    gone.add('gone.com');
    hidden.add('gone.com');
    hidden.add('later.com');
    await world.registrar.submitRenewBatch({
      items: [{ domainName: 'later.com', years: 1, currentExpiryMs: NOW + 20 * DAY_MS, permitPremium: false }],
    });
    for (let day = 1; day <= 3; day++) {
      world.sandbox.setClock({ advanceMs: DAY_MS });
      await run(`day-${day}`);
    }
    const later = world.notifier.sent
      .slice(before)
      .map((m) => m.email)
      .join('\n');
    expect(later.match(/^- gone\.com: .*no longer finds it in this account/gm)).toHaveLength(1);
    expect(later).not.toMatch(/^- later\.com: .*not-listed/m);
    const watch = await world.ledger.readWatch();
    expect(watch.map((e) => e.domain)).toEqual([]);
  });
});
