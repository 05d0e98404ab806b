import { executeCheck, executeRenew } from '../../lib/jobs';
import { hidingFromListings } from '../helpers/faulty';
import type { LedgerOperation, MemoryLedger } from '../helpers/memory-ledger';
import { startWorld, type World } from '../helpers/world';

const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;

/**
 * Review 2026-12-08, thirty-second session (listing completeness, then the review of its fix). watchListing
 * (lib/renewal/watch.ts) stored the watch list with one changeWatch, whose failure was only logged ("the next run tries
 * again"): the run completed and its digest said nothing. When that run was the last one to list a renewal it
 * announced (the listing stops showing it the next day: a RAM policy scoped to a resource group after the domain
 * moved), the next run's list never had it, and it lapsed unnamed: one throttled PutItem switched off the safety net
 * the watch list is. The write is now tried three times, and when each fails the digest says so and the run fails
 * loudly. A failed READ of the list did the same (the step returned before storing): the read is tried three times,
 * and a list it cannot read no longer stops the store (this run's renewals merged into what is stored then).
 */
describe.each([
  ['write', 'changeWatch'],
  ['read', 'readWatch'],
] as const)('the watch list %s fails on the run that announces a renewal', (_what, failing: LedgerOperation) => {
  let world: World;
  afterEach(async () => world?.stop());

  it('the renewal the listing then stops showing is still named before it lapses, or the run says it failed', async () => {
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
    let fail = true;
    ledger.faults.before = async (op) => {
      if (op === failing && fail) throw new Error('ProvisionedThroughputExceededException (test)');
    };
    const hidden = new Set<string>();
    const registrar = hidingFromListings(world.registrar, hidden);
    const run = async (id: string) => {
      await executeCheck(world.deps({ registrar }), { policy: world.policy, runId: `check-${id}` }).catch(() => {});
      // A run whose watch write fails fails loudly (after its digest).
      await executeRenew(world.deps({ registrar }), { policy: world.policy, dryRun: false, runId: id }).catch(() => {});
    };
    await run('day-0'); // vanish.com announced ("to be bought from ..."); every try of the watch step's call fails
    const day0 = world.notifier.sent.map((m) => m.email).join('\n');
    expect(day0).toContain('vanish.com');
    const before = world.notifier.sent.length;
    fail = false;
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
