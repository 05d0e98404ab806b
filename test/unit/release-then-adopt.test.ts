import { AmbiguousOutcomeError, RejectedRetryableError } from '../../lib/errors';
import { given } from '../helpers/builder';

const HOUR = 3_600_000;

/**
 * Review 2026-12-07: a lost submit of {a, b} whose task waits 60 h in the registrar's queue and stays out of the task
 * list for 30 h. At the release rule a.com's expiry reads unchanged and it is released; with `bLookUpFails`, b.com's
 * look-up is throttled meanwhile, so b.com stays open and the batch UNKNOWN. The task then shows in the list, still
 * queued, with exactly {a, b}. Adopted as ours, its TaskNo was skipped by the buying run's guard for someone else's
 * tasks, and a.com, released, was bought a second time while the task's row for it still waited.
 * Returns how many times a.com was ordered.
 */
async function releasedThenShown(bLookUpFails: boolean) {
  const t = await given({ domains: ['a.com+20d', 'b.com+20d'], rejectStaleExpiry: false });
  t.registrar.faults.queueMs = () => 60 * HOUR;
  t.registrar.faults.listLagMs = () => 30 * HOUR;
  t.registrar.faults.afterSubmit = () => {
    throw new AmbiguousOutcomeError('answer lost (test)', {});
  };
  await t.renew();
  delete t.registrar.faults.afterSubmit;
  for (let h = 1; h <= 47; h++) {
    t.advance('1h');
    t.registrar.faults.before = (op, arg) => {
      if (bLookUpFails && op === 'getDomain' && arg === 'b.com' && h < 30) {
        throw new RejectedRetryableError('throttled (test)', {});
      }
    };
    await t.check();
  }
  delete t.registrar.faults.before;
  t.advance('1h');
  await t.renew();
  t.advance('20h');
  for (let h = 0; h < 3; h++) {
    t.advance('1h');
    await t.check();
  }
  return { t, orders: t.registrar.submissions().filter((s) => s.domainName === 'a.com').length };
}

describe('a lost submit partly released, whose task then shows in the list', () => {
  test('control: released whole, the queued task is left to the guard for tasks not ours, and a.com is bought once', async () => {
    expect((await releasedThenShown(false)).orders).toBe(1);
  });

  test('released in part (one look-up failed), the task is not adopted over the released domain: bought once', async () => {
    const { t, orders } = await releasedThenShown(true);
    expect(orders).toBe(1);
    // The task renewed both once it ran: b.com's renewal is recorded, after a stuck alert while the task waited.
    expect(await t.ledger.listOpenBatches()).toStrictEqual([]);
    expect((await t.ledger.listClaimsForDomain('b.com')).map((c) => c.status)).toStrictEqual(['RENEWED']);
    const stuck = t.notifier.sent.filter((m) => m.subject.includes('stuck'));
    expect(stuck).toHaveLength(1);
    expect(stuck[0]?.email).toMatch(/Stuck \(1\)[\s\S]*- b\.com: /);
  });
});
