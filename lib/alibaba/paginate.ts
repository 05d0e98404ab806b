import { AuthRejectedError, RejectedFinalError } from '../errors';
import type { Page } from './shapes';

/** Why a multi-page read could not be trusted (the registrar's data moved while we paged). */
export class InconsistentListingError extends Error {
  constructor(
    message: string,
    /**
     * Set when every page kept the same totals and yet fewer distinct rows came than TotalItemNum: pages that overlap
     * (tied rows ordered differently per offset), which one page holding every row avoids. The total it reported.
     */
    readonly overlapOf?: number,
  ) {
    super(message);
  }
}

/** Upper bound on pages we will request for one listing: a guard against a nonsensical TotalPageNum. */
const MAX_PAGES = 100_000;

/**
 * Fetches every page: page 1 first (to learn the totals), then pages 2..TotalPageNum with at most `concurrency`
 * requests in flight. Items are deduplicated by `keyOf` (first occurrence wins, page order kept) and the unique
 * count must equal TotalItemNum, and every page must report the same totals; otherwise InconsistentListingError.
 * The last page by the totals that says `NextPage: true` is followed once: a page after it with rows is an
 * InconsistentListingError too (totals that stop short, a capped count: read as complete, the domains after them were
 * never planned nor named; review 2026-12-07, twenty-seventh session), an empty one, one of rows already listed, or
 * one refused as a parameter error, ends the listing.
 */
export async function fetchAllPages<T>(
  fetchPage: (pageNum: number) => Promise<Page<T>>,
  concurrency: number,
  keyOf: (item: T) => string,
  /** Sees each page's items as it arrives (page order not guaranteed), before the totals are checked. */
  onPage?: (items: readonly T[]) => void,
): Promise<T[]> {
  const first = await fetchPage(1);
  onPage?.(first.items);
  const totalPages = first.totalPages;
  if (totalPages > MAX_PAGES) throw new InconsistentListingError(`TotalPageNum ${totalPages} exceeds ${MAX_PAGES}`);
  const pages: Page<T>[] = [first];
  let nextPage = 2;
  let failed = false;
  async function worker(): Promise<void> {
    while (!failed && nextPage <= totalPages) {
      const pageNum = nextPage++;
      try {
        const page = await fetchPage(pageNum);
        pages[pageNum - 1] = page;
        onPage?.(page.items);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  }
  const workers = Math.max(0, Math.min(Math.max(1, concurrency), totalPages - 1));
  await Promise.all(Array.from({ length: workers }, () => worker()));
  const last = pages[pages.length - 1] as Page<T>;
  if (last.nextPage) {
    const after = Math.max(1, totalPages) + 1;
    // A page past the last refused as a parameter error does not exist, as the totals say (an off-by-one NextPage
    // from a registrar that checks PageNum: read as a failed listing, such an account bought nothing, every run).
    const beyond = await fetchPage(after).catch((err: unknown) => {
      if (err instanceof RejectedFinalError && !(err instanceof AuthRejectedError)) return { items: [] as T[] };
      throw err;
    });
    // Rows already listed prove nothing (a registrar that answers a PageNum past the last with the last page again,
    // and says NextPage there by an off-by-one: refused, such an account bought nothing, every run).
    const listed = new Set(pages.flatMap((p) => p.items.map(keyOf)));
    const more = beyond.items.filter((item) => !listed.has(keyOf(item))).length;
    if (more > 0) {
      throw new InconsistentListingError(
        `page ${after - 1} says a next page exists (NextPage) though TotalPageNum is ${totalPages}, and page ${after} has ${more} more row(s)`,
      );
    }
  }

  const seen = new Set<string>();
  const items: T[] = [];
  for (const [index, page] of pages.entries()) {
    if (page.totalItems !== first.totalItems || page.totalPages !== totalPages) {
      throw new InconsistentListingError(
        `page ${index + 1} reports ${page.totalItems} items in ${page.totalPages} pages, page 1 reported ${first.totalItems} in ${totalPages}`,
      );
    }
    for (const item of page.items) {
      const key = keyOf(item);
      if (seen.has(key)) continue;
      seen.add(key);
      items.push(item);
    }
  }
  if (items.length !== first.totalItems) {
    throw new InconsistentListingError(
      `got ${items.length} distinct items, the registrar reported ${first.totalItems}`,
      items.length < first.totalItems ? first.totalItems : undefined,
    );
  }
  return items;
}
