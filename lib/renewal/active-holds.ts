import type { JobDeps } from './deps';

/**
 * The domains this account holds now (a hold lasting beyond `nowMs`, epoch ms), read by the planner and again right
 * before each paid call. A hold is per account: a domain moving between accounts is held in the one it leaves while
 * the other renews it (docs/design.md, Accounts).
 */
export async function readActiveHolds(deps: Pick<JobDeps, 'ledger'>, nowMs: number): Promise<Set<string>> {
  const holds = await deps.ledger.listHolds();
  return new Set(holds.filter((h) => h.untilMs === undefined || h.untilMs > nowMs).map((h) => h.domain));
}
