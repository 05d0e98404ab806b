import { formatDisplayDate } from '../dates';
import { type DetailRecord, STATUS_CODES, type TaskRecord } from '../model';
import { optionalInt, optionalString, paginate, requirePaging, requireString } from '../params';
import { domainKey } from '../tld';
import { invalidParameter } from '../wire';
import type { OpContext } from './context';

/** QueryTaskDetailList's PageSize limit is documented (1000), unlike the other lists. */
export const MAX_DETAIL_PAGE_SIZE = 1000;
const TASK_TYPE = 'ORDER_RENEW';
const TASK_TYPE_DESCRIPTION = 'Create a renewal order';

/** Task-level status: WAITING_EXECUTE(1) until a detail starts, EXECUTING(2), COMPLETE(3) when all are done. */
function taskStatus(ctx: OpContext, task: TaskRecord, nowMs: number): { status: string; code: 1 | 2 | 3 } {
  const statuses = task.details.map((d) => ctx.model.detailStatus(task, d, nowMs));
  if (statuses.every((s) => s === 'EXECUTE_SUCCESS' || s === 'EXECUTE_FAILURE')) return { status: 'COMPLETE', code: 3 };
  if (statuses.every((s) => s === 'WAITING_EXECUTE')) return { status: 'WAITING_EXECUTE', code: 1 };
  return { status: 'EXECUTING', code: 2 };
}

/**
 * QueryTaskList: the account's tasks, newest first; BeginCreateTime/EndCreateTime inclusive epoch ms. A task
 * created under taskListLagMs is absent until its listedAtMs.
 */
export function queryTaskList(ctx: OpContext): Record<string, unknown> {
  const { pageNum, pageSize } = requirePaging(ctx.params, ctx.maxPageSize);
  const begin = optionalInt(ctx.params, 'BeginCreateTime');
  const end = optionalInt(ctx.params, 'EndCreateTime');
  const nowMs = ctx.model.now();
  const tasks = ctx.model.tasks
    .filter(
      (t) =>
        t.listedAtMs <= nowMs &&
        (begin === undefined || t.createdAtMs >= begin) &&
        (end === undefined || t.createdAtMs <= end),
    )
    .reverse();
  const { page, meta } = paginate(tasks, pageNum, pageSize);
  const items = page.map((t) => {
    const { status, code } = taskStatus(ctx, t, nowMs);
    return {
      TaskNo: t.taskNo,
      TaskNum: t.details.length,
      TaskType: TASK_TYPE,
      TaskTypeDescription: TASK_TYPE_DESCRIPTION,
      TaskStatus: status,
      TaskStatusCode: code,
      TaskCancelStatus: 'INIT',
      TaskCancelStatusCode: 0,
      CreateTime: formatDisplayDate(t.createdAtMs),
      Clientip: t.clientIp,
    };
  });
  return { RequestId: ctx.requestId, ...meta, Data: { TaskInfo: items } };
}

function toDetailItem(ctx: OpContext, task: TaskRecord, d: DetailRecord, nowMs: number): Record<string, unknown> {
  const status = ctx.model.detailStatus(task, d, nowMs);
  const started = status !== 'WAITING_EXECUTE';
  return {
    TaskNo: task.taskNo,
    TaskDetailNo: d.taskDetailNo,
    DomainName: d.domainName,
    InstanceId: d.instanceId,
    TaskType: TASK_TYPE,
    TaskTypeDescription: TASK_TYPE_DESCRIPTION,
    TaskStatus: status,
    TaskStatusCode: STATUS_CODES[status],
    ...(d.outcome ? { ErrorMsg: d.outcome.errorMsg } : {}),
    ...(d.outcome?.failReason !== undefined ? { FailReason: d.outcome.failReason } : {}),
    ...(d.outcome?.orderId !== undefined ? { TaskResult: d.outcome.orderId } : {}),
    TryCount: started ? 1 : 0,
    CreateTime: formatDisplayDate(task.createdAtMs),
    UpdateTime: formatDisplayDate(d.outcome?.atMs ?? (started ? task.startsAtMs : task.createdAtMs)),
  };
}

/**
 * QueryTaskDetailList: per-domain results of one task; filters TaskStatus (0-3), DomainName, InstanceId.
 * An unknown TaskNo gives an empty list (UNCONFIRMED upstream).
 */
export function queryTaskDetailList(ctx: OpContext): Record<string, unknown> {
  const taskNo = requireString(ctx.params, 'TaskNo');
  const { pageNum, pageSize } = requirePaging(ctx.params, MAX_DETAIL_PAGE_SIZE);
  const statusFilter = optionalInt(ctx.params, 'TaskStatus');
  if (statusFilter !== undefined && (statusFilter < 0 || statusFilter > 3)) {
    throw invalidParameter('TaskStatus', 'expected 0, 1, 2 or 3');
  }
  const domainFilter = optionalString(ctx.params, 'DomainName');
  const instanceFilter = optionalString(ctx.params, 'InstanceId');
  const nowMs = ctx.model.now();
  const task = ctx.model.tasks.find((t) => t.taskNo === taskNo);
  const details = (task?.details ?? []).filter(
    (d) =>
      (statusFilter === undefined || STATUS_CODES[ctx.model.detailStatus(task!, d, nowMs)] === statusFilter) &&
      (domainFilter === undefined || domainKey(d.domainName) === domainKey(domainFilter)) &&
      (instanceFilter === undefined || d.instanceId === instanceFilter),
  );
  const { page, meta } = paginate(details, pageNum, pageSize);
  return {
    RequestId: ctx.requestId,
    ...meta,
    Data: { TaskDetail: task ? page.map((d) => toDetailItem(ctx, task, d, nowMs)) : [] },
  };
}
