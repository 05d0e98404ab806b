/** Calls per Action. */
export type CallCounts = Record<string, number>;

export const LIST = 'QueryDomainList';
export const SUBMIT = 'SaveBatchTaskForCreatingOrderRenew';
export const SUBMIT_SINGLE = 'SaveSingleTaskForCreatingOrderRenew';
export const DETAIL = 'QueryTaskDetailList';
export const CONFIRM = 'QueryDomainByDomainName';

/** The registrar's QueryTaskDetailList page size (documented maximum). */
export const DETAIL_PAGE_SIZE = 1000;

/** From this many renewals on, check confirms them with one ranged listing (lib/renewal/confirm.ts). */
export { CONFIRM_BY_LISTING_FROM } from '../lib/renewal/confirm';

import { CONFIRM_BY_LISTING_FROM } from '../lib/renewal/confirm';

export interface MinimumInput {
  /** Listed domains (N). */
  listed: number;
  /** Renewals per submit group (coupon/promotion group), R = their sum. */
  groups: readonly number[];
  pageSize: number;
  maxBatchSize: number;
  /** Domains the check job's confirmation listing returns (K); used when R >= CONFIRM_BY_LISTING_FROM. */
  confirmListed?: number;
}

/** List pages the check job spends confirming R renewals: one ranged listing of K domains, or none below the threshold. */
export function checkListPages(input: MinimumInput): number {
  const renewed = input.groups.reduce((a, b) => a + b, 0);
  if (renewed < CONFIRM_BY_LISTING_FROM) return 0;
  return Math.max(1, Math.ceil((input.confirmListed ?? renewed) / input.pageSize));
}

/** The tasks the job creates: one per submit, `maxBatchSize` domains each except a group's last. */
export function expectedTaskSizes(groups: readonly number[], maxBatchSize: number): number[] {
  const sizes: number[] = [];
  for (const g of groups) {
    for (let left = g; left > 0; left -= maxBatchSize) sizes.push(Math.min(left, maxBatchSize));
  }
  return sizes;
}

/**
 * The fewest calls a renew run followed by one check pass can make (DESIGN §8):
 * `ceil(N / pageSize)` list pages (at least 1: an empty listing is still one call), `ceil(R_g / maxBatchSize)`
 * submits per coupon group g, `ceil(details / 1000)` detail pages per task, plus the confirmation of every reported
 * success against the domain's new expiry (the check job counts a renewal only then): below
 * CONFIRM_BY_LISTING_FROM renewals one QueryDomainByDomainName each, from there one ranged QueryDomainList of K
 * domains (`ceil(K / pageSize)` more list pages). One check pass: the bench starts check after every task finished.
 */
export function minimumCalls(input: MinimumInput): CallCounts {
  const tasks = expectedTaskSizes(input.groups, input.maxBatchSize);
  const renewed = input.groups.reduce((a, b) => a + b, 0);
  const confirmPages = checkListPages(input);
  return {
    [LIST]: Math.max(1, Math.ceil(input.listed / input.pageSize)) + confirmPages,
    [SUBMIT]: tasks.length,
    [DETAIL]: tasks.reduce((sum, size) => sum + Math.ceil(size / DETAIL_PAGE_SIZE), 0),
    // An action the job does not call at all is absent, as in the sandbox's request counts.
    ...(confirmPages > 0 || renewed === 0 ? {} : { [CONFIRM]: renewed }),
  };
}

/** The naive baseline's calls: sequential pages, one single-domain submit and one detail query per renewal. */
export function baselineCalls(input: { listed: number; renewed: number; pageSize: number }): CallCounts {
  return {
    [LIST]: Math.max(1, Math.ceil(input.listed / input.pageSize)),
    [SUBMIT_SINGLE]: input.renewed,
    [DETAIL]: input.renewed,
  };
}

/** Sum of the counts. */
export function totalCalls(counts: CallCounts): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
