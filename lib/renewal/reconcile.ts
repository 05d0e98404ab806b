import type { Batch, BatchEntry } from '../ledger/port';
import type { JobDeps } from './deps';
import { normalizeDomain } from './domain-name';
import { markClaims } from './submit';

const DAY_MS = 86_400_000;

/**
 * How long after a submit was started before an UNKNOWN or stale INTENT batch may be settled from the registrar's
 * records. Why 20 minutes is safe: the registrar creates the task before it answers (the TaskNo is in the answer),
 * so a request that executed has a task visible in QueryTaskList by the time its answer would have arrived; our
 * request cannot still be in flight, because the client's timeout (10 s x a few retries) and Lambda's hard limit
 * (15 min) end it. After this delay, "no matching task and an unchanged expiry" proves nothing was bought.
 */
export const SAFE_RECONCILE_DELAY_MS = 20 * 60_000;

export type ReconcileResult =
  | { kind: 'waiting'; batch: Batch }
  | { kind: 'adopted'; batch: Batch }
  | { kind: 'released'; batch: Batch; released: number };

/**
 * Settles an UNKNOWN batch or a stale INTENT: adopt the task the submit created if the registrar has one with
 * exactly this batch's domains (and no TaskNo the ledger already knows for them), otherwise, once the safe delay has
 * passed, read each domain's expiry: unchanged -> release the claim as not submitted (the next renew run may buy it
 * once); moved -> record it as renewed. Never resubmits.
 */
export async function reconcileBatch(deps: JobDeps, batch: Batch, safeDelayMs: number): Promise<ReconcileResult> {
  const now = deps.clock.now();
  const log = deps.log.child({ batchId: batch.batchId, runId: batch.runId });
  const startedAt = batch.submitStartedAtMs ?? batch.createdAtMs;
  if (now - startedAt < safeDelayMs) return { kind: 'waiting', batch };

  if (batch.status === 'INTENT' && batch.submitStartedAtMs === undefined) {
    // The submit never started (we write submitStartedAtMs before the paid call): nothing can have been bought.
    log.warn('stale intent never submitted; releasing its claims');
    return release(deps, batch, batch.entries, 'the run stopped before submitting');
  }

  const taskNo = await findOwnTask(deps, batch, startedAt, now);
  if (taskNo) {
    log.warn('adopting the task the lost submit created', { taskNo });
    const adopted = await deps.ledger.saveBatch({
      ...batch,
      status: 'SUBMITTED',
      taskNo,
      submittedAtMs: now,
      updatedAtMs: now,
    });
    await markClaims(deps, adopted, (c) => ({ ...c, status: 'SUBMITTED', taskNo }));
    return { kind: 'adopted', batch: adopted };
  }

  const unchanged: BatchEntry[] = [];
  const moved = new Map<string, number>();
  for (const entry of batch.entries) {
    const info = await deps.registrar.getDomain(entry.domain);
    if (info.expiresAtMs === entry.expiryMs) unchanged.push(entry);
    else moved.set(entry.domain, info.expiresAtMs);
  }
  log.warn('no task found for the unknown submit', { notRenewed: unchanged.length, expiryMoved: moved.size });
  return release(deps, batch, unchanged, 'no task was created; released for the next run', moved);
}

/** Looks for an ORDER_RENEW task whose detail domains are exactly this batch's and that no other claim owns. */
async function findOwnTask(deps: JobDeps, batch: Batch, startedAt: number, now: number): Promise<string | undefined> {
  const want = new Set(batch.entries.map((e) => normalizeDomain(e.domain)));
  const claims = await deps.ledger.getClaims(batch.entries.map((e) => ({ domain: e.domain, expiryMs: e.expiryMs })));
  const known = new Set(
    claims.flatMap((c) => [
      ...(c.previousTaskNos ?? []),
      ...(c.batchId !== batch.batchId && c.taskNo ? [c.taskNo] : []),
    ]),
  );
  // Task creation times are filtered by day on the registrar side (time zone UNCONFIRMED): widen by a day each way.
  const tasks = await deps.registrar.listTasks({ fromMs: startedAt - DAY_MS, toMs: now + DAY_MS });
  for (const task of tasks) {
    if (task.taskType !== 'ORDER_RENEW' || task.taskNum !== want.size || known.has(task.taskNo)) continue;
    const details = await deps.registrar.listTaskDetails(task.taskNo);
    const got = new Set(details.map((d) => normalizeDomain(d.domainName)));
    if (got.size === want.size && [...want].every((d) => got.has(d))) return task.taskNo;
  }
  return undefined;
}

async function release(
  deps: JobDeps,
  batch: Batch,
  notSubmitted: readonly BatchEntry[],
  message: string,
  moved: ReadonlyMap<string, number> = new Map(),
): Promise<ReconcileResult> {
  const now = deps.clock.now();
  const releasedSet = new Set(notSubmitted.map((e) => e.domain));
  await markClaims(deps, batch, (c) => {
    const newExpiryMs = moved.get(c.domain);
    if (newExpiryMs !== undefined) {
      return { ...c, status: 'RENEWED', newExpiryMs, message: 'expiry moved, but no task of ours was found' };
    }
    // Not an attempt: nothing reached the registrar, so the domain may be claimed again at once.
    return { ...c, status: 'FAILED', code: 'not-submitted', message, nextEligibleAtMs: now };
  });
  const closed = await deps.ledger.saveBatch({
    ...batch,
    status: 'CLOSED',
    closedAtMs: now,
    updatedAtMs: now,
    entries: batch.entries.map((e) => {
      const newExpiryMs = moved.get(e.domain);
      if (newExpiryMs !== undefined) {
        return { ...e, outcome: 'RENEWED', newExpiryMs, message: 'expiry moved, but no task of ours was found' };
      }
      return releasedSet.has(e.domain) ? { ...e, outcome: 'NOT_SUBMITTED', message } : e;
    }),
    pendingNotices: [...batch.pendingNotices, 'final'],
  });
  return { kind: 'released', batch: closed, released: notSubmitted.length };
}
