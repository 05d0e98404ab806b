import { AmbiguousOutcomeError, InputError } from '../../lib/errors';
import { executeCheck } from '../../lib/jobs';
import { closeBatchByHand } from '../../lib/renewal/close-batch';
import { given } from '../helpers/builder';

describe('closeBatchByHand (autorenew close-batch): a way out of a batch check cannot settle', () => {
  test('a preview writes nothing; the close releases the claims, closes the batch, says so once, and the domain is bought', async () => {
    const t = await given({ domains: ['a.com+10d'] });
    t.registrar.faults.before = (op) => {
      if (op === 'submitRenewBatch') throw new AmbiguousOutcomeError('answer lost (test)');
    };
    await t.renew();
    t.registrar.faults = {};
    const [open] = await t.ledger.listOpenBatches();
    expect(open?.status).toBe('UNKNOWN');
    const batchId = open?.batchId as string;

    const preview = await closeBatchByHand(t.ledger, batchId, 'cancelled in the console', t.clock.now(), false);
    expect(preview.unsettled.map((e) => e.domain)).toEqual(['a.com']);
    expect((await t.ledger.getBatch(batchId))?.status).toBe('UNKNOWN');
    expect((await t.ledger.listClaimsForDomain('a.com')).map((c) => c.status)).toEqual(['UNKNOWN']);

    const closed = await closeBatchByHand(t.ledger, batchId, 'cancelled in the console', t.clock.now(), true);
    expect(closed.batch).toMatchObject({ status: 'CLOSED', error: { code: 'closed-by-hand' } });
    expect(closed.batch.entries.map((e) => e.outcome)).toEqual(['NOT_SUBMITTED']);
    expect(await t.ledger.listClaimsForDomain('a.com')).toEqual([
      expect.objectContaining({
        status: 'FAILED',
        code: 'not-submitted',
        attempts: 0,
        message: 'closed by hand: cancelled in the console',
      }),
    ]);
    // Closing again does nothing.
    expect((await closeBatchByHand(t.ledger, batchId, 'again', t.clock.now(), true)).open).toBe(false);

    await executeCheck(t.deps(), { policy: t.policy, runId: 'c1' });
    expect(t.notifier.sent.at(-1)?.email).toMatch(
      /^- a\.com: .*closed by hand: cancelled in the console; released, the next renew run buys it if it is due/m,
    );
    const again = await t.renew();
    expect(again.summary.submitted).toBe(1);
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com']);
  });

  test('an unknown batch id is an InputError that writes nothing', async () => {
    const t = await given();
    await expect(closeBatchByHand(t.ledger, 'nope', 'x', t.clock.now(), true)).rejects.toThrow(InputError);
    await expect(closeBatchByHand(t.ledger, 'nope', 'x', t.clock.now(), true)).rejects.toThrow(
      /no batch "nope" in the ledger; `autorenew status` lists the open ones; nothing was written/,
    );
  });
});
