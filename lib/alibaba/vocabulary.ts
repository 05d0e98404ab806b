import type { DomainStanding, TaskKind } from '../registrar/port';

/**
 * Alibaba's status codes and task types, mapped into the registrar port's vocabulary. The only place the jobs'
 * words meet the registrar's: nothing outside the adapter sees a DomainStatus code or a TaskType.
 */

/** QueryDomainList / QueryDomainByDomainName DomainStatus: '1' needs renewal, '2' needs redemption, '3' normal. */
const STANDING_BY_CODE: Readonly<Record<string, DomainStanding>> = {
  '1': 'renewal-due',
  '2': 'redemption',
  '3': 'normal',
};

/** A DomainStatus code in our terms; an unknown code is 'other' (the planner never buys it: `unknown-status`). */
export function standingOf(domainStatus: string): DomainStanding {
  return STANDING_BY_CODE[domainStatus] ?? 'other';
}

/** QueryTaskList TaskType of a renewal order. */
const RENEW_TASK_TYPE = 'ORDER_RENEW';
/** QueryTaskList TaskStatus once every detail has run (the others: WAITING_EXECUTE, EXECUTING). */
const FINISHED_TASK_STATUS = 'COMPLETE';

export function taskKindOf(taskType: string): TaskKind {
  return taskType === RENEW_TASK_TYPE ? 'renewal' : 'other';
}

/** QueryTaskList TaskCancelStatus once a cancel has completed (the others: INIT, CANCELLING). */
const CANCELLED_TASK_STATUS = 'COMPLETE';

/**
 * A task runs nothing more once its TaskStatus is COMPLETE or its cancel has completed (TaskCancelStatus COMPLETE;
 * what TaskStatus a cancelled task keeps is not documented): a person told to cancel it in the console, then close
 * the batch, must not be refused for good.
 */
export function taskFinished(taskStatus: string, cancelStatus?: string): boolean {
  return taskStatus === FINISHED_TASK_STATUS || cancelStatus === CANCELLED_TASK_STATUS;
}
