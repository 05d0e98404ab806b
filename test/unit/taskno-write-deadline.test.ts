import { AmbiguousOutcomeError } from '../../lib/errors';
import type { Batch } from '../../lib/ledger/port';
import type { Registrar } from '../../lib/registrar/port';
import { type Given, given } from '../helpers/builder';

/**
 * A TaskNo write that keeps failing slowly near the deadline. The run stops starting paid calls a margin before it
 * (the call's worst case plus the writes around it), but the TaskNo write was retried six times whatever
 * time was left: with each attempt a slow one (the ledger client's three tries of 5 s), the function was killed
 * mid-retry, before its ERROR line, its metric and its write onto the claims: the TaskNo then stood in one INFO line
 * only (review 2026-12-07, twenty-sixth session's "found, not fixed").
 */
describe('near the deadline a TaskNo write stops retrying in time to log it at ERROR and write it onto the claims', () => {
  /** 74 s left: over the memory registrar's margin (1 s worst call + 64 s), so the batch is sent. */
  async function runNearDeadline(t: Given, status: Batch['status'], registrar?: Registrar) {
    const deadline = t.clock.now() + 74_000;
    const ledger = t.ledger;
    const slow = Object.create(ledger) as typeof ledger;
    slow.saveBatch = async (batch: Batch) => {
      if (batch.status !== status) return ledger.saveBatch(batch);
      t.advance(9_000); // a write that times out, slowly, on every try
      throw new Error('DynamoDB unavailable (test)');
    };
    const metrics: string[] = [];
    await t.renew({
      deps: {
        ledger: slow,
        remainingMs: () => deadline - t.clock.now(),
        metrics: (m) => metrics.push(...Object.keys(m)),
        ...(registrar ? { registrar } : {}),
      },
    });
    const taskNo = t.registrar.submissions()[0]?.taskNo as string;
    expect(taskNo).toBeDefined();
    const lines = t.logs.map((l) => JSON.parse(l));
    return { deadline, taskNo, metrics, lines };
  }

  test('a 2xx answer: the batch write', async () => {
    const t = await given({ domains: ['a.com+5d'] });
    const { deadline, taskNo, metrics, lines } = await runNearDeadline(t, 'SUBMITTED');
    const line = lines.find((l) => l.msg === 'TaskNo NOT RECORDED on the batch; record it by hand');
    expect(line?.taskNo).toBe(taskNo);
    // Logged with time left for the claims: at least one more slow write's worth.
    expect(deadline - Date.parse(line.time)).toBeGreaterThanOrEqual(16_000);
    expect(metrics).toContain('TaskNoNotRecorded');
    expect((await t.ledger.listClaimsForDomain('a.com')).map((c) => c.taskNo)).toEqual([taskNo]);
  });

  test('an error answer naming its task: the UNKNOWN write', async () => {
    const t = await given({ domains: ['a.com+5d'] });
    const registrar: Registrar = {
      ...t.registrar,
      submitRenewBatch: async (request) => {
        const sent = await t.registrar.submitRenewBatch(request);
        throw new AmbiguousOutcomeError('InternalError after the order was made (test)', { taskNo: sent.taskNo });
      },
    };
    const { deadline, taskNo, metrics, lines } = await runNearDeadline(t, 'UNKNOWN', registrar);
    const line = lines.find(
      (l) => l.msg === 'submit outcome unknown and not recorded as such; check settles the batch from its submit start',
    );
    expect(line?.taskNo).toBe(taskNo);
    expect(deadline - Date.parse(line.time)).toBeGreaterThanOrEqual(16_000);
    expect(metrics).toContain('TaskNoNotRecorded');
    expect((await t.ledger.listClaimsForDomain('a.com')).map((c) => c.taskNo)).toEqual([taskNo]);
  });
});
