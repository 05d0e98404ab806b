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

/**
 * QueryTaskList TaskTypes documented (../shared/alibaba-domain-api.md §3.5) for tasks that renew nothing: contact,
 * DNS, lock and host changes, a registration (ORDER_ACTIVATE), a redemption (ORDER_REDEEM: a domain in redemption is
 * never bought here), a deletion. ORDER_RENEW is the renewal.
 */
const NOT_RENEWAL_TASK_TYPES: ReadonlySet<string> = new Set([
  'CHG_HOLDER',
  'CHG_DNS',
  'SET_WHOIS_PROTECT',
  'UPDATE_ADMIN_CONTACT',
  'UPDATE_BILLING_CONTACT',
  'UPDATE_TECH_CONTACT',
  'UPDATE_REGISTRANT_CONTACT',
  'SET_UPDATE_PROHIBITED',
  'SET_TRANSFER_PROHIBITED',
  'ORDER_ACTIVATE',
  'ORDER_REDEEM',
  'CREATE_DNSHOST',
  'UPDATE_DNSHOST',
  'SYNC_DNSHOST',
  'DELETE_DOMAIN',
]);
/** QueryTaskList TaskStatus once every detail has run (the others: WAITING_EXECUTE, EXECUTING). */
const FINISHED_TASK_STATUS = 'COMPLETE';

/**
 * A TaskType in our terms: one documented as renewing nothing is 'other'; ORDER_RENEW, and any type not documented
 * (another spelling, a batch-specific type: the TaskType of a batch renewal is UNCONFIRMED), is 'renewal'. Read as
 * 'other', our lost submit's queued task was invisible to reconcile and the foreign-task guard: the batch was
 * released and the domain bought again while the task still waited (review 2026-12-05, round 4, helper E). A
 * non-renewal read as a renewal costs a detail read and holds at most.
 */
export function taskKindOf(taskType: string): TaskKind {
  return NOT_RENEWAL_TASK_TYPES.has(taskType.trim().toUpperCase()) ? 'other' : 'renewal';
}

/** QueryTaskList TaskCancelStatus once a cancel has completed (the others: INIT, CANCELLING). */
const CANCELLED_TASK_STATUS = 'COMPLETE';

/**
 * A task runs nothing more once its TaskStatus is COMPLETE or its cancel has completed (TaskCancelStatus COMPLETE;
 * what TaskStatus a cancelled task keeps is not documented): a person told to cancel it in the console, then close
 * the batch, must not be refused for good.
 */
/** The task's cancel has completed: none of its rows runs any more. */
export function taskCancelled(cancelStatus: string | undefined): boolean {
  return cancelStatus === CANCELLED_TASK_STATUS;
}

export function taskFinished(taskStatus: string, cancelStatus?: string): boolean {
  return taskStatus === FINISHED_TASK_STATUS || cancelStatus === CANCELLED_TASK_STATUS;
}
