import type { Page } from './shapes';

/** Why a multi-page read could not be trusted (the registrar's data moved while we paged). */
export class InconsistentListingError extends Error {}

/** Upper bound on pages we will request for one listing: a guard against a nonsensical TotalPageNum. */
const MAX_PAGES = 100_000;

/**
 * Fetches every page: page 1 first (to learn the totals), then pages 2..TotalPageNum with at most `concurrency`
 * requests in flight. Items are deduplicated by `keyOf` (first occurrence wins, page order kept) and the unique
 * count must equal TotalItemNum, and every page must report the same totals; otherwise InconsistentListingError.
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
    );
  }
  return items;
}
