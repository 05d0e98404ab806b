import { executeCheck, executeRenew } from '../../lib/jobs';
import { hidingFromListings } from '../helpers/faulty';
import { startWorld, type World } from '../helpers/world';

const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;

/**
 * Thirty-second session's open item. The watch list holds the renewals a run found due or announced; a domain that
 * left the listing BEFORE its renew window opened (moved to a resource group the key's RAM policy does not list) was
 * on no list and lapsed with nobody told. About weekly a renew run now lists the whole account and watches the names
 * that left it (lib/renewal/inventory.ts).
 */
describe('a domain that leaves the listing months before its expiry', () => {
  let world: World;
  afterEach(async () => world?.stop());

  async function start(gone: Set<string> = new Set()) {
    world = await startWorld({
      ledger: 'memory',
      sandbox: {
        nowMs: NOW,
        fixture: {
          domains: [
            { domainName: 'stays.com', expiresAtMs: NOW + 200 * DAY_MS },
            { domainName: 'moved.com', expiresAtMs: NOW + 120 * DAY_MS },
          ],
        },
      },
    });
    const hidden = new Set<string>();
    const registrar = hidingFromListings(world.registrar, hidden, gone);
    const calls: string[] = [];
    const counting = {
      ...registrar,
      listDomains: (query: Parameters<typeof registrar.listDomains>[0]) => {
        calls.push(query.expiringToMs === undefined ? 'whole' : 'window');
        return registrar.listDomains(query);
      },
    };
    const run = async (id: string) => {
      await executeCheck(world.deps({ registrar: counting }), { policy: world.policy, runId: `check-${id}` });
      await executeRenew(world.deps({ registrar: counting }), { policy: world.policy, dryRun: false, runId: id });
    };
    return { hidden, run, calls };
  }

  it('is named the week it leaves, and again from 30 days before its expiry; the whole account is listed weekly', async () => {
    const { hidden, run, calls } = await start();
    await run('day-0'); // the first inventory: nothing to compare with
    expect(world.notifier.sent.map((m) => m.email).join('\n')).not.toContain('moved.com');
    hidden.add('moved.com'); // 119 days before its expiry
    const told: { day: number; text: string }[] = [];
    for (let day = 1; day <= 125; day++) {
      world.sandbox.setClock({ advanceMs: DAY_MS });
      const before = world.notifier.sent.length;
      await run(`day-${day}`);
      for (const m of world.notifier.sent.slice(before))
        if (m.email.includes('moved.com')) told.push({ day, text: m.email });
    }
    // Told on the day of the next inventory (day 7), then at the will-lapse thresholds, with the look-up's finding.
    expect(told[0]?.day).toBe(7);
    expect(told[0]?.text).toMatch(
      /- moved\.com: .*not-listed: QueryDomainList listed it on 2026-11-29 \(the weekly whole-account listing\) and no longer does/,
    );
    expect(told.filter((t) => t.day < 85).map((t) => t.day)).toEqual([7]);
    const near = told.filter((t) => t.day >= 85 && t.day < 120);
    expect(near.length).toBeGreaterThan(0);
    expect(near[0]?.text).toMatch(
      /- moved\.com: .*the account holds it at this expiry \(QueryDomainByDomainName finds it\), but QueryDomainList no longer lists it/,
    );
    expect(world.sandbox.state().submissions.map((s) => s.domainName)).not.toContain('moved.com');
    // The whole account once a week (day 0, 7, 14, ...), the renew window every day.
    expect(calls.filter((c) => c === 'whole')).toHaveLength(Math.floor(125 / 7) + 1);
  }, 120_000);

  it('one the registrar no longer finds in the account is told once as gone, and dropped from the watch', async () => {
    const gone = new Set<string>();
    const { hidden, run } = await start(gone);
    await run('day-0');
    hidden.add('moved.com');
    gone.add('moved.com');
    const texts: string[] = [];
    for (let day = 1; day <= 20; day++) {
      world.sandbox.setClock({ advanceMs: DAY_MS });
      const before = world.notifier.sent.length;
      await run(`day-${day}`);
      texts.push(
        ...world.notifier.sent
          .slice(before)
          .map((m) => m.email)
          .filter((e) => e.includes('moved.com')),
      );
    }
    expect(texts.join('\n')).toMatch(/- moved\.com: .*the registrar no longer finds it in this account/);
    expect(texts).toHaveLength(1);
    expect((await world.ledger.readWatch()).map((e) => e.domain)).not.toContain('moved.com');
  }, 60_000);
});
