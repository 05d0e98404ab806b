import { createDailyRuns } from '../helpers/daily-runs';
import { hidingFromListings } from '../helpers/faulty';
import { startWorld, type World } from '../helpers/world';

const NOW = Date.UTC(2026, 10, 29, 2, 0, 0);
const DAY_MS = 86_400_000;

/**
 * Review s33g (soak of a listing that hides domains). A domain the listing stops showing while its renewal is on its
 * way (the key's RAM policy scoped to a resource group, the domain moved to another group right after the order) is
 * renewed all the same: the watch then drops it (its claim RENEWED, or its look-up finds a later expiry), and the next
 * weekly inventory compares with one that still listed it, puts it on the watch at the old expiry, and drops it again
 * for the same reason. From then on it is in no inventory and on no watch list: a year later, still held and still
 * hidden, it lapsed with nobody told (and the one line it got, at the old expiry, was false). A hidden name found
 * renewed is now watched at its new expiry.
 */
describe('a domain moved out of the listing while its renewal is on its way', () => {
  let world: World;
  afterEach(async () => world?.stop());

  async function start() {
    world = await startWorld({
      ledger: 'memory',
      sandbox: {
        nowMs: NOW,
        fixture: {
          domains: [
            { domainName: 'moved.com', expiresAtMs: NOW + 20 * DAY_MS, groupName: 'Production' },
            { domainName: 'stays.com', expiresAtMs: NOW + 300 * DAY_MS, groupName: 'Production' },
          ],
        },
      },
    });
    const hidden = new Set<string>();
    const registrar = hidingFromListings(world.registrar, hidden);
    const { run, told } = createDailyRuns(world, registrar);
    return { hidden, run, told };
  }

  it('is named before its next expiry, a year on, while the account still holds it and the listing hides it', async () => {
    const { hidden, run, told } = await start();
    await run('day-0'); // the first inventory lists both; the renew run buys moved.com (20 days left)
    expect(world.sandbox.state().submissions.map((s) => s.domainName)).toEqual(['moved.com']);
    hidden.add('moved.com'); // moved to a group the key's RAM policy does not list, the order on its way
    for (let day = 1; day <= 400; day++) {
      world.sandbox.setClock({ nowMs: NOW + day * DAY_MS });
      await run(`day-${day}`);
    }
    const moved = world.sandbox.state().domains.find((d) => d.domainName === 'moved.com');
    const nextExpiryMs = NOW + 20 * DAY_MS + 365 * DAY_MS;
    // Renewed once (by the run of day 0), still held, its new expiry passed by day 400.
    expect(world.sandbox.state().renewals.filter((r) => r.domainName === 'moved.com')).toHaveLength(1);
    expect(moved?.expiresAtMs).toBe(nextExpiryMs);
    expect(world.sandbox.now()).toBeGreaterThan(nextExpiryMs);
    const named = told.filter((t) => t.names.includes('moved.com'));
    // Not told as lapsing at the expiry it had left the listing with (it was renewed: that line, first, was false),
    // and named at the will-lapse thresholds before the expiry the listing no longer shows (30 days on).
    expect(named.filter((t) => t.email.includes('expiry 2026-12-19 -> lapses'))).toEqual([]);
    const nearExpiry = named.filter((t) => t.atMs >= nextExpiryMs - 31 * DAY_MS && t.atMs < nextExpiryMs);
    expect(nearExpiry.map((t) => new Date(t.atMs).toISOString().slice(0, 10))).not.toEqual([]);
    expect(nearExpiry[0]?.email).toMatch(
      /- moved\.com: expiry 2027-12-19 -> lapses, .*QueryDomainList no longer lists it/,
    );
  }, 120_000);
});
