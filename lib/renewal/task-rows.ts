import type { TaskDetail } from '../registrar/port';

/*
 * A task's detail rows, one per domain. The API pages rows by TaskDetailNo, and nothing says a domain has only one
 * (TryCount is a retry count): the last row read must not decide (a failure read after a success made a renewal
 * we paid for read as failed, and one retried), and rows must not be counted as domains.
 */

const RANK: Record<TaskDetail['state'], number> = { waiting: 3, executing: 3, unknown: 3, success: 2, failure: 1 };

/**
 * One row per domain (normalised name), the one that says the most: a row still waiting or executing, or in a state
 * nobody documented (the domain is pending while any is), else a success (still confirmed from the expiry before it counts), else a failure.
 * Ties keep the first row read.
 */
export function rowsByDomain(details: readonly TaskDetail[]): Map<string, TaskDetail> {
  const rows = new Map<string, TaskDetail>();
  for (const d of details) {
    const seen = rows.get(d.domainName);
    if (!seen || RANK[d.state] > RANK[seen.state]) rows.set(d.domainName, d);
  }
  return rows;
}

/**
 * Our own task's rows as check reads them: a row in a state nobody documented is no row (its domain is settled from
 * its expiry, as one the task does not list; review 2026-12-07), logged with its code.
 */
export function withoutUnknownRows(
  rows: ReadonlyMap<string, TaskDetail>,
  warn: (message: string, fields: Record<string, unknown>) => void,
): Map<string, TaskDetail> {
  const known = new Map<string, TaskDetail>();
  for (const [domain, row] of rows) {
    if (row.state !== 'unknown') known.set(domain, row);
    else
      warn('a task row has a status this tool does not know; its domain is settled from its expiry', {
        domain,
        taskNo: row.taskNo,
        statusCode: row.statusCode,
      });
  }
  return known;
}
