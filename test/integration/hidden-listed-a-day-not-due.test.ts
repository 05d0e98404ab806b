import { createDailyRuns } from '../helpers/daily-runs';
import { hidingFromListings } from '../helpers/faulty';
import { startWorld, type World } from '../helpers/world';

const NOW = Date.UTC(2026, 10, 29, 2, 0, 0);
const DAY_MS = 86_400_000;

/**
 * Review s33h (of 40eb9d3). A hidden name found renewed is watched at its new expiry, but the inventory carries it only
 * at the expiry it left with, and only until that expiry's grace is over. Past that, a renew run whose (windowed)
 * listing shows it for one day as not due (a rule with a 90-day window lists that far ahead) drops it from the watch
 * (nextWatch: a listed name is watched only while the plan means to buy it), and no inventory holds it: hidden again
 * the next day, it is on no list and lapses at its new expiry unnamed.
 */
describe('a hidden domain watched at its new expiry, listed for one day as not due', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('is still named before its new expiry', async () => {
    world = await startWorld({
      ledger: 'memory',
      sandbox: {
        nowMs: NOW,
        fixture: {
          domains: [
            { domainName: 'moved.com', expiresAtMs: NOW + 20 * DAY_MS, groupName: 'Production' },
            { domainName: 'stays.com', expiresAtMs: NOW + 700 * DAY_MS, groupName: 'Production' },
          ],
        },
      },
      // A rule with a 90-day window (for a group no domain is in): the renew run lists 90 days ahead.
      policy: { rules: [{ name: 'brand early', groups: ['Brand'], window: { daysBeforeExpiry: 90 } }] },
    });
    const hidden = new Set<string>();
    const registrar = hidingFromListings(world.registrar, hidden);
    const { run, told } = createDailyRuns(world, registrar);
    await run('day-0'); // the first inventory lists both; the renew run buys moved.com (20 days left)
    expect(world.sandbox.state().submissions.map((s) => s.domainName)).toEqual(['moved.com']);
    hidden.add('moved.com'); // moved to a group the key's RAM policy does not list
    const nextExpiryMs = NOW + 20 * DAY_MS + 365 * DAY_MS;
    // Day 302 is no inventory day (those are every 7 days from day 0), 83 days before the new expiry: listed as not due.
    const flickerDay = 302;
    for (let day = 1; day <= 400; day++) {
      if (day === flickerDay) hidden.delete('moved.com');
      if (day === flickerDay + 1) hidden.add('moved.com');
      world.sandbox.setClock({ nowMs: NOW + day * DAY_MS });
      await run(`day-${day}`);
    }
    const moved = world.sandbox.state().domains.find((d) => d.domainName === 'moved.com');
    expect(world.sandbox.state().renewals.filter((r) => r.domainName === 'moved.com')).toHaveLength(1);
    expect(moved?.expiresAtMs).toBe(nextExpiryMs);
    const nearExpiry = told.filter(
      (t) => t.names.includes('moved.com') && t.atMs >= nextExpiryMs - 31 * DAY_MS && t.atMs < nextExpiryMs,
    );
    expect(nearExpiry.map((t) => new Date(t.atMs).toISOString().slice(0, 10))).not.toEqual([]);
  }, 120_000);
});
