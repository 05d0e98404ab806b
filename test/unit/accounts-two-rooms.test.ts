import type { Ledger } from '../../lib/ledger/port';
import type { Registrar } from '../../lib/registrar/port';
import { isLive } from '../../lib/renewal/claims';
import { listedByTwoAccounts, type PeerRead, renewInRoom } from '../helpers/accounts-room';
import { given } from '../helpers/builder';
import { slowQuotes } from '../helpers/faulty';
import { createMemoryLedger, MemoryLedgerStore } from '../helpers/memory-ledger';
import { createCapturingNotifier } from '../helpers/world';

const HOUR = 3_600_000;
type Label = 'a' | 'b';

/**
 * Two runs that overlap, each with its own accounts room: the scheduled renew and an operator's
 * `autorenew renew --account b`, or one schedule event delivered twice under two request ids. Both accounts list
 * shared.com at one expiry (pushed between two Alibaba accounts, so neither task list shows the other's order).
 * The room guards one run; between two rooms only the peer read at planning did, and both runs planned before
 * either had claimed: both bought (review 2026-12-06). Now each account reads the other accounts' claims again once
 * its own are durable, right before the paid call (submit-batch.ts dropClaimedByPeers).
 */
describe('two overlapping runs, each with its own room, listing one domain in two accounts', () => {
  const world = async (peerRead?: (own: Ledger, other: Ledger, read: PeerRead) => PeerRead) => {
    const t = await given({ domains: [], taskMs: 6 * HOUR });
    const regB = listedByTwoAccounts(t, 'shared.com', t.clock.now() + 10 * HOUR, 6 * HOUR);
    const store = new MemoryLedgerStore();
    const ledgers = { a: createMemoryLedger({ store, account: 'a' }), b: createMemoryLedger({ store, account: 'b' }) };
    const registrars = { a: t.registrar as Registrar, b: slowQuotes(regB) as Registrar };
    const notifiers = { a: createCapturingNotifier(), b: createCapturingNotifier() };
    const other = (l: Label) => (l === 'a' ? ledgers.b : ledgers.a);
    /** One run of `label` alone, in a room of its own (as `autorenew renew --account <label>` runs). */
    const invoke = (runId: string, label: Label, wrapped = true) =>
      renewInRoom(
        {
          t,
          ledgers,
          registrars,
          ...(wrapped && peerRead
            ? { peerRead: (l: Label, plain: PeerRead) => peerRead(ledgers[l], other(l), plain) }
            : {}),
        },
        { runId, labels: [label], primary: notifiers[label] },
      );
    const bought = () => [...t.registrar.submissions(), ...regB.submissions()].map((s) => s.domainName);
    const email = () => [...notifiers.a.sent, ...notifiers.b.sent].map((m) => m.email).join('\n');
    return { t, invoke, bought, email };
  };

  test('both plan before either claims: the domain is bought once, and the run that left it says so', async () => {
    const w = await world();
    const results = (await Promise.all([w.invoke('schedule-1', 'a'), w.invoke('cli-1', 'b')])).flat();
    expect(results.every((r) => r.ok)).toBe(true);
    expect(w.bought()).toEqual(['shared.com']);
    // The run that read second left the domain to the other: its digest names it, and within a day of its expiry
    // the will-lapse line says to look first (the other run may have bought it), not to renew it by hand.
    const email = w.email();
    expect(email).toMatch(/shared\.com: .*claimed it \(the same domain and expiry\) in a run overlapping this one/);
    expect(email).toMatch(/Will lapse: look first \(shared\.com\)/);
    expect(email).toMatch(/renew it by hand only if the other account's digest does not show it submitted/);
  });

  test('both read after both claimed: neither buys that run, both say so, and the next run buys it once', async () => {
    // A read made with the account's own claim live waits for the other's claim, reads, then waits for the other
    // account's read to be done too (each wait a bounded number of turns): both see both claims live.
    const turn = () => new Promise((r) => setImmediate(r));
    let done = 0;
    const w = await world((own, other, read) => async (keys, whole) => {
      if (!(await own.getClaims(keys)).some(isLive)) return read(keys, whole);
      for (let i = 0; i < 1_000 && !(await other.getClaims(keys)).some(isLive); i++) await turn();
      const seen = await read(keys, whole);
      done += 1;
      for (let i = 0; i < 1_000 && done < 2; i++) await turn();
      return seen;
    });
    await Promise.all([w.invoke('schedule-1', 'a'), w.invoke('cli-1', 'b')]);
    expect(w.bought()).toEqual([]);
    expect(w.email().match(/- shared\.com: .*in a run overlapping this one/g)).toHaveLength(2);
    w.t.clock.advance(60_000);
    await w.invoke('schedule-2', 'a', false);
    await w.invoke('schedule-2b', 'b', false);
    expect(w.bought()).toEqual(['shared.com']);
  });

  test("the other accounts' claims cannot be read before the paid call: nothing is bought, the next run buys", async () => {
    let reads = 0;
    const w = await world((own, _other, read) => async (keys, whole) => {
      // The planner's read succeeds; the one made with the claim durable fails.
      if ((await own.getClaims(keys)).some(isLive)) throw new Error('ledger unavailable (test outage)');
      reads += 1;
      return read(keys, whole);
    });
    const results = await w.invoke('schedule-1', 'a');
    expect(reads).toBeGreaterThan(0);
    expect(results.every((r) => r.ok)).toBe(false);
    expect(w.bought()).toEqual([]);
    expect(w.email()).toMatch(/shared\.com: .*its batch failed on our side/);
    w.t.clock.advance(60_000);
    await w.invoke('schedule-2', 'a', false);
    expect(w.bought()).toEqual(['shared.com']);
  });
});
