/** Ledger round trips run this many at a time within one job step (claims, claim updates, domain look-ups). */
export const LEDGER_CONCURRENCY = 16;

/**
 * Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order. The first rejection
 * rejects the whole map (after the calls already started have settled), like Promise.all.
 */
export async function mapWithLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}
