import { peerClaimsOf } from '../../lib/compose/accounts';
import { LedgerError } from '../../lib/errors';
import { executeRenew } from '../../lib/jobs';
import { createAccountsRoom, runAccounts } from '../../lib/jobs/accounts';
import type { Ledger } from '../../lib/ledger/port';
import { createLogger } from '../../lib/log';
import type { Registrar } from '../../lib/registrar/port';
import { given } from '../helpers/builder';
import { slowQuotes } from '../helpers/faulty';
import { createMemoryLedger, MemoryLedgerStore } from '../helpers/memory-ledger';
import { createCapturingNotifier } from '../helpers/world';

const HOUR = 3_600_000;

/**
 * As accounts-loser-refused, but b's batch [shared.com, b1.com] is not refused by the registrar: after dropTakenInRun
 * left shared.com to a, b's submit-start write fails (one throttled DynamoDB write). sendPrepared throws, and
 * run-renew's failedBatch ('-', no takenInRun) named every planned item as 'not-sent', shared.com included: with 10 h
 * left, a will-lapse line told a person to renew by hand the domain a bought minutes earlier. What the batch left
 * out now travels with the error (submit-batch.ts leftOutBefore).
 */
describe('the account that left a domain to another, then failed its submit-start write (review 2026-12-06)', () => {
  test('b does not tell a person to renew by hand the domain a bought', async () => {
    const t = await given({ domains: [], rejectStaleExpiry: false });
    const now = t.clock.now();
    t.registrar.domains.clear();
    for (const d of [
      { domainName: 'shared.com', expiresAtMs: now + 10 * HOUR },
      { domainName: 'b1.com', expiresAtMs: now + 10 * HOUR },
    ])
      t.registrar.domains.set(d.domainName, d);
    const aRegistrar = {
      ...t.registrar,
      listDomains: async (q: Parameters<Registrar['listDomains']>[0]) =>
        (await t.registrar.listDomains(q)).filter((d) => d.domainName !== 'b1.com'),
    } as Registrar;
    const bRegistrar = slowQuotes(t.registrar) as Registrar;
    const store = new MemoryLedgerStore();
    const bBase = createMemoryLedger({ store, account: 'b' });
    let failed = false;
    const bLedger: Ledger = {
      ...bBase,
      saveBatch: async (batch) => {
        if (!failed && batch.submitStartedAtMs !== undefined) {
          failed = true;
          throw new LedgerError('ProvisionedThroughputExceededException (simulated)');
        }
        return bBase.saveBatch(batch);
      },
    };
    const ledgers = { a: createMemoryLedger({ store, account: 'a' }), b: bLedger };
    const primary = createCapturingNotifier();
    const room = createAccountsRoom({
      job: 'renew',
      runId: 'r1',
      labels: ['a', 'b'],
      primary,
      log: createLogger({ sink: () => {} }),
    });
    await runAccounts(room, 'r1', [{ label: 'a' }, { label: 'b' }], async ({ label }) => {
      const l = label as 'a' | 'b';
      const take = room.claimsFor(l);
      return executeRenew(
        t.deps({
          ledger: ledgers[l],
          registrar: l === 'a' ? aRegistrar : bRegistrar,
          notifier: room.notifierFor(l),
          peerClaims: peerClaimsOf([l === 'a' ? bBase : ledgers.a]),
          ...(take ? { runClaims: take } : {}),
        }),
        { policy: t.policy, dryRun: false, runId: 'r1' },
      );
    });
    expect(failed).toBe(true);
    // a bought shared.com once; b sent nothing.
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['shared.com']);
    const email = primary.sent.map((m) => m.email).join('\n');
    const sharedNotBought = email.split('\n').filter((l) => /shared\.com.*(not bought|renew it by hand)/.test(l));
    expect(sharedNotBought).toEqual([]);
  });
});
