import { fetchAllPages, InconsistentListingError } from '../../lib/alibaba/paginate';
import type { Page } from '../../lib/alibaba/shapes';

/** Pages of `size` numbered items out of `total`; `totalOn(page)` lets one page report other totals. */
function pager(total: number, size: number, totalOn: (page: number) => number = () => total) {
  return async (pageNum: number): Promise<Page<number>> => {
    const items = Array.from({ length: size }, (_, i) => (pageNum - 1) * size + i).filter((n) => n < total);
    const reported = totalOn(pageNum);
    return { items, totalItems: reported, totalPages: Math.ceil(reported / size) };
  };
}

describe('fetchAllPages', () => {
  test('hands each page to onPage as it arrives and returns every item once, in page order', async () => {
    const seen: number[][] = [];
    const items = await fetchAllPages(pager(25, 10), 2, String, (page) => seen.push([...page]));
    expect(items).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(seen).toHaveLength(3);
    expect(seen.flat().sort((a, b) => a - b)).toEqual(items);
  });

  test('pages seen before the totals fail are still handed over; the listing itself fails', async () => {
    const seen: number[] = [];
    const listing = fetchAllPages(
      pager(25, 10, (p) => (p === 3 ? 26 : 25)),
      1,
      String,
      (page) => seen.push(...page),
    );
    await expect(listing).rejects.toBeInstanceOf(InconsistentListingError);
    expect(seen).toHaveLength(25);
  });
});
