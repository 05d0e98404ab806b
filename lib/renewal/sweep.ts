import type { Batch, Claim } from '../ledger/port';
import type { Policy } from '../policy/schema';
import { isLive, transitions } from './claims';
import type { JobDeps } from './deps';

/**
 * Finds live claims whose batch is closed or missing and repairs them. Such a claim makes the
 * planner skip its domain as `in-flight` until it lapses, so it must never be left alone:
 * - batch CLOSED with an outcome for the domain: the claim is brought in line with that outcome;
 * - batch missing, or closed without an outcome for the domain: whether it was bought is not known, so the claim is
 *   moved under a new UNKNOWN batch that check then settles by the release rule (never released on one read).
 * Every repair is an `orphaned` notice.
 * @returns how many claims were repaired and the batches that carry the notices
 */
export async function sweepOrphanedClaims(
  deps: JobDeps,
  policy: Policy,
  /** `live`: every live claim (Ledger.listLiveClaims), read by the caller. */
  input: { runId: string; openBatchIds: ReadonlySet<string>; live: readonly Claim[] },
): Promise<{ count: number; batches: Batch[] }> {
  const suspects = input.live.filter((c) => !input.openBatchIds.has(c.batchId));
  const byBatch = new Map<string, Claim[]>();
  for (const c of suspects) byBatch.set(c.batchId, [...(byBatch.get(c.batchId) ?? []), c]);
  const out: Batch[] = [];
  let count = 0;
  for (const [batchId, claims] of byBatch) {
    const batch = await deps.ledger.getBatch(batchId);
    if (batch && batch.status !== 'CLOSED') continue; // opened since the listing: it is being handled
    const now = deps.clock.now();
    const repaired: string[] = [];
    const homeless: Claim[] = [];
    for (const claim of claims) {
      const fresh = (await deps.ledger.getClaims([claim]))[0];
      if (!fresh || !isLive(fresh) || fresh.batchId !== batchId) continue;
      const entry = batch?.entries.find((e) => e.domain === fresh.domain && e.expiryMs === fresh.expiryMs);
      // A claim that carries a TaskNo is never released by repair (a task was seen for it): re-homed, check adopts.
      if (!batch || !entry?.outcome || (entry.outcome === 'NOT_SUBMITTED' && fresh.taskNo)) {
        homeless.push(fresh);
        continue;
      }
      await deps.ledger.saveClaim({
        ...transitions.repair(fresh, batch, entry, { nowMs: now, retryAfterHours: policy.limits.retryAfterHours }),
        updatedAtMs: now,
      });
      repaired.push(fresh.domain);
    }
    deps.log.error('repaired live claims left under a closed or missing batch', {
      batchId,
      batchFound: !!batch,
      repaired,
      reconciling: homeless.map((c) => c.domain),
    });
    if (repaired.length > 0 && batch) {
      out.push(
        await deps.ledger.saveBatch({
          ...batch,
          repaired: [...new Set([...(batch.repaired ?? []), ...repaired])],
          pendingNotices: [...batch.pendingNotices.filter((n) => n !== 'orphaned'), 'orphaned'],
          updatedAtMs: now,
        }),
      );
      count += repaired.length;
    }
    if (homeless.length > 0) {
      out.push(await rehome(deps, input.runId, batchId, homeless));
      count += homeless.length;
    }
  }
  return { count, batches: out };
}

/** Moves claims whose batch cannot say what happened under a new UNKNOWN batch, started when they were claimed. */
async function rehome(deps: JobDeps, runId: string, lostBatchId: string, claims: readonly Claim[]): Promise<Batch> {
  const now = deps.clock.now();
  const batchId = deps.newId();
  const batch = await deps.ledger.putBatchIntent({
    batchId,
    runId,
    attemptId: `${runId}/${batchId}`,
    status: 'UNKNOWN',
    createdAtMs: now,
    updatedAtMs: now,
    entries: claims.map((c) => ({ domain: c.domain, expiryMs: c.expiryMs, years: c.years, permitPremium: false })),
    submitStartedAtMs: Math.min(...claims.map((c) => c.claimedAtMs)),
    error: { message: `repaired: batch ${lostBatchId} was closed or missing while these claims were live` },
    repaired: claims.map((c) => c.domain),
    pendingNotices: ['orphaned'],
    sentNotices: [],
  });
  for (const claim of claims) {
    await deps.ledger.saveClaim({ ...transitions.rehome(claim, batch.batchId), updatedAtMs: now });
  }
  return batch;
}
