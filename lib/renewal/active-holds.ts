import type { JobDeps } from './deps';

/**
 * The domains held now (a hold lasting beyond `nowMs`, epoch ms): this account's holds and the other accounts'
 * (JobDeps.peerHolds), read by the planner and again right before each paid call.
 */
export async function readActiveHolds(
  deps: Pick<JobDeps, 'ledger' | 'peerHolds'>,
  nowMs: number,
): Promise<Set<string>> {
  const [own, peers] = await Promise.all([deps.ledger.listHolds(), deps.peerHolds?.() ?? []]);
  return new Set([...own, ...peers].filter((h) => h.untilMs === undefined || h.untilMs > nowMs).map((h) => h.domain));
}
