import type { Registrar, TaskInfo } from '../registrar/port';
import { DAY_MS } from './dates';

/** What the registrar's task list says of one task: finished, still running, or not listed at all. */
export type TaskState = 'finished' | 'running' | 'missing';

/**
 * Whether task `taskNo` has finished, from the task list around `sinceMs` (its submit, epoch ms UTC): creation times
 * are read in an UNCONFIRMED zone, so the range is a day wider on each side. `missing` when the list does not show
 * it: a caller that must not act on a task that may still run treats that as running. One paged listing (free).
 */
export async function readTaskState(
  tasks: Pick<Registrar, 'listTasks'>,
  taskNo: string,
  sinceMs: number,
): Promise<TaskState> {
  const task = await readTask(tasks, taskNo, sinceMs);
  return task === undefined ? 'missing' : task.finished ? 'finished' : 'running';
}

/** Task `taskNo` as the task list around `sinceMs` shows it (see {@link readTaskState}); undefined when not listed. */
export async function readTask(
  tasks: Pick<Registrar, 'listTasks'>,
  taskNo: string,
  sinceMs: number,
): Promise<TaskInfo | undefined> {
  const listed = await tasks.listTasks({ fromMs: sinceMs - DAY_MS, toMs: sinceMs + 2 * DAY_MS });
  return listed.find((t) => t.taskNo === taskNo);
}
