import { LedgerConflictError } from '../errors';
import type { Batch, PendingNotice } from '../ledger/port';
import { describeError } from '../log';
import type { Digest, DomainOutcome } from '../notify/port';
import type { Policy } from '../policy/schema';
import type { JobDeps } from './deps';
import { renderDigest } from './report';

/** The per-domain lines one pending notice of a batch contributes to a digest. */
export function outcomesForNotice(batch: Batch, notice: PendingNotice): DomainOutcome[] {
  const base = (e: Batch['entries'][number]) => ({
    domain: e.domain,
    batchId: batch.batchId,
    oldExpiryMs: e.expiryMs,
    years: e.years,
    ...(batch.taskNo ? { taskNo: batch.taskNo } : {}),
  });
  switch (notice) {
    case 'submitted':
      return batch.entries.map((e) => ({ ...base(e), event: 'submitted' }));
    case 'unknown':
      return batch.entries.map((e) => ({
        ...base(e),
        event: 'unknown',
        reason: batch.error?.message ?? 'submit outcome unknown',
      }));
    case 'stuck':
      return batch.entries
        .filter((e) => !e.outcome)
        .map((e) => ({ ...base(e), event: 'stuck', reason: 'task not finished in time' }));
    case 'final':
      return batch.entries.flatMap((e): DomainOutcome[] => {
        if (e.outcome === 'RENEWED') {
          return [
            { ...base(e), event: 'renewed', ...(e.newExpiryMs !== undefined ? { newExpiryMs: e.newExpiryMs } : {}) },
          ];
        }
        if (e.outcome === 'FAILED') return [{ ...base(e), event: 'failed', reason: e.message ?? 'failed' }];
        return []; // NOT_SUBMITTED: nothing was bought and the next run retries; nothing for a human to do
      });
  }
}

/**
 * Publishes ONE digest covering every pending notice of `batches` (plus a job-level error, if any), then moves the
 * notices to `sentNotices`. A failed publish leaves them pending for the next run. Delivery is at-least-once: a crash
 * between the publish and the ledger write re-sends that digest once; a notice is never dropped.
 * @returns whether the publish succeeded (true when there was nothing to send).
 */
export async function deliverNotices(
  deps: Pick<JobDeps, 'ledger' | 'notifier' | 'log' | 'clock'>,
  policy: Policy,
  input: {
    job: Digest['job'];
    runId: string;
    batches: readonly Batch[];
    error?: Digest['error'];
    totals?: Record<string, number>;
  },
): Promise<boolean> {
  const withNotices = input.batches.filter((b) => b.pendingNotices.length > 0);
  const outcomes = withNotices.flatMap((b) => b.pendingNotices.flatMap((n) => outcomesForNotice(b, n)));
  const digest: Digest = {
    job: input.job,
    runId: input.runId,
    nowMs: deps.clock.now(),
    outcomes,
    ...(input.error ? { error: input.error } : {}),
    ...(input.totals ? { totals: input.totals } : {}),
  };
  const message = renderDigest(digest, policy.notify);
  if (message) {
    try {
      await deps.notifier.publish(message);
      deps.log.info('notification published', {
        event: message.event,
        severity: message.severity,
        domains: outcomes.length,
      });
    } catch (err) {
      deps.log.warn('notification failed; it stays pending for the next run', describeError(err));
      return false;
    }
  }
  for (const batch of withNotices) await markSent(deps, batch);
  return true;
}

async function markSent(deps: Pick<JobDeps, 'ledger' | 'log' | 'clock'>, batch: Batch): Promise<void> {
  const delivered = new Set(batch.pendingNotices);
  let current: Batch | undefined = batch;
  for (let attempt = 0; attempt < 3 && current; attempt++) {
    try {
      await deps.ledger.saveBatch({
        ...current,
        pendingNotices: current.pendingNotices.filter((n) => !delivered.has(n)),
        sentNotices: [...new Set([...current.sentNotices, ...delivered])],
        updatedAtMs: deps.clock.now(),
      });
      return;
    } catch (err) {
      if (!(err instanceof LedgerConflictError)) {
        deps.log.warn('could not mark notice sent; it may be sent again', {
          batchId: batch.batchId,
          ...describeError(err),
        });
        return;
      }
      current = await deps.ledger.getBatch(batch.batchId);
    }
  }
}
