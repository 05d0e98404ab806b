import { executeCheck, executeRenew } from '../../lib/jobs';
import type { ListedDomain, Registrar } from '../../lib/registrar/port';
import type { MemoryLedger } from '../helpers/memory-ledger';
import { startWorld, type World } from '../helpers/world';

const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;

/**
 * Review 2026-12-08, thirty-second session, of a1b4358. The watch write is now tried three times and, when every try
 * fails, told in the digest and the run fails loudly. A failed READ of the list (watch.ts watchListing, the first
 * readWatch) returns early: nothing is stored, `unstored` is not set, the digest says nothing and the run succeeds.
 * The run that announced vanish.com (35 days) therefore stored no list with it; the listing stops showing it the next
 * day, and it lapses with nobody told: the very gap the write fix closed, left open by one throttled read.
 */
function hidingFromListings(inner: Registrar, hidden: Set<string>): Registrar {
  return {
    ...inner,
    listDomains: async (query) => {
      const onPage = query.onPage;
      const keep = (ds: readonly ListedDomain[]) => ds.filter((d) => !hidden.has(d.domainName));
      const all = await inner.listDomains({ ...query, ...(onPage ? { onPage: (page) => onPage(keep(page)) } : {}) });
      return keep(all);
    },
  };
}

describe('the watch list READ fails on the run that announces a renewal', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('the renewal the listing then stops showing is still named before it lapses, or the run says the write failed', async () => {
    world = await startWorld({
      ledger: 'memory',
      sandbox: {
        nowMs: NOW,
        fixture: {
          domains: [
            { domainName: 'keep.com', expiresAtMs: NOW + 35 * DAY_MS },
            { domainName: 'vanish.com', expiresAtMs: NOW + 35 * DAY_MS + 3_600_000 },
          ],
        },
      },
      policy: { notify: { advanceDays: 7 } },
    });
    const ledger = world.ledger as MemoryLedger;
    let failWatchWrite = true;
    ledger.faults.before = async (op) => {
      if (op === 'readWatch' && failWatchWrite) throw new Error('ProvisionedThroughputExceededException (test)');
    };
    const hidden = new Set<string>();
    const registrar = hidingFromListings(world.registrar, hidden);
    const run = async (id: string) => {
      await executeCheck(world.deps({ registrar }), { policy: world.policy, runId: `check-${id}` }).catch(() => {});
      // The run whose watch write fails fails loudly (after its digest).
      await executeRenew(world.deps({ registrar }), { policy: world.policy, dryRun: false, runId: id }).catch(() => {});
    };
    await run('day-0'); // vanish.com announced ("to be bought from ..."); the watch read fails once: nothing is stored
    const day0 = world.notifier.sent.map((m) => m.email).join('\n');
    expect(day0).toContain('vanish.com');
    const before = world.notifier.sent.length;
    failWatchWrite = false;
    hidden.add('vanish.com');
    for (let day = 1; day <= 70; day++) {
      world.sandbox.setClock({ advanceMs: DAY_MS });
      await run(`day-${day}`);
    }
    expect(world.sandbox.state().submissions.map((s) => s.domainName)).not.toContain('vanish.com');
    const later = world.notifier.sent.slice(before).map((m) => `${m.email}\n${m.sms ?? ''}`);
    const told = /watch list/i.test(day0) || later.some((text) => /vanish\.com/.test(text));
    expect({ toldAnyone: told }).toEqual({ toldAnyone: true });
  }, 120_000);
});
