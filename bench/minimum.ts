/** Calls per Action. */
export type CallCounts = Record<string, number>;

export const LIST = 'QueryDomainList';
export const SUBMIT = 'SaveBatchTaskForCreatingOrderRenew';
export const SUBMIT_SINGLE = 'SaveSingleTaskForCreatingOrderRenew';
export const DETAIL = 'QueryTaskDetailList';
export const CONFIRM = 'QueryDomainByDomainName';

/** The registrar's QueryTaskDetailList page size (documented maximum). */
export const DETAIL_PAGE_SIZE = 1000;

export interface MinimumInput {
  /** Listed domains (N). */
  listed: number;
  /** Renewals per submit group (coupon/promotion group), R = their sum. */
  groups: readonly number[];
  pageSize: number;
  maxBatchSize: number;
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
 * submits per coupon group g, `ceil(details / 1000)` detail pages per task, and one QueryDomainByDomainName per
 * renewed domain, because the check job confirms every reported success against the domain's new expiry before it
 * counts it. One check pass: the bench starts check after every task has finished.
 */
export function minimumCalls(input: MinimumInput): CallCounts {
  const tasks = expectedTaskSizes(input.groups, input.maxBatchSize);
  const renewed = input.groups.reduce((a, b) => a + b, 0);
  return {
    [LIST]: Math.max(1, Math.ceil(input.listed / input.pageSize)),
    [SUBMIT]: tasks.length,
    [DETAIL]: tasks.reduce((sum, size) => sum + Math.ceil(size / DETAIL_PAGE_SIZE), 0),
    [CONFIRM]: renewed,
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
