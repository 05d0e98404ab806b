import { LEDGER_CONCURRENCY, mapWithLimit } from '../concurrency';
import { LedgerConflictError } from '../errors';
import type { Batch, BatchEntry, Claim } from '../ledger/port';
import type { Policy } from '../policy/schema';
import { normalizeDomain } from '../registrar/domain-name';
import { isLive, transitions } from './claims';
import type { JobDeps } from './deps';

/**
 * Finds live claims whose batch is closed or missing and repairs them. Such a claim makes the
 * planner skip its domain as `in-flight` until it lapses, so it must never be left alone:
 * - batch CLOSED with an outcome for the domain: the claim is brought in line with that outcome;
 * - batch missing, or closed without an outcome for the domain: whether it was bought is not known, so the claim is
 *   moved under a new UNKNOWN batch that check then settles by the release rule (never released on one read).
 * Every repair is an `orphaned` notice. Also, a live claim under an open batch whose submit started without it is
 * released (logged; the renew digest named the domain deferred when it was held back).
 * @returns how many claims were repaired and the batches that carry the notices
 */
export async function sweepOrphanedClaims(
  deps: JobDeps,
  policy: Policy,
  /** `live`: every live claim (Ledger.listLiveClaims); `open`: the batches open when the run began. */
  input: { runId: string; open: readonly Batch[]; live: readonly Claim[] },
): Promise<{ count: number; batches: Batch[] }> {
  // A CLOSED batch is listed while a notice of it is pending: it holds no claim, so it shields none.
  const open = new Map(input.open.filter((b) => b.status !== 'CLOSED').map((b) => [b.batchId, b]));
  const strays = input.live.filter((c) => isStray(c, open.get(c.batchId)));
  const count = strays.length > 0 ? (await releaseStrays(deps, strays)).length : 0;
  const found = await repairOrphans(
    deps,
    policy,
    input.runId,
    input.live.filter((c) => !open.has(c.batchId)),
  );
  return { count: count + found.count, batches: found.batches };
}

/**
 * A live claim under a batch whose submit started but that does not list it: the paid call carried exactly the
 * batch's entries, so it was provably not sent (a hold-back or money-pass release that failed left it). Left alone,
 * the planner would skip the domain as in flight for as long as the batch stays open. Likewise a claim under a batch
 * closed before its submit ever started (every such close precedes any paid call: an unsent batch's close, whose
 * release of this claim failed).
 */
export function isStray(claim: Claim, batch: Batch | undefined): boolean {
  if (batch === undefined) return false;
  // Entries are read normalised; a claim an older version wrote may spell an IDN in Unicode: compare one form.
  const domain = normalizeDomain(claim.domain);
  const listed = batch.entries.some((e) => e.domain === domain && e.expiryMs === claim.expiryMs);
  if (batch.submitStartedAtMs !== undefined) return !listed;
  return batch.status === 'CLOSED' && !listed;
}

/**
 * Releases stray claims (each re-checked against a fresh read of its claim and batch, {@link isStray}) for the
 * sweep; throws the first ledger error once every claim has been tried.
 * @returns the claims released, as stored
 */
async function releaseStrays(
  deps: Pick<JobDeps, 'ledger' | 'clock' | 'log'>,
  strays: readonly Claim[],
): Promise<Claim[]> {
  const out = await releaseStrayClaims(deps, strays);
  if (out.error !== undefined) throw out.error;
  return out.released;
}

/** What {@link releaseStrayClaims} did with each candidate. */
export interface StrayRelease {
  /** Released, as stored (or found released by someone else meanwhile). */
  released: Claim[];
  /** Proven strays by a fresh read whose release write failed: still live, provably not sent. */
  failed: Claim[];
  /** Candidates whose claim or batch could not be read: not known to be strays. */
  unread: Claim[];
  /** The first ledger error met. */
  error?: unknown;
}

/**
 * Reads each candidate's claim and batch again (consistently, a few at a time) and returns the strays among them
 * ({@link isStray}; a claim with a TaskNo never is one), without writing: for a plan that shows what a run would do.
 */
export async function findStrays(
  deps: Pick<JobDeps, 'ledger'>,
  candidates: readonly Claim[],
): Promise<{ strays: Claim[]; unread: Claim[]; error?: unknown }> {
  if (candidates.length === 0) return { strays: [], unread: [] };
  // One BatchGet per 100 claims, and each batch once: an overlapping run's hundreds of claims under a few intents were
  // read two items a claim (its review).
  let fresh: Claim[];
  try {
    fresh = await deps.ledger.getClaims(candidates);
  } catch (error) {
    return { strays: [], unread: [...candidates], error };
  }
  const byKey = new Map(fresh.map((c) => [claimKeyOf(c), c]));
  const live = candidates.flatMap((claim) => {
    const now = byKey.get(claimKeyOf(claim));
    return now && isLive(now) && now.batchId === claim.batchId && !now.taskNo ? [now] : [];
  });
  const ids = [...new Set(live.map((c) => c.batchId))];
  const batches = new Map<string, Batch | undefined | Error>();
  await mapWithLimit(ids, LEDGER_CONCURRENCY, async (id) => {
    batches.set(
      id,
      await deps.ledger.getBatch(id).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))),
    );
  });
  const strays: Claim[] = [];
  const unread: Claim[] = [];
  let error: unknown;
  for (const claim of live) {
    const batch = batches.get(claim.batchId);
    if (batch instanceof Error) {
      unread.push(claim);
      error ??= batch;
    } else if (isStray(claim, batch)) strays.push(claim);
  }
  return { strays, unread, ...(error !== undefined ? { error } : {}) };
}

/** A claim's key as one string (domain as stored, expiry). */
function claimKeyOf(c: Pick<Claim, 'domain' | 'expiryMs'>): string {
  return `${c.domain}#${c.expiryMs}`;
}

/**
 * Releases the strays among `candidates` ({@link findStrays}): FAILED `not-submitted`, claimable at once. Never
 * throws: what happened to each is returned. A release that loses a version conflict is read again: found no longer
 * live (a sweep or another run released it meanwhile), it counts as released.
 */
export async function releaseStrayClaims(
  deps: Pick<JobDeps, 'ledger' | 'clock' | 'log'>,
  candidates: readonly Claim[],
): Promise<StrayRelease> {
  const found = await findStrays(deps, candidates);
  const released: Claim[] = [];
  const failed: Claim[] = [];
  const unread = [...found.unread];
  let error = found.error;
  await mapWithLimit(found.strays, LEDGER_CONCURRENCY, async (stray) => {
    const nowMs = deps.clock.now();
    try {
      released.push(
        await deps.ledger.saveClaim({
          ...transitions.release(stray, { message: 'held back and not sent with its batch; released', nowMs }),
          updatedAtMs: nowMs,
        }),
      );
      deps.log.error('released a live claim its batch did not send', { batchId: stray.batchId, domain: stray.domain });
    } catch (err) {
      if (!(err instanceof LedgerConflictError)) {
        failed.push(stray);
        error ??= err;
        return;
      }
      // Moved since the read: whoever moved it decided; no longer live, it is free for this run's plan.
      const [now] = await deps.ledger.getClaims([stray]).catch((readErr: unknown) => {
        error ??= readErr;
        return [undefined];
      });
      if (now && !isLive(now)) released.push(now);
      else if (!now) unread.push(stray);
    }
  });
  return { released, failed, unread, ...(error !== undefined ? { error } : {}) };
}

async function repairOrphans(
  deps: JobDeps,
  policy: Policy,
  runId: string,
  suspects: readonly Claim[],
): Promise<{ count: number; batches: Batch[] }> {
  const byBatch = new Map<string, Claim[]>();
  for (const c of suspects) byBatch.set(c.batchId, [...(byBatch.get(c.batchId) ?? []), c]);
  const out: Batch[] = [];
  let count = 0;
  for (const [batchId, claims] of byBatch) {
    const batch = await deps.ledger.getBatch(batchId);
    if (batch && batch.status !== 'CLOSED') continue; // opened since the listing: it is being handled
    const now = deps.clock.now();
    const repairs: { claim: Claim; entry: BatchEntry }[] = [];
    const homeless: Claim[] = [];
    const strays: Claim[] = [];
    for (const claim of claims) {
      const fresh = (await deps.ledger.getClaims([claim]))[0];
      if (!fresh || !isLive(fresh) || fresh.batchId !== batchId) continue;
      // Entries are read normalised; an older version's claim may spell an IDN in Unicode (review 2026-12-03: it
      // was re-homed every day, adopted from the same task, and re-homed again).
      const domain = normalizeDomain(fresh.domain);
      const entry = batch?.entries.find((e) => e.domain === domain && e.expiryMs === fresh.expiryMs);
      // Not listed by a batch whose submit started, and no TaskNo: provably not sent, as for an open batch's stray
      // (review 2026-12-03: a hold-back whose release failed, under a batch that has closed since, was re-homed as
      // an unknown, held a day more and announced as "whether it was bought is unknown").
      if (!entry && !fresh.taskNo && isStray(fresh, batch)) {
        strays.push(fresh);
        continue;
      }
      // A claim that carries a TaskNo is never released by repair (a task was seen for it): re-homed, check adopts.
      if (!batch || !entry?.outcome || (entry.outcome === 'NOT_SUBMITTED' && fresh.taskNo)) {
        homeless.push(fresh);
        continue;
      }
      repairs.push({ claim: fresh, entry });
    }
    // As the entries spell them: the `orphaned` notice picks its lines by these names.
    const repaired = repairs.map((r) => r.entry.domain);
    deps.log.error('repaired live claims left under a closed or missing batch', {
      batchId,
      batchFound: !!batch,
      repaired,
      reconciling: homeless.map((c) => c.domain),
    });
    if (repairs.length > 0 && batch) {
      // The alert first, then the repairs: a failed write then leaves the claims live for the next day's sweep,
      // which repairs and alerts again; the other way round a lost alert was never repeated (review 2026-12-03).
      out.push(
        await deps.ledger.saveBatch({
          ...batch,
          repaired: [...new Set([...(batch.repaired ?? []), ...repaired])],
          pendingNotices: [...batch.pendingNotices.filter((n) => n !== 'orphaned'), 'orphaned'],
          updatedAtMs: now,
        }),
      );
      for (const { claim, entry } of repairs) {
        await deps.ledger.saveClaim({
          ...transitions.repair(claim, batch, entry, { nowMs: now, retryAfterHours: policy.limits.retryAfterHours }),
          updatedAtMs: now,
        });
      }
      count += repairs.length;
    }
    if (homeless.length > 0) {
      out.push(await rehome(deps, runId, batchId, homeless));
      count += homeless.length;
    }
    if (strays.length > 0) count += (await releaseStrays(deps, strays)).length;
  }
  return { count, batches: out };
}

/** Moves claims whose batch cannot say what happened under a new UNKNOWN batch, started when they were claimed. */
async function rehome(deps: JobDeps, runId: string, lostBatchId: string, claims: readonly Claim[]): Promise<Batch> {
  const now = deps.clock.now();
  const batchId = deps.newId();
  // The claims first, then their new batch: a failed write in between leaves claims under a batch that does not
  // exist yet, which the next day's sweep re-homes again; the other way round it left a batch announcing domains
  // whose claims it never held, and a second one the next day (review 2026-12-03).
  for (const claim of claims) {
    await deps.ledger.saveClaim({ ...transitions.rehome(claim, batchId), updatedAtMs: now });
  }
  return deps.ledger.putBatchIntent({
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
}
