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

/** A promise's outcome as a value (settle). */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise's outcome as a value: started ahead beside another step, with no rejection left unhandled meanwhile. */
export function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/** Runs pushed tasks at most `limit` at a time; `drain` waits for them all. */
export interface TaskQueue {
  push(task: () => Promise<void>): void;
  /** Resolves once every task pushed so far, and any pushed while it waits, has settled. */
  drain(): Promise<void>;
}

/**
 * A queue for work that arrives over time (mapWithLimit is for a list known up front): each pushed task starts as
 * soon as fewer than `limit` are running. Tasks should catch their own errors: a rejection rejects `drain`.
 */
export function createTaskQueue(limit: number): TaskQueue {
  const waiting: (() => Promise<void>)[] = [];
  const started: Promise<void>[] = [];
  let active = 0;
  const pump = () => {
    while (active < limit && waiting.length > 0) {
      const task = waiting.shift() as () => Promise<void>;
      active += 1;
      started.push(
        task().finally(() => {
          active -= 1;
          pump();
        }),
      );
    }
  };
  return {
    push(task) {
      waiting.push(task);
      pump();
    },
    async drain() {
      // Tasks a finishing task starts are added to `started` while we wait: loop until none is left.
      let seen = 0;
      while (seen < started.length) {
        const batch = started.slice(seen);
        seen = started.length;
        await Promise.all(batch);
      }
    },
  };
}
