/** Calls per Action. */
export type CallCounts = Record<string, number>;

export const LIST = 'QueryDomainList';
export const SUBMIT = 'SaveBatchTaskForCreatingOrderRenew';
export const SUBMIT_SINGLE = 'SaveSingleTaskForCreatingOrderRenew';
export const DETAIL = 'QueryTaskDetailList';
export const CONFIRM = 'QueryDomainByDomainName';
/** The pre-flight reads before any purchase (issue 15): prices, balance, and renewal tasks made elsewhere. */
export const QUOTE = 'QueryDomainRealTimePrice';
export const BALANCE = 'QueryAccountBalance';
export const TASK_LIST = 'QueryTaskList';

/** Domains priced per QueryDomainRealTimePrice call (AUTORENEW_QUOTE_CHUNK default). */
export { DEFAULT_QUOTE_CHUNK } from '../lib/alibaba/quotes';

import { DEFAULT_QUOTE_CHUNK } from '../lib/alibaba/quotes';

/** The registrar's QueryTaskDetailList page size (documented maximum). */
export const DETAIL_PAGE_SIZE = 1000;

/** From this many renewals on, check confirms them with one ranged listing (lib/renewal/confirm-expiry.ts). */
export { CONFIRM_BY_LISTING_FROM } from '../lib/renewal/confirm-expiry';

import { CONFIRM_BY_LISTING_FROM } from '../lib/renewal/confirm-expiry';

export interface MinimumInput {
  /** Listed domains (N). */
  listed: number;
  /** Renewals per submit group (coupon/promotion group), R = their sum. */
  groups: readonly number[];
  pageSize: number;
  maxBatchSize: number;
  /** Domains per price call; default DEFAULT_QUOTE_CHUNK. */
  quoteChunk?: number;
  /**
   * How check confirms the renewals (lib/renewal/confirm-expiry.ts): domains returned per ranged listing, and single
   * look-ups. Absent: R single look-ups below CONFIRM_BY_LISTING_FROM, else one listing returning exactly the R.
   */
  confirmation?: { rangeSizes: readonly number[]; singles: number };
}

function confirmationOf(input: MinimumInput): { rangeSizes: readonly number[]; singles: number } {
  if (input.confirmation) return input.confirmation;
  const renewed = input.groups.reduce((a, b) => a + b, 0);
  return renewed < CONFIRM_BY_LISTING_FROM
    ? { rangeSizes: [], singles: renewed }
    : { rangeSizes: [renewed], singles: 0 };
}

/** The tasks the job creates: one per submit, `maxBatchSize` domains each except a group's last. */
export function expectedTaskSizes(groups: readonly number[], maxBatchSize: number): number[] {
  const sizes: number[] = [];
  for (const g of groups) {
    for (let left = g; left > 0; left -= maxBatchSize) sizes.push(Math.min(left, maxBatchSize));
  }
  return sizes;
}

/** List pages the check job spends confirming the renewals: all pages of each ranged listing (at least 1 each). */
export function checkListPages(input: MinimumInput): number {
  return confirmationOf(input).rangeSizes.reduce((sum, k) => sum + Math.max(1, Math.ceil(k / input.pageSize)), 0);
}

/**
 * The fewest calls a renew run followed by one check pass can make (docs/design.md, Performance minimum):
 * `ceil(N / pageSize)` list pages (at least 1: an empty listing is still one call), `ceil(R_g / maxBatchSize)`
 * submits per coupon group g, `ceil(details / 1000)` detail pages per task, plus the confirmation of every reported
 * success against the domain's new expiry (the check job counts a renewal only then): renewals whose new expiries
 * cluster are read with one ranged QueryDomainList each (`ceil(K / pageSize)` pages for the K domains in the range),
 * small clusters with one QueryDomainByDomainName each (lib/renewal/confirm-expiry.ts planConfirmation). One check pass:
 * the bench starts check after every task finished. Before buying, when anything is due (R > 0), the pre-flight
 * reads: one QueryTaskList page (renewals made elsewhere; the bench account has no earlier tasks, so no detail
 * reads), `ceil(R / quoteChunk)` QueryDomainRealTimePrice calls and one QueryAccountBalance.
 */
export function minimumCalls(input: MinimumInput): CallCounts {
  const tasks = expectedTaskSizes(input.groups, input.maxBatchSize);
  const confirmPages = checkListPages(input);
  const singles = confirmationOf(input).singles;
  const renewals = input.groups.reduce((a, b) => a + b, 0);
  const preflight =
    renewals > 0
      ? {
          [TASK_LIST]: 1,
          [QUOTE]: Math.ceil(renewals / (input.quoteChunk ?? DEFAULT_QUOTE_CHUNK)),
          [BALANCE]: 1,
        }
      : {};
  return {
    ...preflight,
    [LIST]: Math.max(1, Math.ceil(input.listed / input.pageSize)) + confirmPages,
    [SUBMIT]: tasks.length,
    [DETAIL]: tasks.reduce((sum, size) => sum + Math.ceil(size / DETAIL_PAGE_SIZE), 0),
    // An action the job does not call at all is absent, as in the sandbox's request counts.
    ...(singles > 0 ? { [CONFIRM]: singles } : {}),
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
