import type { Registrar } from '../../lib/registrar/port';
import { listedByTwoAccounts, renewInRoom } from '../helpers/accounts-room';
import { given } from '../helpers/builder';
import { slowQuotes } from '../helpers/faulty';
import { createMemoryLedger, MemoryLedgerStore } from '../helpers/memory-ledger';
import { createCapturingNotifier } from '../helpers/world';

const HOUR = 3_600_000;

/**
 * The Lambda's runId is context.awsRequestId (compose/lambda.ts). Lambda redelivers an asynchronous event (the
 * schedule's) with the same request ID: its queue is at-least-once ("it's possible for it to receive the same event
 * from Lambda multiple times"), and a throttled or system-failed invocation is requeued for maximumEventAge (6 h
 * here). Two invocations with one runId are two rooms, and the own-run filter of the peer read (then plan-listing.ts withoutOwnRunPeers, now peer-claims.ts readPeerClaims) dropped the other
 * invocation's claims as "this very run's" (it matched the run id): the guard design.md names as the only one
 * between two rooms was off. Invocation 1: a buys shared.com, b leaves it to a. Invocation 2 (same runId, a fresh
 * room): a sees its own claim, b ignored a's claim and bought shared.com a second time. The room now records the
 * attempt ids its own accounts write under (JobDeps.runClaims.isRunAttempt), and only those are left out. (As in accounts-transfer-lag, the domain is listed by two
 * Alibaba accounts, so b's task list does not show a's order.)
 */
describe('two invocations sharing one runId (a redelivered schedule event) (review 2026-12-06)', () => {
  const scenario = async (secondRunId: string) => {
    const t = await given({ domains: [], taskMs: 6 * HOUR });
    const regB = listedByTwoAccounts(t, 'shared.com', t.clock.now() + 10 * HOUR, 6 * HOUR);
    const bought = () => [...t.registrar.submissions(), ...regB.submissions()].map((s) => s.domainName);
    const store = new MemoryLedgerStore();
    const ledgers = { a: createMemoryLedger({ store, account: 'a' }), b: createMemoryLedger({ store, account: 'b' }) };
    const registrars = { a: t.registrar as Registrar, b: slowQuotes(regB) as Registrar };
    const invoke = (runId: string) =>
      renewInRoom({ t, ledgers, registrars }, { runId, labels: ['a', 'b'], primary: createCapturingNotifier() });
    const first = await invoke('req-1');
    expect(first.every((r) => r.ok)).toBe(true);
    expect(bought()).toEqual(['shared.com']);
    t.clock.advance(60_000);
    // The same event delivered again: the same awsRequestId, so the same runId.
    const second = await invoke(secondRunId);
    expect(second.every((r) => r.ok)).toBe(true);
    return bought();
  };

  test('control: a second invocation with its own runId does not buy again', async () => {
    expect(await scenario('req-2')).toEqual(['shared.com']);
  });

  test('the same event delivered twice (one awsRequestId): a domain both accounts list is bought once', async () => {
    expect(await scenario('req-1')).toEqual(['shared.com']);
  });
});
