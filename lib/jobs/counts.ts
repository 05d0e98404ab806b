import type { CheckSummary } from '../renewal/check';
import type { RenewSummary } from '../renewal/run-renew';

/**
 * The counts each job reports, defined once: the run record, the handler's return value, the log line and the
 * CLI's one-line summary all take these fields, in this order, with these labels.
 */
export const RENEW_COUNTS = {
  listed: 'listed',
  planned: 'planned',
  submitted: 'submitted',
  unknown: 'unknown',
  rejected: 'rejected',
  conflicts: 'held elsewhere',
  deferred: 'deferred',
  errors: 'errors',
  taskNoNotRecorded: 'TaskNo not recorded',
} as const satisfies Partial<Record<keyof RenewSummary, string>>;

export const CHECK_COUNTS = {
  openBatches: 'open batches',
  renewed: 'renewed',
  failed: 'failed',
  pending: 'pending',
  adopted: 'adopted',
  released: 'released',
  unknown: 'unknown',
  stuck: 'stuck',
  orphaned: 'orphaned',
  errors: 'errors',
} as const satisfies Partial<Record<keyof CheckSummary, string>>;

export type RenewCounts = { [K in keyof typeof RENEW_COUNTS]: number };
export type CheckCounts = { [K in keyof typeof CHECK_COUNTS]: number };

/** The listed count fields of a summary, as a plain object (for the run record and the handler's result). */
export function pickCounts<F extends Record<string, string>>(
  fields: F,
  summary: { [K in keyof F]: number },
): { [K in keyof F]: number } {
  const out = {} as { [K in keyof F]: number };
  for (const key of Object.keys(fields) as (keyof F)[]) out[key] = summary[key];
  return out;
}

/** "listed 72, planned 21, …": the counts with their labels; zero counts after the first `keep` are left out. */
export function formatCounts<F extends Record<string, string>>(
  fields: F,
  summary: { [K in keyof F]: number },
  keep = Object.keys(fields).length,
): string {
  return (Object.keys(fields) as (keyof F & string)[])
    .filter((key, i) => i < keep || summary[key] !== 0)
    .map((key) => `${fields[key]} ${summary[key]}`)
    .join(', ');
}
