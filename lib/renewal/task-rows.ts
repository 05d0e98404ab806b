import type { TaskDetail } from '../registrar/port';

/*
 * A task's detail rows, one per domain. The API pages rows by TaskDetailNo, and nothing says a domain has only one
 * (TryCount is a retry count): the last row read must not decide (a failure read after a success made a renewal
 * we paid for read as failed, and one retried), and rows must not be counted as domains.
 */

const RANK: Record<TaskDetail['state'], number> = { waiting: 3, executing: 3, success: 2, failure: 1 };

/**
 * One row per domain (normalised name), the one that says the most: a row still waiting or executing (the domain
 * is pending while any is), else a success (still confirmed from the expiry before it counts), else a failure.
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
