/** Beyond the paid call's own worst case: intent, claims, submit-start and TaskNo writes with their retries. */
const LEDGER_MARGIN_MS = 30_000;
const DEFAULT_CALL_WORST_CASE_MS = 60_000;

/**
 * How long before the platform's deadline a job stops starting work, ms: the worst case of one registrar call with
 * every retry and timeout (from the client) plus the ledger writes around it. The renew job stops starting batches,
 * the check job stops reading them, so each leaves time to record and report what it did.
 */
export function computeTimeMarginMs(callWorstCaseMs: number | undefined): number {
  return (callWorstCaseMs ?? DEFAULT_CALL_WORST_CASE_MS) + LEDGER_MARGIN_MS;
}

/**
 * True once the job has less than {@link computeTimeMarginMs} left (never without `remainingMs`, as in tests and
 * the CLI): a step stops starting registrar calls, so the run still records and reports what it did.
 */
export function createOutOfTime(deps: {
  remainingMs?: () => number;
  registrar: { worstCaseCallMs?: number };
}): () => boolean {
  const margin = computeTimeMarginMs(deps.registrar.worstCaseCallMs);
  return () => deps.remainingMs !== undefined && deps.remainingMs() < margin;
}
