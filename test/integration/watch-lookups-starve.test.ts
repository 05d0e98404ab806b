import { executeCheck, executeRenew } from '../../lib/jobs';
import type { Registrar } from '../../lib/registrar/port';
import { hidingFromListings } from '../helpers/faulty';
import { startWorld, type World } from '../helpers/world';

const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;

/**
 * The watch list looks up at most 20 missing renewals per run, and a renewal still held at its expiry stays on the
 * list. Looked up soonest expiry first, when a RAM policy change hid more than 20 announced renewals at once (the
 * very case the watch list is for: a resource group), the 21st and later were never looked up, so never named, before
 * they lapsed (review 2026-12-07, twenty-fifth session). The look-ups go round now, and one not looked up is named.
 */
describe('more than 20 announced renewals drop out of the listing together', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('each of them is named before its expiry, and each is looked up in turn', async () => {
    const names = Array.from({ length: 22 }, (_, i) => `group${String(i).padStart(2, '0')}.com`);
    // Expiring in 35 days, the last two a day after the others.
    const fixture = names.map((domainName, i) => ({
      domainName,
      expiresAtMs: NOW + 35 * DAY_MS + (i >= 20 ? DAY_MS : 0) + i * 60_000,
    }));
    world = await startWorld({
      ledger: 'memory',
      sandbox: { nowMs: NOW, fixture: { domains: fixture } },
      policy: { notify: { advanceDays: 7 } },
    });
    const hidden = new Set<string>();
    const looked: string[] = [];
    const hiding = hidingFromListings(world.registrar, hidden);
    const registrar: Registrar = {
      ...hiding,
      getDomain: async (name) => {
        looked.push(name);
        return hiding.getDomain(name);
      },
    };
    const run = async (id: string) => {
      await executeCheck(world.deps({ registrar }), { policy: world.policy, runId: `check-${id}` }).catch(() => {});
      await executeRenew(world.deps({ registrar }), { policy: world.policy, dryRun: false, runId: id }).catch(() => {});
    };
    await run('day-0');
    expect((await world.ledger.readWatch()).map((e) => e.domain).sort()).toEqual(names);
    const before = world.notifier.sent.length;
    for (const n of names) hidden.add(n);
    for (let day = 1; day <= 35; day++) {
      world.sandbox.setClock({ advanceMs: DAY_MS });
      looked.length = day === 2 ? 0 : looked.length;
      await run(`day-${day}`);
    }
    const later = world.notifier.sent
      .slice(before)
      .map((m) => m.email)
      .join('\n');
    const unnamed = names.filter((n) => !new RegExp(`^- ${n.replace('.', '\\.')}: .*not-listed`, 'm').test(later));
    expect(unnamed).toEqual([]);
    // From day 2 on, every one of them was looked up (none starved by the 20 soonest).
    expect([...new Set(looked)].sort()).toEqual(names);
  });
});
