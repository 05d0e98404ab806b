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
