import { createHttpPost, type HttpPost } from '../../lib/http-post';
import { runRenew } from '../../lib/renewal/run-renew';
import { startWorld, type World } from '../helpers/world';

/**
 * Review 2026-12-07. The paid call executes (the sandbox makes the task) and its answer is an error body that
 * nevertheless carries the TaskNo of the task it made: the registrar's own word that the order was taken. Classified
 * by its Code alone, a Throttling code was resent at once (a second order), and any other refusal code closed the
 * batch as refused, "did not execute". Now such an answer is an unknown outcome: never resent, reconciled by check.
 */
const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const SUBMIT = 'SaveBatchTaskForCreatingOrderRenew';

/** The first submit answer (200, executed) rewritten to `status` + `code`, keeping RequestId and TaskNo. */
function errorCarryingTaskNo(status: number, code: string): { post: HttpPost; taskNos: string[] } {
  const real = createHttpPost().post;
  const taskNos: string[] = [];
  const post: HttpPost = async (req) => {
    const answer = await real(req);
    if (!req.body.includes(`Action=${SUBMIT}`) || answer.status !== 200 || !answer.text) return answer;
    const body = JSON.parse(answer.text) as { RequestId: string; TaskNo: string };
    taskNos.push(body.TaskNo);
    if (taskNos.length > 1) return answer;
    const text = JSON.stringify({ RequestId: body.RequestId, Code: code, Message: 'test answer', TaskNo: body.TaskNo });
    return { status, header: answer.header, text };
  };
  return { post, taskNos };
}

describe('a paid-call error answer that carries a TaskNo', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it.each([
    [400, 'Throttling.User'],
    [400, 'InvalidParameter'],
    [500, 'InternalError'],
  ])(
    '%i %s with the TaskNo of the task it made: one order, the batch unknown, never "refused"',
    async (status, code) => {
      const { post, taskNos } = errorCarryingTaskNo(status, code);
      world = await startWorld({
        sandbox: {
          nowMs: NOW,
          rejectStaleExpiry: false,
          fixture: { domains: [{ domainName: 'a.com', expiresAtMs: NOW + 10 * DAY_MS }] },
          faults: { taskQueueMs: 3 * HOUR_MS },
        },
        client: { post },
      });
      await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
      expect(world.sandbox.state().submissions).toHaveLength(1);
      const [batch] = await world.ledger.listRecentBatches(10);
      expect(batch?.status).toBe('UNKNOWN');
      expect(JSON.stringify(batch)).not.toMatch(/did not execute/);
      expect(JSON.stringify(batch)).toContain(`the answer names task ${taskNos[0]}`);
    },
  );
});
