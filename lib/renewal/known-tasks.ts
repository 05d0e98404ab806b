import type { Batch, Ledger } from '../ledger/port';
import { isLive, knownTaskNos } from './claims';

/**
 * Every TaskNo the ledger knows for the batch's domains (any expiry), except this batch's own: never adoptable here.
 * One query per domain, so it is read only when the task list has renewal tasks to judge, or a TaskNo recorded for
 * the batch is to be trusted (reconcile's adoption, close-batch's task check).
 */
export async function readKnownElsewhere(
  ledger: Pick<Ledger, 'listClaimsForDomain' | 'getBatch'>,
  batch: Batch,
): Promise<Set<string>> {
  const known = new Set<string>();
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
