import { executeCheck, executeRenew } from '../../lib/jobs';
import { alertedDomainsOf } from '../helpers/chaos-checks';
import { hidingFromListings } from '../helpers/faulty';
import { startWorld, type World } from '../helpers/world';

const NOW = Date.UTC(2026, 10, 29, 2, 0, 0);
const DAY_MS = 86_400_000;

/**
 * Review s33g (soak of a listing that hides domains). The weekly inventory's baseline is the listing of that day, and
 * a name that left it is kept only on the watch list. The watch drops a name as soon as one plan lists it, even as
 * `not-due` (listed because another rule's window is wider). A listing that omits a row on the inventory's day and
 * shows it again the next (then the domain is moved for good to a group the key's RAM policy does not list) leaves
 * the name in no baseline and on no list: told once "it is watched from now on", it lapses with nobody told.
 */
describe('a name the inventory saw leave, listed again as not due, then moved for good', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('is named before its expiry', async () => {
    const expiryMs = NOW + 70 * DAY_MS;
    world = await startWorld({
      ledger: 'memory',
      sandbox: {
        nowMs: NOW,
        fixture: {
          domains: [
            { domainName: 'moved.com', expiresAtMs: expiryMs, groupName: 'Production' },
            { domainName: 'brand.com', expiresAtMs: NOW + 300 * DAY_MS, groupName: 'Brand' },
          ],
        },
      },
      // Brand names are bought 90 days ahead: the renew run lists 90 days, the rest are `not-due` until 30 days.
      policy: { rules: [{ name: 'brand early', groups: ['Brand'], window: { daysBeforeExpiry: 90 } }] },
    });
    const hidden = new Set<string>();
    const registrar = hidingFromListings(world.registrar, hidden);
    const told: { day: number; names: string[]; email: string }[] = [];
    const run = async (day: number) => {
      const before = world.notifier.sent.length;
      const id = `day-${day}`;
      await executeCheck(world.deps({ registrar }), { policy: world.policy, runId: `check-${id}` }).catch(() => {});
      await executeRenew(world.deps({ registrar }), { policy: world.policy, dryRun: false, runId: id }).catch(() => {});
      for (const m of world.notifier.sent.slice(before)) told.push({ day, names: alertedDomainsOf(m), email: m.email });
    };
    await run(0); // the first inventory lists both
    for (let day = 1; day <= 75; day++) {
      world.sandbox.setClock({ nowMs: NOW + day * DAY_MS });
      // Omitted on the day of the second inventory only; moved for good from day 10.
      if (day === 7 || day >= 10) hidden.add('moved.com');
      else hidden.delete('moved.com');
      await run(day);
    }
    const named = told.filter((t) => t.names.includes('moved.com'));
    // Told on day 7 that it left the listing and "is watched from now on"...
    expect(named[0]?.day).toBe(7);
    expect(named[0]?.email).toMatch(/- moved\.com: .*no longer does, .*it is watched from now on/);
    expect(world.sandbox.state().renewals.map((r) => r.domainName)).not.toContain('moved.com');
    expect(world.sandbox.now()).toBeGreaterThan(expiryMs);
    // ...and named again at the will-lapse thresholds before it lapses (day 40 on: 30 days left).
    expect(named.filter((t) => t.day >= 40 && t.day < 70).map((t) => t.day)).not.toEqual([]);
  }, 60_000);
});
