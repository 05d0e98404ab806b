import type { Batch, Ledger } from '../ledger/port';
import { isLive, knownTaskNos } from './claims';
import type { JobDeps } from './deps';

/**
 * Every TaskNo the ledger knows for the batch's domains (any expiry), except this batch's own: never adoptable here.
 * One query per domain, so it is read only when the task list has renewal tasks to judge, or a TaskNo recorded for
 * the batch is to be trusted (reconcile's adoption, close-batch's task check). With `peerClaims` (the deployment's
 * other accounts: JobDeps.peerClaims), their claims' TaskNos too: two keys of one Alibaba account see each other's
 * tasks, and a's check adopted b's failed earlier task named by a's paid-call error (or, unnamed, counted it as a
 * second task touching the batch and never settled it) while a's own order waited in the queue, and the domain was
 * ordered again (review 2026-12-07, thirtieth session). A peer's live claim whose batch alone knows its TaskNo is
 * not followed (that batch is in the peer's keyspace).
 */
export async function readKnownElsewhere(
  ledger: Pick<Ledger, 'listClaimsForDomain' | 'getBatch'>,
  batch: Batch,
  peerClaims?: JobDeps['peerClaims'],
): Promise<Set<string>> {
  const known = new Set<string>();
  if (peerClaims) {
    const domains = [...new Set(batch.entries.map((e) => e.domain))];
    for (const c of await peerClaims([], domains)) for (const t of knownTaskNos(c)) known.add(t);
  }
  for (const entry of batch.entries) {
    for (const c of await ledger.listClaimsForDomain(entry.domain)) {
      if (c.batchId === batch.batchId) {
        for (const t of c.previousTaskNos ?? []) known.add(t);
        continue;
      }
      for (const t of knownTaskNos(c)) known.add(t);
      if (!c.taskNo && isLive(c)) {
        const other = await ledger.getBatch(c.batchId);
        if (other?.taskNo) known.add(other.taskNo);
      }
    }
  }
  return known;
}
