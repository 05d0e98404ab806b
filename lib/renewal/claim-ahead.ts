import type { Batch, BatchEntry } from '../ledger/port';
import { describeError } from '../log';
import type { Policy } from '../policy/schema';
import type { JobDeps } from './deps';
import { claimKey, type Decision, type Plan, type PlannedBatch } from './plan-types';
import { type PreparedBatch, prepareBatch, releaseLeftOut, releaseUnsent } from './submit-batch';
import { createNoTimeToRelease } from './time-margin';

/**
 * Claims taken ahead (issue 19): the renew job writes its intents and claims while the money pass waits for the
 * registrar's prices and the balance, instead of after it, so the ledger writes leave the critical path. Nothing
 * is sent before the final plan: a claim is only a reservation, and every claim the final plan does not buy is
 * released (FAILED `not-submitted`, claimable again at once, no attempt). The batches keep their draft membership:
 * a final batch is its draft batch less what the money pass dropped, and less what it made premium (a price answer
 * saying so), which is released and batched anew under its own terms.
 */

/** One batch of the run's work: what to buy, and its prepared INTENT batch (absent: prepare it when sending). */
export interface BatchWork {
  planned: PlannedBatch;
  prepared?: Batch;
  /** The ledger error that stopped its preparation: the batch fails, nothing of it is sent. */
  error?: unknown;
  /** Items a budget cut for later batches' sooner ones, offered again after the last batch (run-renew.ts); once. */
  trailing?: true;
}

export interface ClaimAhead {
  /** listAndPlan's `onDraft`: starts preparing the draft plan's batches one after another, in the background. */
  start(draft: Plan): void;
  /**
   * Waits for the preparations and turns them into the run's work against the final plan: each prepared batch
   * keeps the claimed domains the final plan still buys (priced), the rest of its claims are released; a final
   * domain no draft batch held (none, by construction) gets a batch of its own, prepared when sent.
   * @returns the work in plan order, and how many domains another run held the claim for
   */
  finish(plan: Plan): Promise<{ work: BatchWork[]; conflicts: number }>;
  /** Releases every prepared claim and closes the batches: the run failed before buying anything. */
  abandon(message: string): Promise<void>;
}

type Outcome = { draft: PlannedBatch; prepared?: PreparedBatch; error?: unknown };

const keyOf = (e: Pick<BatchEntry, 'domain' | 'expiryMs'>) => claimKey(e.domain, e.expiryMs);
/** The terms a batch is sent under (buildBatches groups by them). */
const termsOf = (t: Pick<Decision, 'couponNo' | 'promotionNo' | 'permitPremium'>) =>
  JSON.stringify([t.couponNo ?? null, t.promotionNo ?? null, t.permitPremium === true]);
const decisionKey = (d: Decision) => claimKey(d.domain.domainName, d.domain.expiresAtMs);

/** Creates the claim-ahead of one renew run (`runId`); `start` may be called at most once. */
export function createClaimAhead(deps: JobDeps, policy: Policy, runId: string): ClaimAhead {
  const log = deps.log.child({ runId, job: 'renew' });
  let outcomes: Promise<Outcome[]> = Promise.resolve([]);
  return {
    start(draft) {
      // One batch after another (each claims LEDGER_CONCURRENCY at a time), so the ledger sees the same bounded
      // load as before; a batch whose preparation fails is reported, the next ones are still prepared.
      outcomes = (async () => {
        const done: Outcome[] = [];
        for (const planned of draft.batches) {
          try {
            done.push({ draft: planned, prepared: await prepareBatch(deps, policy, runId, planned) });
          } catch (error) {
            done.push({ draft: planned, error });
          }
        }
        return done;
      })();
    },

    async finish(plan) {
      const final = new Map(plan.decisions.filter((d) => d.action === 'renew').map((d) => [decisionKey(d), d]));
      const covered = new Set<string>();
      const work: BatchWork[] = [];
      let conflicts = 0;
      for (const { draft, prepared, error } of await outcomes) {
        for (const d of draft.items) covered.add(decisionKey(d));
        if (!prepared) {
          work.push({ planned: { ...draft, items: draft.items.filter((d) => final.has(decisionKey(d))) }, error });
          continue;
        }
        conflicts += draft.items.length - prepared.claimed.length;
        // The money pass may make a renewal premium (a price answer says so): such an item is sent in a batch of its
        // own terms, not with its draft batch-mates, who would share its refusal (review 2026-12-07). Released here,
        // it is batched anew below with the final plan's terms.
        const sameTerms = (d: Decision) => termsOf(d) === termsOf(draft);
        const finalOf = prepared.claimed.flatMap((e) => final.get(keyOf(e)) ?? []);
        const kept = finalOf.filter(sameTerms);
        const flipped = finalOf.filter((d) => !sameTerms(d));
        const planned = { ...draft, items: kept };
        const keptKeys = new Set(kept.map(decisionKey));
        const dropped = prepared.claimed.filter((e) => !keptKeys.has(keyOf(e)));
        const failed =
          dropped.length === 0
            ? undefined
            : await releaseLeftOut(deps, prepared.batch, dropped, 'left out by the money pass').then(
                () => undefined,
                (err: unknown) => err ?? new Error('release failed'),
              );
        if (failed === undefined) {
          for (const d of flipped) covered.delete(decisionKey(d));
          work.push({ planned, prepared: prepared.batch });
        } else {
          // Not sent: the batch stays INTENT and check's reconciler releases all its claims. A renewal made premium
          // is named with it: batched anew, its claim was refused by this run's own under the draft, and it was
          // counted as held by another run and named nowhere (review 2026-12-07, twenty-sixth session).
          log.warn('claims the money pass left out were not released; the batch is not sent', describeError(failed));
          work.push({ planned: { ...planned, items: [...kept, ...flipped] }, error: failed });
        }
      }
      for (const b of plan.batches) {
        const rest = b.items.filter((d) => !covered.has(decisionKey(d)));
        if (rest.length > 0) work.push({ planned: { ...b, items: rest } });
      }
      return { work, conflicts };
    },

    async abandon(message) {
      // While there is time: the run still reports its failure (run-renew.ts releaseFrom, the same).
      const noTime = createNoTimeToRelease(deps.remainingMs);
      for (const { prepared } of await outcomes) {
        if (!prepared) continue;
        if (noTime()) {
          log.warn('claims taken ahead left for check to release: the run is near its time limit', {});
          return;
        }
        await releaseUnsent(deps, prepared.batch, prepared.claimed, message, true).catch((err) =>
          log.warn('claims taken ahead not released; check releases them with their intent', describeError(err)),
        );
      }
    },
  };
}
