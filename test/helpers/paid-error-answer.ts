import { createHttpPost, type HttpPost } from '../../lib/http-post';

const SUBMIT = 'SaveBatchTaskForCreatingOrderRenew';

/**
 * An HTTP client whose `at`-th paid call (1-based) answers 500 InternalError naming a TaskNo: `named(taskNos)` of the
 * TaskNos made so far (its own is the last). The call executes at the sandbox (its task is made) unless `unsent`:
 * then it never reaches the sandbox, 'never-made' is pushed, and the same answer comes back. Every other answer is
 * the sandbox's own. `taskNos` lists the TaskNos of every paid call, in order.
 */
export function errorAnswerNamingTask(
  at: number,
  named: (taskNos: readonly string[]) => string = (t) => t[t.length - 1] as string,
  options: { unsent?: boolean } = {},
): { post: HttpPost; taskNos: string[] } {
  const real = createHttpPost().post;
  const taskNos: string[] = [];
  const error = (requestId: string) =>
    JSON.stringify({ RequestId: requestId, Code: 'InternalError', Message: 'test answer', TaskNo: named(taskNos) });
  const post: HttpPost = async (req) => {
    const paid = req.body.includes(`Action=${SUBMIT}`);
    if (paid && options.unsent && taskNos.length === at - 1) {
      taskNos.push('never-made');
      return { status: 500, header: () => undefined, text: error('R-unsent') };
    }
    const answer = await real(req);
    if (!paid || answer.status !== 200 || !answer.text) return answer;
    const body = JSON.parse(answer.text) as { RequestId: string; TaskNo: string };
    taskNos.push(body.TaskNo);
    if (taskNos.length !== at) return answer;
    return { status: 500, header: answer.header, text: error(body.RequestId) };
  };
  return { post, taskNos };
}
