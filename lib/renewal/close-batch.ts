import { InputError } from '../errors';
import type { Batch, BatchEntry, Ledger } from '../ledger/port';
import { isLive, transitions } from './claims';
import { boundText } from './text';

/** Batch error code of a batch a person closed (`autorenew close-batch`): its `resolved` line says so. */
export const CLOSED_BY_HAND = 'closed-by-hand';

/** Notices about an unsettled batch that a close by hand makes obsolete. */
const SUPERSEDED: ReadonlySet<string> = new Set(['unknown', 'stuck', 'lapse-risk']);

export interface CloseBatchResult {
  batch: Batch;
  /** The entries that had no outcome: what the close settles (or would settle, without `write`). */
  unsettled: BatchEntry[];
  /** False when the batch was closed already: nothing to do. */
  open: boolean;
}

/**
 * A person's way out of a batch that check cannot settle (its domain transferred out, a task cancelled, two tasks
 * touching it): they have looked in the console and nothing more will happen at the registrar for its unsettled
 * entries. Each live claim of those entries is released (FAILED `not-submitted`, no attempt, claimable at once:
 * the next renew run buys the domain if it is due and not held), then the batch is closed with a `resolved`
 * notice. Claims first, as everywhere: until the batch is closed its open entry still holds the domain. Run again
 * after a failed write, it finishes the job.
 * @param reason the person's words, kept on the claims and the batch
 * @param nowMs epoch ms
 * @param write false: only says what it would do
 * @throws InputError when there is no such batch
 */
export async function closeBatchByHand(
  ledger: Pick<Ledger, 'getBatch' | 'listClaimsForDomain' | 'saveClaim' | 'saveBatch'>,
  batchId: string,
  reason: string,
  nowMs: number,
  write: boolean,
): Promise<CloseBatchResult> {
  const batch = await ledger.getBatch(batchId);
  if (!batch) {
    throw new InputError(
      `no batch ${JSON.stringify(batchId)} in the ledger; \`autorenew status\` lists the open ones; nothing was written`,
    );
  }
  const unsettled = batch.entries.filter((e) => !e.outcome);
  if (batch.status === 'CLOSED') return { batch, unsettled, open: false };
  if (!write) return { batch, unsettled, open: true };
  const message = boundText(`closed by hand: ${reason}`);
  for (const entry of unsettled) {
    const claims = await ledger.listClaimsForDomain(entry.domain);
    for (const claim of claims) {
      if (claim.expiryMs !== entry.expiryMs || claim.batchId !== batch.batchId || !isLive(claim)) continue;
      // A TaskNo it carried is kept among the earlier ones, so no later reconciliation adopts that task for it.
      const previous = [...new Set([...(claim.previousTaskNos ?? []), ...(claim.taskNo ? [claim.taskNo] : [])])];
      await ledger.saveClaim({
        ...transitions.release(claim, { message, nowMs }),
        ...(previous.length > 0 ? { previousTaskNos: previous } : {}),
        updatedAtMs: nowMs,
      });
    }
  }
  const closed = await ledger.saveBatch({
    ...batch,
    status: 'CLOSED',
    closedAtMs: nowMs,
    updatedAtMs: nowMs,
    error: { code: CLOSED_BY_HAND, message },
    entries: batch.entries.map((e) => (e.outcome ? e : { ...e, outcome: 'NOT_SUBMITTED', message })),
    // The person has looked: an alert still waiting to go out about the open state would now be wrong.
    pendingNotices: [...batch.pendingNotices.filter((n) => !SUPERSEDED.has(n) && n !== 'resolved'), 'resolved'],
  });
  return { batch: closed, unsettled, open: true };
}
