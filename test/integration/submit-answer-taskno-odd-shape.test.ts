import { createHttpPost, type HttpPost } from '../../lib/http-post';
import { runRenew } from '../../lib/renewal/run-renew';
import { checkOnce } from '../helpers/check-once';
import { duplicateSubmissions, startWorld, type World } from '../helpers/world';

/**
 * The paid call executes and answers 200 with the TaskNo of the task it made, but not in the exact shape parseSubmit
 * wants: the old doc pages' lower-case keys (`requestId`, `taskNo`, shared/alibaba-domain-api.md section 2), the
 * RequestId only in the `x-acs-request-id` header or as a number, or the body cut short after the TaskNo. The answer is read as an invalid body (ambiguous: right), but
 * the TaskNo it carries is thrown away (transport.ts reads TaskNo only from non-2xx answers), so the batch is
 * UNKNOWN with no TaskNo. With the task queued and the task list lagging (as paid-error-taskno-released.test.ts),
 * the batch is released and the next run buys the same (domain, expiry) again: M1 via M2.
 */
const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const SUBMIT = 'SaveBatchTaskForCreatingOrderRenew';

type Rewrite = (body: { RequestId: string; TaskNo: string }) => string;

function rewriteFirstSubmit(rewrite: Rewrite): { post: HttpPost; taskNos: string[] } {
  const real = createHttpPost().post;
  const taskNos: string[] = [];
  const post: HttpPost = async (req) => {
    const answer = await real(req);
    if (!req.body.includes(`Action=${SUBMIT}`) || answer.status !== 200 || !answer.text) return answer;
    const body = JSON.parse(answer.text) as { RequestId: string; TaskNo: string };
    taskNos.push(body.TaskNo);
    if (taskNos.length > 1) return answer;
    const requestId = body.RequestId;
    return {
      status: 200,
      header: (name: string) => (name.toLowerCase() === 'x-acs-request-id' ? requestId : answer.header(name)),
      text: rewrite(body),
    };
  };
  return { post, taskNos };
}

describe('a 200 answer to the paid call that carries the TaskNo in a shape parseSubmit does not read', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it.each<[string, Rewrite]>([
    ['lower-case keys (old doc examples)', (b) => JSON.stringify({ requestId: b.RequestId, taskNo: b.TaskNo })],
    ['lower-case TaskNo key beside a RequestId', (b) => JSON.stringify({ RequestId: b.RequestId, taskNo: b.TaskNo })],
    ['RequestId only in the header', (b) => JSON.stringify({ TaskNo: b.TaskNo })],
    ['RequestId a number', (b) => JSON.stringify({ RequestId: 12345, TaskNo: b.TaskNo })],
    [
      'the body cut short (its closing brace lost)',
      (b) => JSON.stringify({ RequestId: b.RequestId, TaskNo: b.TaskNo }).slice(0, -1),
    ],
  ])('%s: the TaskNo is kept, the batch never released, the domain bought once', async (_name, rewrite) => {
    const expiry = NOW + 10 * DAY_MS;
    const { post, taskNos } = rewriteFirstSubmit(rewrite);
    world = await startWorld({
      sandbox: {
        nowMs: NOW,
        rejectStaleExpiry: false,
        fixture: { domains: [{ domainName: 'a.com', expiresAtMs: expiry }] },
        faults: { taskQueueMs: 40 * HOUR_MS, taskListLagMs: 30 * HOUR_MS },
      },
      client: { post },
    });
    await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
    const [unknown] = await world.ledger.listRecentBatches(10);
    expect(world.sandbox.state().submissions).toHaveLength(1);

    for (let h = 1; h <= 26; h++) {
      world.sandbox.setClock({ advanceMs: HOUR_MS });
      await checkOnce(world.deps(), { policy: world.policy, runId: `c${h}` });
      if (h === 26) await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: `r${h}` });
    }

    expect(duplicateSubmissions(world.sandbox)).toEqual([]);
    expect(world.sandbox.state().submissions).toHaveLength(1);
    const batch = await world.ledger.getBatch(unknown?.batchId ?? '');
    expect(batch?.taskNo).toBe(taskNos[0]);
  });
});
