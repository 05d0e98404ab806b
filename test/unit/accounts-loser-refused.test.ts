import { peerClaimsOf } from '../../lib/compose/accounts';
import { RejectedRetryableError } from '../../lib/errors';
import { executeRenew } from '../../lib/jobs';
import { createAccountsRoom, runAccounts } from '../../lib/jobs/accounts';
import { createLogger } from '../../lib/log';
import type { Registrar } from '../../lib/registrar/port';
import { given } from '../helpers/builder';
import { slowQuotes } from '../helpers/faulty';
import { createMemoryLedger, MemoryLedgerStore } from '../helpers/memory-ledger';
import { createCapturingNotifier } from '../helpers/world';

const HOUR = 3_600_000;

/**
 * Two accounts of one run list shared.com at the same expiry (10 h left); b also lists its own b1.com (a's RAM user
 * does not see it: a resource group, or a domain pushed to b). a takes shared.com in the room and buys it; b's batch
 * [shared.com, b1.com] leaves shared.com to a (dropTakenInRun) and sends [b1.com], which the registrar does not accept
 * this time (Throttling: proven not executed). run-renew.ts then names every item of b's batch as `refused`
 * (heldBack over `items`, the batch as planned, not the entries sent): b's section says shared.com was not bought,
 * and, as it expires before the next daily run, a will-lapse line tells the person to renew it by hand, a domain
 * a bought minutes earlier in the same run (a second, manual purchase of the same expiry).
 */
describe('the account that left a domain to another, then had its order refused (review 2026-12-06)', () => {
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
    const bRegistrar = {
      ...slowQuotes(t.registrar),
      submitRenewBatch: async () => {
        throw new RejectedRetryableError('SaveBatchTaskForRenewingDomainNow failed: Throttling.User (HTTP 400).');
      },
    } as Registrar;
    const store = new MemoryLedgerStore();
    const ledgers = { a: createMemoryLedger({ store, account: 'a' }), b: createMemoryLedger({ store, account: 'b' }) };
    const primary = createCapturingNotifier();
    const room = createAccountsRoom({
      job: 'renew',
      runId: 'r1',
      labels: ['a', 'b'],
      primary,
      log: createLogger({ sink: () => {} }),
    });
    const results = await runAccounts(room, 'r1', [{ label: 'a' }, { label: 'b' }], async ({ label }) => {
      const l = label as 'a' | 'b';
      const take = room.claimsFor(l);
      return executeRenew(
        t.deps({
          ledger: ledgers[l],
          registrar: l === 'a' ? aRegistrar : bRegistrar,
          notifier: room.notifierFor(l),
          peerClaims: peerClaimsOf([l === 'a' ? ledgers.b : ledgers.a]),
          ...(take ? { runClaims: take } : {}),
        }),
        { policy: t.policy, dryRun: false, runId: 'r1' },
      );
    });
    expect(results.every((r) => r.ok)).toBe(true);
    // a bought shared.com once.
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['shared.com']);
    const email = primary.sent.map((m) => m.email).join('\n');
    const sharedNotBought = email.split('\n').filter((l) => /shared\.com.*(not bought|renew it by hand)/.test(l));
    process.stderr.write(`SMS: ${primary.sent.map((m) => m.sms).join(' | ')}\n`);
    expect(sharedNotBought).toEqual([]);
  });
});
